"""The request middleware: request id, catalogue version, one access-log line and the metrics of every request.

Pure ASGI (no per-request objects beyond a closure): it reads ``X-Request-ID`` (kept when printable
ASCII of at most 128 characters, else replaced by a fresh id), echoes it in the response with the
version of the catalogue that answered, times the request, then logs and counts it with the route
template and the outcome the route noted in ``request.state.outcome``. One middleware adds both
headers: each wrapper of ``send`` is one more coroutine call per message of every response.
"""

from __future__ import annotations

import logging
import secrets
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.body import raw_header
from app.api.logs import ACCESS_LOGGER, log_fields, request_id_var
from app.api.metrics import Metrics
from app.api.outcome import Outcome
from app.api.security import ROUTE_TEMPLATE_KEY

__all__ = ["RequestMiddleware", "REQUEST_ID_HEADER", "CATALOG_VERSION_HEADER", "valid_request_id"]

REQUEST_ID_HEADER = "X-Request-ID"
CATALOG_VERSION_HEADER = "X-Errdiag-Catalog-Version"
_HEADER_KEY = REQUEST_ID_HEADER.lower().encode()
_VERSION_KEY = CATALOG_VERSION_HEADER.lower().encode()
_MAX_ID_CHARS = 128
_INPUT_LOG_CHARS = 4000
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
access_log = logging.getLogger(ACCESS_LOGGER)


def valid_request_id(raw: bytes | None) -> str | None:
    """The client's request id if it is 1 to 128 printable ASCII characters, else None."""
    if not raw or len(raw) > _MAX_ID_CHARS or not all(0x20 < byte < 0x7F for byte in raw):
        return None
    return raw.decode("ascii")


def route_template(scope: Scope) -> str:
    """The path template of the matched route (a bounded label), or ``unmatched``."""
    route = scope.get("route")
    if route is not None:
        return getattr(route, "path", "unmatched")
    if "endpoint" in scope:  # a plain Starlette route (/docs, /openapi.json): a fixed path
        return scope["path"]
    return scope.get(ROUTE_TEMPLATE_KEY, "unmatched")  # refused before routing (API key)


def catalog_version(scope: Scope) -> str | None:
    """The version of the catalogue that answered the request: the one a route noted (a reload may have
    swapped the catalogue since), else the one in service; None before the lifespan ran."""
    outcome = scope.get("state", {}).get("outcome")
    if outcome is not None and outcome.catalog_version:
        return outcome.catalog_version
    engine = getattr(scope["app"].state, "engine", None)
    return engine.index.catalog.version if engine is not None else None


class RequestMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: Metrics, log_input: bool = False) -> None:
        self.app, self.metrics, self.log_input = app, metrics, log_input

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = valid_request_id(raw_header(scope, _HEADER_KEY)) or secrets.token_hex(16)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                version = catalog_version(scope)
                message["headers"] = [*message.get("headers", ()), (_HEADER_KEY, request_id.encode()),
                                      *(((_VERSION_KEY, version.encode()),) if version is not None else ())]
            await send(message)

        scope.setdefault("state", {})  # shared with the route even if the scope is copied on the way
        self.metrics.in_progress.inc()
        try:
            await self.app(scope, receive, send_with_id)
        except BaseException:
            self._record(scope, status, time.perf_counter() - started)
            raise  # the request id stays set for the error handler outside, which logs the failure
        self._record(scope, status, time.perf_counter() - started)
        request_id_var.reset(token)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        self.metrics.in_progress.dec()
        route = route_template(scope)
        outcome: Outcome | None = scope["state"].get("outcome")
        method = scope["method"] if scope["method"] in _METHODS else "OTHER"  # a label must not take any value a client sends
        self.metrics.observe_request(method, route, status, seconds)
        if outcome is not None:
            self.metrics.observe_outcome(outcome)
        if access_log.isEnabledFor(logging.INFO):
            log_fields(access_log, logging.INFO, "request", self._fields(scope, route, status, seconds, outcome))

    def _fields(self, scope: Scope, route: str, status: int, seconds: float, outcome: Outcome | None) -> dict[str, object]:
        fields: dict[str, object] = {
            "request_id": request_id_var.get(), "method": scope["method"], "route": route, "path": scope["path"],
            "status": status, "duration_ms": round(seconds * 1000, 2),
        }
        error_code = scope["state"].get("error_code")
        if error_code is not None:
            fields["error"] = error_code
        best = outcome.best() if outcome is not None else None
        if best is not None:
            fields.update(matched=best.matched, entry=best.entry_id, confidence=round(best.confidence, 4),
                          diagnoses=len(outcome.diagnoses))  # type: ignore[union-attr]
        text = outcome.input_text() if self.log_input and outcome is not None else None
        if text is not None:
            fields["input"] = text[:_INPUT_LOG_CHARS]
        return fields
