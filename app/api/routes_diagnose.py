"""Diagnosis endpoints: one message (JSON, plain text or a query), a job payload, a batch."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import ValidationError

from app.api.body import check_text, media_type, parse_json, read_body, read_text
from app.api.deps import FORMAT_PARAMETER, EngineDep, FormatQuery, SettingsDep, accept_language, query_format, respond
from app.api.direct_route import DirectRoute
from app.api.errors import ApiError
from app.api.openapi_docs import BATCH_BODY, DIAGNOSE_BODY, ERRORS, JOB_BODY, TEXT_RESPONSES
from app.api.outcome import note_outcome
from app.api.schemas import BatchRequest, BatchResult, DiagnoseRequest
from app.engine.results import DiagnoseResult, MultiDiagnoseResult
from app.render import render_markdown, render_multi_markdown, render_multi_text, render_text

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["diagnose"])

_INLINE_CHARS = 20_000  # larger inputs are matched in a worker thread, off the event loop
_TEXT_TYPES = ("text/plain", "application/x-www-form-urlencoded")


async def _run(fn, text_size: int, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
    if text_size > _INLINE_CHARS:
        return await run_in_threadpool(fn, *args, **kwargs)
    return fn(*args, **kwargs)


def _validate(model, document: object):  # noqa: ANN001, ANN202
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "body"
        raise ApiError(422, "invalid_request", f"Invalid field {field!r}: {first['msg']}.") from None


def _form_text(raw: bytes) -> bytes:
    """curl -d sends form content type; accept ``message=...`` / ``q=...`` or the raw text."""
    fields = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True) if b"=" in raw[:20] else {}
    for key in ("message", "q"):
        if key in fields:
            return fields[key][0].encode()
    return raw


# POST /v1/diagnose, the hottest route, is a DirectRoute: it reads everything from the request (no docstring:
# it would become the operation's description). The engine and the settings come from the app's state, the
# format from query_format (documented by FORMAT_PARAMETER), the body from read_body.
async def diagnose(request: Request) -> Response:
    engine, settings, format = request.app.state.engine, request.app.state.settings, query_format(request)
    raw = await read_body(request, settings.max_body_bytes)
    ctype = media_type(request)
    if ctype == "application/json":
        body = _validate(DiagnoseRequest, parse_json(raw, settings.max_json_depth))
        message, lang, limit = check_text(body.message, settings.max_message_chars), body.lang, body.limit
    elif ctype in _TEXT_TYPES or ctype == "":
        raw = _form_text(raw) if ctype == "application/x-www-form-urlencoded" else raw
        message, lang, limit = read_text(raw, settings.max_message_chars), request.query_params.get("lang"), None
        if lang not in (None, "fr", "en"):
            raise ApiError(422, "invalid_request", "Invalid query parameter 'lang': use 'fr' or 'en'.")
    else:
        raise _unsupported(ctype, "application/json or text/plain")
    result = await _run(engine.diagnose, len(message), message, lang=lang,
                        accept_language=accept_language(request), limit=_limit(limit, settings))
    note_outcome(request, result, message)
    return respond(request, format, result, render_text, render_markdown)


router.add_api_route(
    "/diagnose", diagnose, methods=["POST"], route_class_override=DirectRoute, operation_id="diagnose",
    response_model=DiagnoseResult, summary="Diagnose one error message, log or pasted text",
    responses={**TEXT_RESPONSES, **ERRORS}, openapi_extra={**DIAGNOSE_BODY, "parameters": [FORMAT_PARAMETER]},
)


@router.get(
    "/diagnose", operation_id="diagnoseQuery", response_model=DiagnoseResult,
    summary="Diagnose a message given in the query string (one-line checks from a shell)",
    responses={**TEXT_RESPONSES, **ERRORS},
)
async def diagnose_query(
    request: Request, engine: EngineDep, settings: SettingsDep,
    q: Annotated[str, Query(min_length=1, max_length=8000, description="The error message.")],
    lang: Annotated[str | None, Query(pattern="^(fr|en)$")] = None,
    limit: Annotated[int | None, Query(ge=0, le=100)] = None,
    format: FormatQuery = None,
) -> Response:
    message = check_text(q, settings.max_message_chars, "query parameter q")
    result = engine.diagnose(message, lang=lang, accept_language=accept_language(request), limit=_limit(limit, settings))  # type: ignore[arg-type]
    note_outcome(request, result, message)
    return respond(request, format, result, render_text, render_markdown)


@router.post(
    "/diagnose/job", operation_id="diagnoseJob", response_model=MultiDiagnoseResult,
    summary="Diagnose every distinct error of a job-failure payload (JSON)",
    responses={**TEXT_RESPONSES, **ERRORS}, openapi_extra=JOB_BODY,
)
async def diagnose_job(
    request: Request, engine: EngineDep, settings: SettingsDep,
    lang: Annotated[str | None, Query(pattern="^(fr|en)$")] = None,
    limit: Annotated[int | None, Query(ge=0, le=100)] = None,
    format: FormatQuery = None,
) -> Response:
    raw = await read_body(request, settings.max_body_bytes)
    ctype = media_type(request)
    if ctype not in ("application/json", ""):
        raise _unsupported(ctype, "application/json")
    document = parse_json(raw, settings.max_json_depth)
    if not isinstance(document, (dict, list)):
        raise ApiError(422, "invalid_request", "A job payload is a JSON object or array (an Azure job, {\"value\": [...]}, an ARM error...).")
    result = await _run(engine.diagnose_job, len(raw), document, lang=lang,
                        accept_language=accept_language(request), limit=_limit(limit, settings))
    note_outcome(request, result, raw)
    return respond(request, format, result, render_multi_text, render_multi_markdown)


@router.post(
    "/diagnose/batch", operation_id="diagnoseBatch", response_model=BatchResult,
    summary="Diagnose many messages in one call, answered in order", responses=ERRORS,
    openapi_extra=BATCH_BODY,
)
async def diagnose_batch(request: Request, engine: EngineDep, settings: SettingsDep) -> BatchResult:
    raw = await read_body(request, settings.max_body_bytes)
    if media_type(request) not in ("application/json", ""):
        raise _unsupported(media_type(request), "application/json")
    body = _validate(BatchRequest, parse_json(raw, settings.max_json_depth))
    if len(body.messages) > settings.max_batch:
        raise ApiError(413, "batch_too_large", f"The batch has {len(body.messages)} messages, more than the limit of {settings.max_batch} (setting ERRDIAG_MAX_BATCH). Split it.")
    for i, message in enumerate(body.messages):
        check_text(message, settings.max_message_chars, f"message {i}")
    limit = _limit(body.limit, settings)
    def run() -> list[DiagnoseResult]:
        return [engine.diagnose(m, lang=body.lang, accept_language=accept_language(request), limit=limit) for m in body.messages]
    results = await _run(run, sum(len(m) for m in body.messages))
    note_outcome(request, results, body.messages)
    return BatchResult(results=results, catalog=results[0].catalog)


def _limit(limit: int | None, settings) -> int:  # noqa: ANN001
    if limit is None:
        return settings.default_limit
    if limit > settings.max_limit:
        raise ApiError(422, "invalid_request", f"Invalid field 'limit': at most {settings.max_limit} (setting ERRDIAG_MAX_LIMIT).")
    return limit


def _unsupported(ctype: str, expected: str) -> ApiError:
    return ApiError(415, "unsupported_media_type", f"Content-Type {ctype!r} is not supported here; send {expected}.")
