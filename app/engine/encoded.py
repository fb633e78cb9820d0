"""Results as JSON, encoded once per result: by pydantic's encoder, or from the JSON of the answer they were derived from."""

from __future__ import annotations

import weakref

from pydantic import BaseModel
from pydantic_core import to_json

__all__ = ["json_of", "remember_json", "requoted_json"]

# The JSON of each result encoded, by identity, for as long as the result lives: the engine's answer
# cache gives the same result to every repeat of an input, and results are never changed once made.
_json_by_id: dict[int, tuple[weakref.ref[BaseModel], bytes]] = {}


def json_of(result: BaseModel) -> bytes:
    """``result`` as JSON (pydantic's encoder, in Rust), encoded once per result."""
    known = _json_by_id.get(id(result))
    if known is not None and known[0]() is result:
        return known[1]
    encoded = result.model_dump_json().encode()
    remember_json(result, encoded)
    return encoded


def remember_json(result: BaseModel, encoded: bytes) -> None:
    """Record ``encoded`` as the JSON of ``result`` (it must be exactly what ``model_dump_json`` gives)."""
    key = id(result)
    _json_by_id[key] = (weakref.ref(result, lambda _, key=key: _json_by_id.pop(key, None)), encoded)  # type: ignore[misc]


def requoted_json(encoded: bytes, old: str, new: str, occurrences: int) -> bytes | None:
    """``encoded`` with the string ``old``, a value of exactly ``occurrences`` fields, now ``new``; None when unsure.

    A JSON string is found by its encoded form with its quotes. That form can be read across two
    strings only when ``old`` begins or ends with what may stand between them (``,`` ``:`` brackets),
    and such strings are left to the encoder; otherwise each occurrence is one whole string, and if
    there are as many as fields known to hold ``old``, none is a key or another field's value.
    """
    if not old or old[0] in ",:]}" or old[-1] in ",:[{":
        return None
    token = to_json(old)
    if encoded.count(token) != occurrences:
        return None
    return encoded.replace(token, to_json(new))
