"""Dependencies shared by the routes: the engine, the settings, the answer's format and language."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel

from app.engine import Engine
from app.settings import Settings

__all__ = ["EngineDep", "SettingsDep", "FormatQuery", "accept_language", "respond"]

Format = Literal["json", "text", "markdown"]


async def get_engine(request: Request) -> Engine:
    return request.app.state.engine


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
FormatQuery = Annotated[
    Format | None,
    Query(alias="format", description="Answer format; default from the Accept header (text/plain, text/markdown), else JSON."),
]


def accept_language(request: Request) -> Literal["fr", "en"] | None:
    """The first of fr/en in the Accept-Language header, by quality."""
    ranked = []
    for part in request.headers.get("accept-language", "").split(","):
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
    accept = request.headers.get("accept", "").lower()
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
    return Response(result.model_dump_json(), media_type="application/json")  # pydantic's encoder, in Rust
