"""``create_app(settings)``: the FastAPI application, a thin client of the engine."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app import __version__
from app.api import metrics as metrics_route
from app.api import routes_admin, routes_catalog, routes_diagnose, routes_triage
from app.api.direct_route import DirectRoutes
from app.api.errors import install_error_handlers
from app.api.metrics import Metrics
from app.api.middleware import CATALOG_VERSION_HEADER, RequestMiddleware
from app.api.openapi_docs import use_one_error_shape
from app.api.reload import CatalogReloader, catalog_fingerprint
from app.api.security import ApiKeyMiddleware, ApiKeys
from app.engine import DiagnoseOptions, Engine
from app.engine.gcpause import freeze_long_lived, gc_paused
from app.settings import Settings

__all__ = ["create_app", "CATALOG_VERSION_HEADER"]

# The served app's youngest-generation threshold (CPython's default is 700). The collector counts
# allocations minus deallocations; once the answer cache and the memo are full, each new answer
# replaces an old one, the count hardly grows, and the youngest generation fills with the recent
# answers until a chance peak starts a collection of some 40,000 objects (30-45 ms, about 15 us per
# request on average over 30,000 distinct requests). Measured over 15,000-30,000 distinct
# POST /v1/diagnose in-process: 10,000 gave 0.5-1.5 us per request and pauses of at most 6-8 ms, with
# the same memory; 2,000 gave 6 us and 50,000 pauses of 30 ms.
SERVED_GEN0_THRESHOLD = 10_000

_DESCRIPTION = """Turns an Azure Backup (IaaS VM) error into a diagnosis: the catalogue entry,
its probable causes, ordered remediation steps, doc links, a confidence and the runners-up.

Every error answers `{"error": {"code", "message"}}`. Every response carries the catalogue version
in the `X-Errdiag-Catalog-Version` header; catalogue reads carry an `ETag`."""


def engine_options(settings: Settings) -> DiagnoseOptions:
    return DiagnoseOptions(threshold=settings.threshold, limit=settings.default_limit, max_segments=settings.max_segments)


def create_app(settings: Settings | None = None, *, engine: Engine | None = None, freeze_gc: bool = False) -> FastAPI:
    """Build the app; the catalogue is loaded in the lifespan unless an ``engine`` is given.

    ``freeze_gc`` (the served app, ``app.api.main``): once the catalogue is loaded, everything alive is
    put out of the garbage collector's reach, so that full collections no longer walk it during requests
    (they stalled one request in a hundred by about 0.1 s), and the youngest generation is collected
    less often (``SERVED_GEN0_THRESHOLD``) while the app serves. Apps built in tests leave the collector alone.
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Served: no collection while the catalogue is loaded, indexed and checked (what is built stays), then frozen.
        with gc_paused() if freeze_gc else contextlib.nullcontext():
            app.state.engine = engine or Engine.from_directory(
                settings.catalog_dir, engine_options(settings), check=settings.check_examples, cache_size=settings.cache_size,
                memo_size=settings.memo_size, shape_size=settings.shape_size, parse_cache=settings.parse_cache_path,
            )
            if freeze_gc:
                freeze_long_lived(collect=False)
        app.state.metrics.catalog_in_service(app.state.engine.index.catalog)
        app.state.metrics.watch_cache(app.state.engine)
        with served_gc_threshold(freeze_gc):
            async with catalog_reloads(app, settings):
                yield

    app = FastAPI(
        # FastAPI's own OpenTelemetry: off unless asked for (without providers it only checks for them, on every request).
        telemetry=None if settings.opentelemetry else {"tracing": False, "metrics": False, "logs": False},
        title="errdiag", version=__version__, description=_DESCRIPTION, lifespan=lifespan,
        openapi_tags=[
            {"name": "diagnose", "description": "Turn errors into diagnoses."},
            {"name": "catalogue", "description": "Read the catalogue of known errors."},
            {"name": "health", "description": "Probes for orchestrators."},
            {"name": "triage", "description": "Ticket auto-triage webhooks: labels, priority, assignment group and a comment for a ticket."},
            {"name": "admin", "description": "Operate the service: an API key of ERRDIAG_API_KEYS is always required."},
            {"name": "operations", "description": "Prometheus metrics."},
        ],
    )
    app.state.settings = settings
    app.state.metrics = Metrics()
    app.state.api_keys = ApiKeys(settings.api_keys)
    app.state.triage = routes_triage.TriageState(settings)
    install_error_handlers(app)
    use_one_error_shape(app)
    add_routes(app, routes_diagnose.router, routes_triage.router, routes_catalog.router, routes_catalog.health_router,
               routes_admin.router, metrics_route.router)
    app.add_middleware(DirectRoutes)  # innermost: POST /v1/diagnose without the router
    if settings.require_api_key:
        app.add_middleware(ApiKeyMiddleware, keys=app.state.api_keys, signed_webhooks=settings.webhook_secret is not None)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Content-Type", "Authorization", "Accept-Language", "Idempotency-Key", "X-Request-ID"],
            expose_headers=[CATALOG_VERSION_HEADER, "ETag", "X-Request-ID"], max_age=600,
        )
    # Outermost: times everything, and heads each response with its request id and catalogue version.
    app.add_middleware(RequestMiddleware, metrics=app.state.metrics, log_input=settings.log_input)
    return app


@contextlib.contextmanager
def served_gc_threshold(served: bool) -> Iterator[None]:
    """While a served app runs, its youngest generation is collected at ``SERVED_GEN0_THRESHOLD``; restored after."""
    if not served:
        yield
        return
    before = gc.get_threshold()
    gc.set_threshold(SERVED_GEN0_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def add_routes(app: FastAPI, *routers: APIRouter) -> None:
    """Serve the routers' routes from the app's own route table.

    Each route of an ``APIRouter`` is complete (prefix, tags, dependencies), so the app can serve it
    as it is. ``include_router`` would build every route a second time on the first request (some
    40 ms before the first ``/readyz`` answers) and route each request through one more level of
    routers.
    """
    for router in routers:
        app.router.routes.extend(router.routes)


@asynccontextmanager
async def catalog_reloads(app: FastAPI, settings: Settings) -> AsyncIterator[CatalogReloader]:
    """Reloads while the app serves: the admin endpoint, SIGHUP, and the file watcher if enabled."""
    reloader = app.state.reloader = CatalogReloader(
        app.state.engine, settings.catalog_dir, check=settings.check_examples, metrics=app.state.metrics,
        parse_cache=settings.parse_cache_path,
    )
    reloader.listen_for_sighup()
    watcher = None
    if settings.watch_catalog:
        # The starting fingerprint is taken now, before serving: an edit made from here on is seen.
        seen = catalog_fingerprint(settings.catalog_dir)
        watcher = asyncio.create_task(reloader.watch(settings.watch_interval_seconds, seen))
    try:
        yield reloader
    finally:
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        await reloader.close()
