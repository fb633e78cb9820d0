"""Ticket auto-triage: a generic ticket, and the native payloads of Jira, ServiceNow, Zendesk and GitHub.

Every delivery goes the same way: body read within the limits, signature checked (401
and nothing else when it fails), stored answer replayed for a known delivery key, else the
payload mapped onto a ticket, triaged, counted, and its answer stored for retries.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Annotated, Literal
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from app.api.body import media_type, parse_json, read_body, read_text
from app.api.deps import FormatQuery, accept_language, respond
from app.api.errors import ApiError
from app.api.idempotency import DeliveryStore, KeyConflict, KeyInFlight
from app.api.openapi_triage import TRIAGE_RESPONSES, triage_operation
from app.api.outcome import note_outcome
from app.api.webhooks import check_signature, delivery_key
from app.settings import Settings
from app.triage import (
    Ignored,
    IgnoredDelivery,
    Source,
    Ticket,
    TicketPayloadError,
    TriagePolicy,
    TriageResult,
    render_triage_markdown,
    render_triage_text,
    ticket_from,
    triage,
)

__all__ = ["router", "TriageState", "REPLAYED_HEADER"]

router = APIRouter(prefix="/v1/triage", tags=["triage"])
REPLAYED_HEADER = "Idempotent-Replayed"
_INLINE_BYTES = 20_000  # larger tickets are triaged in a worker thread, off the event loop
LangQuery = Annotated[Literal["fr", "en"] | None, Query(description="Language of the answer; default: the ticket's language.")]


class TriageState:
    """What the triage endpoints keep between requests: the policy, answered deliveries, counters."""

    def __init__(self, settings: Settings) -> None:
        self.policy = TriagePolicy.from_settings(settings)
        self.deliveries = DeliveryStore(ttl_seconds=settings.idempotency_ttl_seconds, max_entries=settings.idempotency_max_entries)
        self.processed: Counter[str] = Counter()  # deliveries triaged, by source (a replay is not counted again)
        self.replayed: Counter[str] = Counter()  # deliveries answered from the store, by source


def _route(source: Source, path: str, operation_id: str, summary: str):  # noqa: ANN202
    async def endpoint(request: Request, format: FormatQuery = None, lang: LangQuery = None) -> Response:
        return await _deliver(request, source, format, lang)

    endpoint.__name__ = f"triage_{source}"
    router.add_api_route(
        path, endpoint, methods=["POST"], operation_id=operation_id, summary=summary, response_model=TriageResult,
        responses=TRIAGE_RESPONSES, openapi_extra=triage_operation(source),
    )


_route("generic", "", "triage", "Triage a ticket: labels, priority, assignment group and a comment for every known error in it")
_route("jira", "/jira", "triageJira", "Triage a Jira issue webhook (wiki text or Atlassian Document Format)")
_route("servicenow", "/servicenow", "triageServiceNow", "Triage a ServiceNow incident (outbound REST message or Table API record)")
_route("zendesk", "/zendesk", "triageZendesk", "Triage a Zendesk ticket webhook")
_route("github", "/github", "triageGitHub", "Triage a GitHub `issues` event")


async def _deliver(request: Request, source: Source, fmt: str | None, lang: str | None) -> Response:
    settings, state = request.app.state.settings, request.app.state.triage
    raw = await read_body(request, settings.max_body_bytes)
    check_signature(request, raw, settings.webhook_secret, source)
    key = delivery_key(request, source)
    fingerprint = hashlib.sha256(raw + b"\x00lang=" + (lang or "").encode()).hexdigest()
    if key is not None:
        stored = _stored_answer(state.deliveries, key, fingerprint)
        if stored is not None:
            state.replayed[source] += 1
            return _answer(request, fmt, TriageResult.model_validate_json(stored), replayed=True)
    try:
        ticket = _read_ticket(request, source, raw, settings)
        result, found = await _triage(request, ticket, state.policy, lang, len(raw))
    except Ignored as ignored:
        if key is not None:
            state.deliveries.abandon(key)
        return JSONResponse(IgnoredDelivery(reason=ignored.reason).model_dump(), status_code=202)
    except BaseException:
        if key is not None:
            state.deliveries.abandon(key)
        raise
    if key is not None:
        state.deliveries.finish(key, fingerprint, result.model_dump_json().encode())
    state.processed[source] += 1
    note_outcome(request, found)
    return _answer(request, fmt, result, replayed=False)


def _stored_answer(deliveries: DeliveryStore, key: str, fingerprint: str) -> bytes | None:
    shown = key.partition(":")[2]
    try:
        return deliveries.begin(key, fingerprint)
    except KeyConflict:
        raise ApiError(409, "idempotency_key_reused", f"The delivery key {shown!r} was already used with a different body; send a new key for a new delivery.") from None
    except KeyInFlight:
        raise ApiError(409, "delivery_in_progress", f"The delivery {shown!r} is being processed; retry in a few seconds.", {"Retry-After": "5"}) from None


def _read_ticket(request: Request, source: Source, raw: bytes, settings: Settings) -> Ticket:
    ctype = media_type(request)
    if source == "generic" and ctype == "text/plain":
        return Ticket(None, body=read_text(raw, settings.max_message_chars))
    if source == "github" and ctype == "application/x-www-form-urlencoded":
        raw = _github_form_payload(raw)
    elif ctype not in ("application/json", "") and not ctype.endswith("+json"):
        expected = "application/json or text/plain" if source == "generic" else "application/json"
        raise ApiError(415, "unsupported_media_type", f"Content-Type {ctype!r} is not supported here; send {expected}.")
    document = parse_json(raw, settings.max_json_depth)
    try:
        ticket = ticket_from(source, document, event=request.headers.get("x-github-event"))
    except TicketPayloadError as exc:
        raise ApiError(422, "invalid_ticket", str(exc)) from None
    return _without_nul(ticket)


def _github_form_payload(raw: bytes) -> bytes:
    payload = parse_qs(raw.decode("utf-8", "replace")).get("payload")
    if not payload:
        raise ApiError(422, "invalid_ticket", "A form-encoded GitHub delivery carries the event in its 'payload' field; this body has none.")
    return payload[0].encode()


def _without_nul(ticket: Ticket) -> Ticket:
    def clean(text: str) -> str:
        return text.replace("\x00", " ")

    return Ticket(ticket.id, clean(ticket.title), clean(ticket.body), tuple(clean(c) for c in ticket.comments), ticket.source)


async def _triage(request: Request, ticket: Ticket, policy: TriagePolicy, lang: str | None, size: int):  # noqa: ANN202
    engine = request.app.state.engine
    kwargs = {"lang": lang, "accept_language": accept_language(request)}
    if size > _INLINE_BYTES:
        return await run_in_threadpool(triage, engine, ticket, policy, **kwargs)
    return triage(engine, ticket, policy, **kwargs)


def _answer(request: Request, fmt: str | None, result: TriageResult, *, replayed: bool) -> Response:
    response = respond(request, fmt, result, render_triage_text, render_triage_markdown)  # type: ignore[arg-type]
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return response
