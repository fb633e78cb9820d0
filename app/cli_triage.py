"""``errdiag triage FILE``: triage a ticket payload locally, or by posting it to a running service."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import typer

from app.engine import Engine
from app.triage import (
    SOURCES,
    Ignored,
    Ticket,
    TicketPayloadError,
    TriagePolicy,
    TriageResult,
    detect_source,
    render_triage_text,
    ticket_from,
    triage,
)

__all__ = ["run_triage", "SOURCE_CHOICES"]

SOURCE_CHOICES = ("auto", *SOURCES)


def run_triage(
    payload: str, *, source: str, url: str | None, output: str, lang: str | None,
    engine: Callable[[], Engine], settings: Callable[[], object],
) -> int:
    """Print the triage of ``payload`` (a file, or - for stdin); the exit code: 0 matched, 1 not, 2 error."""
    raw = sys.stdin.buffer.read() if payload == "-" else _read_file(payload)
    document = _parse(raw)
    chosen = detect_source(document) if source == "auto" and document is not None else ("generic" if source == "auto" else source)
    if url:
        result = _remote(url, chosen, raw if document is not None else json.dumps({"body": raw.decode("utf-8", "replace")}).encode(), lang, settings())
    else:
        ticket = _ticket(chosen, document, raw)
        result, _ = triage(engine(), ticket, TriagePolicy.from_settings(settings()), lang=lang)  # type: ignore[arg-type]
    if output == "json":
        typer.echo(result.model_dump_json(indent=2))
    elif output == "markdown":
        typer.echo(result.comment or "(nothing recognised: no comment)", nl=not result.comment)
    else:
        typer.echo(render_triage_text(result), nl=False)
    return 0 if result.matched else 1


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        _fail(f"cannot read {path}: {exc.strerror}")


def _parse(raw: bytes) -> object | None:
    """The JSON document of a payload file; None when the file is plain text (a ticket's body)."""
    text = raw.decode("utf-8-sig", "replace")
    if text.lstrip()[:1] not in ("{", "["):
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        _fail(f"the payload is not valid JSON: {exc}")


def _ticket(source: str, document: object | None, raw: bytes) -> Ticket:
    if document is None:
        return Ticket(None, body=raw.decode("utf-8-sig", "replace"))
    try:
        return ticket_from(source, document)  # type: ignore[arg-type]
    except (TicketPayloadError, Ignored) as exc:
        _fail(str(exc))


def _remote(url: str, source: str, body: bytes, lang: str | None, settings: object) -> TriageResult:
    import httpx

    from app.api.webhooks import sign, signature_header

    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    secret = getattr(settings, "webhook_secret", None)
    if secret is not None:
        headers[signature_header(source)] = sign(body, secret.get_secret_value())
    path = "/v1/triage" if source == "generic" else f"/v1/triage/{source}"
    try:
        response = httpx.post(url.rstrip("/") + path, content=body, headers=headers, params={"lang": lang} if lang else {}, timeout=30)
    except httpx.HTTPError as exc:
        _fail(f"cannot reach {url}: {exc}")
    if response.status_code != 200:
        _fail(f"{url} answered {response.status_code}: {response.text[:500]}")
    return TriageResult.model_validate(response.json())


def _fail(message: str):  # noqa: ANN202 - never returns
    typer.echo(f"errdiag: {message}", err=True)
    raise typer.Exit(2)
