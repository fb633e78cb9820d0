"""API keys: ``Authorization: Bearer <key>`` against the keys of ``ERRDIAG_API_KEYS``.

Admin endpoints always need a key (``AdminKeyDep``); with ``ERRDIAG_REQUIRE_API_KEY`` every
``/v1/`` endpoint does too (``ApiKeyMiddleware``, so routes added later are covered as well).
Keys are compared as SHA-256 digests with ``hmac.compare_digest`` against every key, so neither
the time taken nor the logs say anything about a key. A refusal is logged without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPBearer
from pydantic import SecretStr
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.body import raw_header
from app.api.errors import ApiError, error_response
from app.api.metrics import Metrics
from app.api.paths import template_for

__all__ = ["ApiKeys", "ApiKeyMiddleware", "AdminKeyDep", "PROTECTED_PREFIX", "ROUTE_TEMPLATE_KEY"]

PROTECTED_PREFIX = "/v1/"
ROUTE_TEMPLATE_KEY = "errdiag.route_template"
log = logging.getLogger("errdiag.auth")

_MESSAGES = {
    "missing": "This endpoint requires an API key: send the header 'Authorization: Bearer <key>'.",
    "malformed": "The Authorization header must read 'Bearer <key>'.",
    "invalid": "The API key is not valid.",
}


class ApiKeys:
    """The accepted keys, held only as digests."""

    def __init__(self, keys: Sequence[SecretStr]) -> None:
        self._digests = [hashlib.sha256(key.get_secret_value().encode()).digest() for key in keys]

    def __bool__(self) -> bool:
        return bool(self._digests)

    def accepts(self, presented: str) -> bool:
        digest = hashlib.sha256(presented.encode("utf-8", "surrogateescape")).digest()
        accepted = False
        for known in self._digests:  # no early exit: every key is compared
            accepted |= hmac.compare_digest(known, digest)
        return accepted

    def refusal(self, authorization: str | None) -> str | None:
        """None when ``authorization`` carries an accepted key, else why not: missing, malformed, invalid."""
        if not authorization:
            return "missing"
        scheme, _, presented = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            return "malformed"
        return None if self.accepts(presented.strip()) else "invalid"


def _challenge(reason: str) -> dict[str, str]:
    detail = ', error="invalid_token"' if reason == "invalid" else ""
    return {"WWW-Authenticate": f'Bearer realm="errdiag"{detail}'}


def _log_refusal(reason: str, method: str, path: str, client: tuple[str, int] | None, metrics: Metrics | None) -> None:
    log.warning("refused a request without a valid API key",
                extra={"reason": reason, "method": method, "path": path, "client": client[0] if client else None})
    if metrics is not None:
        metrics.auth_failures.labels(reason).inc()


def _note_route_template(scope: Scope) -> None:
    """Note the path template a refused request was for (it never reached the router), for its log line and metrics."""
    template = template_for(scope["app"], scope["path"])
    if template is not None:
        scope[ROUTE_TEMPLATE_KEY] = template


WEBHOOK_PREFIX = "/v1/triage"


class ApiKeyMiddleware:
    """Refuses every ``/v1/`` request without an accepted key (installed with ERRDIAG_REQUIRE_API_KEY).

    With ``signed_webhooks`` (ERRDIAG_WEBHOOK_SECRET set), ``/v1/triage*`` is left to the HMAC
    signature check: trackers sign their deliveries but cannot send a bearer key.
    """

    def __init__(self, app: ASGIApp, *, keys: ApiKeys, signed_webhooks: bool = False) -> None:
        self.app, self.keys, self.signed_webhooks = app, keys, signed_webhooks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        exempt = self.signed_webhooks and path.startswith(WEBHOOK_PREFIX)
        if scope["type"] != "http" or not path.startswith(PROTECTED_PREFIX) or exempt:
            await self.app(scope, receive, send)
            return
        value = raw_header(scope, b"authorization")
        authorization = None if value is None else value.decode("latin-1")
        reason = self.keys.refusal(authorization)
        if reason is None:
            await self.app(scope, receive, send)
            return
        _note_route_template(scope)
        _log_refusal(reason, scope["method"], scope["path"], scope.get("client"), getattr(scope["app"].state, "metrics", None))
        await error_response(401, "unauthorized", _MESSAGES[reason], _challenge(reason))(scope, receive, send)


_bearer_scheme = HTTPBearer(auto_error=False, scheme_name="apiKey", description="An API key of ERRDIAG_API_KEYS, sent as `Authorization: Bearer <key>`.")


def require_admin_key(request: Request, _: Annotated[object, Depends(_bearer_scheme)]) -> None:
    """Admin endpoints: 403 when no key is configured, 401 without an accepted key."""
    keys: ApiKeys = request.app.state.api_keys
    if not keys:
        raise ApiError(403, "admin_disabled", "Admin endpoints are disabled: set ERRDIAG_API_KEYS (comma-separated keys) to enable them.")
    reason = keys.refusal(request.headers.get("authorization"))
    if reason is not None:
        _log_refusal(reason, request.method, request.url.path, (request.client.host, request.client.port) if request.client else None,
                     getattr(request.app.state, "metrics", None))
        raise ApiError(401, "unauthorized", _MESSAGES[reason], _challenge(reason))


AdminKeyDep = Depends(require_admin_key)
