"""``create_app(settings)``: the FastAPI application, a thin client of the engine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import __version__
from app.api import routes_catalog, routes_diagnose
from app.api.errors import install_error_handlers
from app.engine import DiagnoseOptions, Engine
from app.settings import Settings

__all__ = ["create_app", "CATALOG_VERSION_HEADER"]

CATALOG_VERSION_HEADER = "X-Errdiag-Catalog-Version"

_DESCRIPTION = """Turns an Azure Backup (IaaS VM) error into a diagnosis: the catalogue entry,
its probable causes, ordered remediation steps, doc links, a confidence and the runners-up.

Every error answers `{"error": {"code", "message"}}`. Every response carries the catalogue version
in the `X-Errdiag-Catalog-Version` header; catalogue reads carry an `ETag`."""


def engine_options(settings: Settings) -> DiagnoseOptions:
    return DiagnoseOptions(threshold=settings.threshold, limit=settings.default_limit, max_segments=settings.max_segments)


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """Build the app; the catalogue is loaded in the lifespan unless an ``engine`` is given."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = engine or Engine.from_directory(
            settings.catalog_dir, engine_options(settings), check=settings.check_examples,
        )
        yield

    app = FastAPI(
        title="errdiag", version=__version__, description=_DESCRIPTION, lifespan=lifespan,
        openapi_tags=[
            {"name": "diagnose", "description": "Turn errors into diagnoses."},
            {"name": "catalogue", "description": "Read the catalogue of known errors."},
            {"name": "health", "description": "Probes for orchestrators."},
        ],
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(routes_diagnose.router)
    app.include_router(routes_catalog.router)
    app.include_router(routes_catalog.health_router)
    app.add_middleware(CatalogVersionMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Content-Type", "Authorization", "Accept-Language", "Idempotency-Key", "X-Request-ID"],
            expose_headers=[CATALOG_VERSION_HEADER, "ETag", "X-Request-ID"], max_age=600,
        )
    return app


class CatalogVersionMiddleware:
    """Adds the version of the catalogue in service to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        engine = getattr(scope["app"].state, "engine", None)

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start" and engine is not None:
                headers = list(message.get("headers", []))
                headers.append((CATALOG_VERSION_HEADER.lower().encode(), engine.index.catalog.version.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_version)
