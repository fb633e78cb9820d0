"""The ASGI app the HTTP benchmark serves: the real errdiag app, and a bare FastAPI endpoint beside it.

``POST /bare/diagnose`` parses the same JSON body into the same request model and answers a
constant 1 KB JSON: the framework's own cost on this machine. Every other path (and the
lifespan, which loads the catalogue) goes to the service exactly as ``errdiag serve`` runs it
(``app.api.main:app``: settings from the environment, logging, middleware). Both run in the
same server process, so they share the server, its settings and its workers.
"""

from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.schemas import DiagnoseRequest

__all__ = ["create_bench_app", "create_bare_app", "BARE_PATH", "CONSTANT_BODY"]

BARE_PATH = "/bare/diagnose"
CONSTANT_BODY = json.dumps({"matched": True, "lang": "en", "padding": "x" * 980}, separators=(",", ":")).encode()


def create_bare_app() -> FastAPI:
    bare = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @bare.post(BARE_PATH)
    async def bare_diagnose(body: DiagnoseRequest) -> Response:
        return Response(CONSTANT_BODY, media_type="application/json")

    return bare


def create_bench_app(errdiag: ASGIApp | None = None) -> ASGIApp:
    """Factory for ``uvicorn --factory``: paths under ``/bare/`` go to the bare app, the rest to ``errdiag``

    (by default the service's own ``app.api.main:app``).
    """
    if errdiag is None:
        from app.api.main import app as errdiag
    bare = create_bare_app()

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/bare/"):
            await bare(scope, receive, send)
        else:
            await errdiag(scope, receive, send)

    return dispatch
