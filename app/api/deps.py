"""Dependencies shared by the routes: the engine, the settings, the answer's format and language."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from fastapi import Depends, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel

from app.api.body import header
from app.api.errors import ApiError
from app.engine import Engine
from app.engine.encoded import json_of
from app.settings import Settings

__all__ = ["EngineDep", "SettingsDep", "FormatQuery", "FORMAT_PARAMETER", "query_format", "accept_language", "respond", "json_of"]

Format = Literal["json", "text", "markdown"]
_FORMATS = get_args(Format)
_FORMAT_DESCRIPTION = "Answer format; default from the Accept header (text/plain, text/markdown), else JSON."


async def get_engine(request: Request) -> Engine:
    return request.app.state.engine


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
FormatQuery = Annotated[Format | None, Query(alias="format", description=_FORMAT_DESCRIPTION)]

# FormatQuery as the OpenAPI document shows it, for a route that reads the parameter with query_format.
FORMAT_PARAMETER = {
    "name": "format", "in": "query", "required": False, "description": _FORMAT_DESCRIPTION,
    "schema": {"anyOf": [{"enum": list(_FORMATS), "type": "string"}, {"type": "null"}],
               "description": _FORMAT_DESCRIPTION, "title": "Format"},
}


def query_format(request: Request) -> Format | None:
    """The ``format`` query parameter, refused as FormatQuery would refuse it (same 422).

    For the hottest route: reading it here spares the request FastAPI's parameter solving.
    """
    if not request.scope.get("query_string"):
        return None  # most calls: no query string to parse
    value = request.query_params.get("format")
    if value is not None and value not in _FORMATS:
        choices = ", ".join(repr(f) for f in _FORMATS[:-1]) + f" or {_FORMATS[-1]!r}"
        raise ApiError(422, "invalid_request", f"Invalid request: format: Input should be {choices}.")
    return value  # type: ignore[return-value]


def accept_language(request: Request) -> Literal["fr", "en"] | None:
    """The first of fr/en in the Accept-Language header, by quality."""
    languages = header(request, b"accept-language")
    if not languages:
        return None  # most calls from scripts and webhooks
    ranked = []
    for part in languages.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        base = tag.strip().lower()[:2]
        if base in ("fr", "en"):
            ranked.append((quality, base))
    return max(ranked)[1] if ranked else None  # type: ignore[return-value]


def wanted_format(request: Request, explicit: Format | None) -> Format:
    if explicit:
        return explicit
    accept = (header(request, b"accept") or "").lower()
    if "text/plain" in accept:
        return "text"
    if "text/markdown" in accept:
        return "markdown"
    return "json"


def respond(request: Request, fmt: Format | None, result: BaseModel, text, markdown) -> Response:  # noqa: ANN001
    """Answer ``result`` as JSON, plain text or Markdown (``text``/``markdown`` render it)."""
    chosen = wanted_format(request, fmt)
    if chosen == "text":
        return PlainTextResponse(text(result))
    if chosen == "markdown":
        return PlainTextResponse(markdown(result), media_type="text/markdown; charset=utf-8")
    return Response(json_of(result), media_type="application/json")
