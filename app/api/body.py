"""Reading requests: headers from the raw scope, and bodies within the limits (size, encoding, JSON syntax and depth)."""

from __future__ import annotations

import json

from fastapi import Request
from starlette.types import Scope

from app.api.errors import ApiError

__all__ = ["read_body", "read_text", "parse_json", "media_type", "header", "raw_header"]


def raw_header(scope: Scope, name: bytes) -> bytes | None:
    """The first value of the lower-case header ``name``, read from the ASGI scope (no headers object built)."""
    for key, value in scope["headers"]:
        if key == name:
            return value
    return None


def header(request: Request, name: bytes) -> str | None:
    """``request.headers.get(name)`` for a lower-case ``name``, without building the headers and raising when absent."""
    value = raw_header(request.scope, name)
    return None if value is None else value.decode("latin-1")


def media_type(request: Request) -> str:
    return (header(request, b"content-type") or "").split(";")[0].strip().lower()


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refused with 413 as soon as it grows past ``limit`` bytes."""
    declared = header(request, b"content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413, "body_too_large",
        f"The body is larger than the limit of {limit} bytes (setting ERRDIAG_MAX_BODY_BYTES). "
        "Send the relevant part of the log, or raise the limit.",
    )


def read_text(raw: bytes, max_chars: int) -> str:
    """Decode UTF-8 text; refuse invalid bytes, NUL bytes and empty input."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "invalid_encoding", f"The body is not valid UTF-8 (byte {exc.start}). Send UTF-8 text.") from None
    return check_text(text, max_chars)


def check_text(text: str, max_chars: int, field: str = "message") -> str:
    if "\x00" in text:
        raise ApiError(400, "invalid_text", f"The {field} contains NUL bytes; send text, not binary data.")
    if not text.strip():
        raise ApiError(400, "empty_input", f"The {field} is empty. Send the error message or log to diagnose.")
    if len(text) > max_chars:
        raise ApiError(
            413, "message_too_long",
            f"The {field} has {len(text)} characters, more than the limit of {max_chars} (setting ERRDIAG_MAX_MESSAGE_CHARS).",
        )
    return text


def parse_json(raw: bytes, max_depth: int) -> object:
    """Parse a JSON body; refuse bad syntax and nesting deeper than ``max_depth``."""
    if not raw.strip():
        raise ApiError(400, "empty_body", "The body is empty. Send a JSON document.")
    try:
        document = _DECODER.decode(raw.decode(json.detect_encoding(raw), "surrogatepass"))  # what json.loads does with bytes
    except RecursionError:
        raise _too_deep(max_depth) from None
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_encoding", "The body is not valid UTF-8. Send UTF-8 JSON.") from None
    except ValueError as exc:
        raise ApiError(400, "invalid_json", f"The body is not valid JSON: {exc}. Check quotes, commas and brackets.") from None
    if _depth(document, max_depth + 1) > max_depth:
        raise _too_deep(max_depth)
    return document


def _not_json(constant: str) -> object:
    """Python reads NaN and Infinity, which JSON does not have."""
    raise ValueError(f"{constant} is not a JSON value")


_DECODER = json.JSONDecoder(parse_constant=_not_json)  # built once: json.loads with options builds one per call


def _too_deep(max_depth: int) -> ApiError:
    return ApiError(
        400, "json_too_deep",
        f"The JSON document is nested deeper than {max_depth} levels (setting ERRDIAG_MAX_JSON_DEPTH).",
    )


def _depth(node: object, cap: int, level: int = 1) -> int:
    if level > cap or not isinstance(node, (dict, list)):
        return level - (0 if isinstance(node, (dict, list)) else 1)
    children = node.values() if isinstance(node, dict) else node
    return max((_depth(child, cap, level + 1) for child in children), default=level)
