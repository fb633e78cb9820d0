"""What every triage delivery goes through before any work: its signature, then its delivery key.

* Signature: with ``ERRDIAG_WEBHOOK_SECRET`` set, the request carries
  ``sha256=<hex of HMAC-SHA256(secret, raw body)>``: in ``X-Hub-Signature-256`` from GitHub
  (what GitHub sends), in ``X-Errdiag-Signature`` for every other triage endpoint. The trackers'
  own signatures are accepted too: Jira's ``X-Hub-Signature`` (the same ``sha256=<hex>``) and
  Zendesk's ``X-Zendesk-Webhook-Signature`` (base64 HMAC-SHA256 of its
  ``X-Zendesk-Webhook-Signature-Timestamp`` followed by the body). Compared in constant time;
  a missing or wrong signature is refused with 401 and nothing else.
* Delivery key: ``Idempotency-Key`` if sent, else the tracker's delivery id
  (``X-GitHub-Delivery``, Jira's ``X-Atlassian-Webhook-Identifier``, Zendesk's
  ``X-Zendesk-Webhook-Invocation-Id``); ServiceNow sends none, so its REST message sets
  ``Idempotency-Key`` (e.g. ``${sys_id}-${sys_mod_count}``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from typing import NoReturn

from fastapi import Request
from pydantic import SecretStr

from app.api.errors import ApiError

__all__ = [
    "SIGNATURE_HEADER", "GITHUB_SIGNATURE_HEADER", "NATIVE_SIGNATURE_HEADERS", "ZENDESK_TIMESTAMP_HEADER", "IDEMPOTENCY_HEADER", "DELIVERY_HEADERS",
    "check_signature", "delivery_key", "sign", "signature_header",
]

SIGNATURE_HEADER = "X-Errdiag-Signature"
GITHUB_SIGNATURE_HEADER = "X-Hub-Signature-256"
NATIVE_SIGNATURE_HEADERS = {"jira": "X-Hub-Signature", "zendesk": "X-Zendesk-Webhook-Signature"}
ZENDESK_TIMESTAMP_HEADER = "X-Zendesk-Webhook-Signature-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
DELIVERY_HEADERS = {
    "github": "X-GitHub-Delivery",
    "jira": "X-Atlassian-Webhook-Identifier",
    "zendesk": "X-Zendesk-Webhook-Invocation-Id",
}
_MAX_KEY_CHARS = 255
log = logging.getLogger("errdiag.webhooks")


def sign(body: bytes, secret: str) -> str:
    """The signature header value of ``body``: ``sha256=<hex>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_header(source: str) -> str:
    return GITHUB_SIGNATURE_HEADER if source == "github" else SIGNATURE_HEADER


def check_signature(request: Request, body: bytes, secret: SecretStr | None, source: str) -> None:
    """Refuse (401) a request whose signature is missing or does not match its raw body."""
    if secret is None:
        return
    key = secret.get_secret_value().encode()
    header, native = signature_header(source), NATIVE_SIGNATURE_HEADERS.get(source)
    if request.headers.get(header) is not None:
        valid = _hex_matches(request.headers[header], key, body)
    elif native and request.headers.get(native) is not None:
        header = native
        valid = _zendesk_matches(request, key, body) if source == "zendesk" else _hex_matches(request.headers[native], key, body)
    else:
        alternative = f" (or the tracker's own {native})" if native else ""
        _refuse(request, "missing", f"This endpoint requires a signed request: send '{header}: sha256=<hex HMAC-SHA256 of the raw body "
                f"with the webhook secret>'{alternative}.", header)
    if not valid:
        _refuse(request, "invalid", f"The {header} signature does not match the body: sign the exact bytes sent with the secret of ERRDIAG_WEBHOOK_SECRET.", header)


def _hex_matches(presented: str, key: bytes, body: bytes) -> bool:
    scheme, _, digest = presented.strip().partition("=")
    expected = hmac.new(key, body, hashlib.sha256).hexdigest()
    return scheme.strip().lower() == "sha256" and hmac.compare_digest(expected.encode(), digest.strip().lower().encode())


def _zendesk_matches(request: Request, key: bytes, body: bytes) -> bool:
    timestamp = request.headers.get(ZENDESK_TIMESTAMP_HEADER, "").encode()
    expected = base64.b64encode(hmac.new(key, timestamp + body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, request.headers[NATIVE_SIGNATURE_HEADERS["zendesk"]].strip().encode())


def _refuse(request: Request, reason: str, message: str, header: str) -> NoReturn:
    log.warning("refused a triage delivery without a valid signature",
                extra={"reason": reason, "path": request.url.path, "client": request.client.host if request.client else None})
    raise ApiError(401, "invalid_signature", message, {"WWW-Authenticate": f'HMAC-SHA256 header="{header}"'})


def delivery_key(request: Request, source: str) -> str | None:
    """The key naming this delivery across retries: ``Idempotency-Key``, else the tracker's delivery id."""
    for header in (IDEMPOTENCY_HEADER, DELIVERY_HEADERS.get(source)):
        value = request.headers.get(header) if header else None
        if value is None:
            continue
        value = value.strip()
        if not value or len(value) > _MAX_KEY_CHARS or not value.isprintable() or not value.isascii():
            raise ApiError(400, "invalid_idempotency_key", f"The {header} header must be 1 to {_MAX_KEY_CHARS} printable ASCII characters.")
        return f"{source}:{value}"
    return None
