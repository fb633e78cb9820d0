"""OpenAPI fragments of the triage endpoints: bodies per tracker, the signature and delivery headers, responses."""

from __future__ import annotations

from app.api.openapi_docs import ERRORS, error_doc
from app.api.webhooks import (
    DELIVERY_HEADERS,
    GITHUB_SIGNATURE_HEADER,
    IDEMPOTENCY_HEADER,
    NATIVE_SIGNATURE_HEADERS,
    SIGNATURE_HEADER,
    ZENDESK_TIMESTAMP_HEADER,
)
from app.triage.model import IgnoredDelivery, TicketRequest

__all__ = ["triage_operation", "TRIAGE_RESPONSES"]

_QUOTE = "> Could not communicate with the VM agent for snapshot status."
_EXAMPLES: dict[str, tuple[str, dict]] = {
    "generic": ("A ticket: `{\"id\", \"title\", \"body\", \"comments\": [...], \"source\"}` (or a `text/plain` body: the ticket's text).",
                TicketRequest.model_config["json_schema_extra"]["examples"][0]),  # type: ignore[index]
    "jira": ("A Jira issue webhook (`jira:issue_created`, `jira:issue_updated`, `comment_created`): `issue.key`, `issue.fields.summary`, "
             "`issue.fields.description` as wiki text or Atlassian Document Format, `issue.fields.comment.comments[].body`.",
             {"timestamp": 1795507200000, "webhookEvent": "jira:issue_created", "issue_event_type_name": "issue_created",
              "issue": {"id": "10482", "key": "OPS-1234", "fields": {
                  "summary": "Nightly backup of vm-sql-01 fails",
                  "description": "Since Monday the backup job fails:\n{noformat}\nCould not communicate with the VM agent for snapshot status.\n{noformat}"}}}),
    "servicenow": ("A ServiceNow record (a business rule's outbound REST message, or a Table API answer under `result`): `number`, "
                   "`short_description`, `description`, `work_notes`, `comments` (journal text; values may be `{display_value, value}`).",
                   {"sys_id": "9d385017c611228701d22104cc95c371", "number": "INC0012345", "short_description": "Backup failed on vm-sql-01",
                    "description": "Azure Backup job failed:\n" + _QUOTE, "work_notes": ""}),
    "zendesk": ("A Zendesk trigger's webhook `{\"ticket\": {\"id\", \"subject\", \"description\", \"comments\"?}}`, or a ticket event "
                "(`zen:event-type:ticket.*`) with `detail`.",
                {"ticket": {"id": 35436, "subject": "Backup failure", "description": "Our backup fails with:\n\n" + _QUOTE}}),
    "github": ("GitHub's `issues` event (`opened`, `edited`, `reopened`; other actions and events answer 202): `issue.number`, `issue.title`, "
               "`issue.body`, `repository.full_name`. JSON or GitHub's form encoding (`payload=...`).",
               {"action": "opened", "issue": {"number": 42, "title": "Backup of vm-sql-01 fails", "body": "The job says:\n\n" + _QUOTE},
                "repository": {"full_name": "contoso/infra"}}),
}


def _header(name: str, description: str) -> dict:
    return {"name": name, "in": "header", "required": False, "schema": {"type": "string"}, "description": description}


def _headers(source: str) -> list[dict]:
    signature = GITHUB_SIGNATURE_HEADER if source == "github" else SIGNATURE_HEADER
    headers = [
        _header(signature, "`sha256=<hex>`: HMAC-SHA256 of the raw body with ERRDIAG_WEBHOOK_SECRET; required when that secret is set."),
        _header(IDEMPOTENCY_HEADER, "Names the delivery: a retry with the same key answers the stored result (`Idempotent-Replayed: true`), "
                "is counted once, and must carry the same body (else 409)."),
    ]
    if source == "jira":
        headers.append(_header(NATIVE_SIGNATURE_HEADERS["jira"], f"Jira's own signature (`sha256=<hex>`, a webhook registered with a secret), accepted instead of `{SIGNATURE_HEADER}`."))
    if source == "zendesk":
        headers.append(_header(NATIVE_SIGNATURE_HEADERS["zendesk"], f"Zendesk's own signature (base64 HMAC-SHA256 of `{ZENDESK_TIMESTAMP_HEADER}` + body), accepted instead of `{SIGNATURE_HEADER}`."))
        headers.append(_header(ZENDESK_TIMESTAMP_HEADER, f"The timestamp Zendesk signed with `{NATIVE_SIGNATURE_HEADERS['zendesk']}`."))
    if source in DELIVERY_HEADERS:
        headers.append(_header(DELIVERY_HEADERS[source], f"The tracker's delivery id, used as the idempotency key when `{IDEMPOTENCY_HEADER}` is absent."))
    if source == "github":
        headers.append(_header("X-GitHub-Event", "`issues` is triaged; `ping` and other events answer 202."))
    return headers


def triage_operation(source: str) -> dict:
    """``openapi_extra`` of one triage route: its body (JSON, and text for the generic one) and its headers."""
    description, example = _EXAMPLES[source]
    content = {"application/json": {"schema": {"type": "object", "description": description}, "example": example}}
    if source == "generic":
        content["application/json"]["schema"] = TicketRequest.model_json_schema()
        content["text/plain"] = {"schema": {"type": "string", "description": "The ticket's text."}, "example": "Backup fails:\n\n" + _QUOTE}
    if source == "github":
        content["application/x-www-form-urlencoded"] = {"schema": {"type": "object", "properties": {"payload": {"type": "string"}}}}
    return {"requestBody": {"required": True, "content": content}, "parameters": _headers(source)}


def _error(code: str, message: str, description: str) -> dict:
    return error_doc(description, (code, message))


TRIAGE_RESPONSES = {
    200: {
        "description": "The triage (JSON; plain text with `Accept: text/plain` or `?format=text`; the comment as Markdown with `?format=markdown`). "
                       "A replayed delivery carries `Idempotent-Replayed: true`.",
        "content": {"text/plain": {"schema": {"type": "string"}}, "text/markdown": {"schema": {"type": "string"}}},
        "headers": {"Idempotent-Replayed": {"schema": {"type": "string", "enum": ["true"]}, "description": "Present on the stored answer of a replayed delivery."}},
    },
    202: {"model": IgnoredDelivery, "description": "A valid delivery that is not triaged (a GitHub ping, another event or action, a deleted Jira issue)."},
    **{status: response for status, response in ERRORS.items() if status != 401},
    401: _error("invalid_signature", f"The {SIGNATURE_HEADER} signature does not match the body: sign the exact bytes sent with the secret of ERRDIAG_WEBHOOK_SECRET.",
                "Missing or wrong signature (ERRDIAG_WEBHOOK_SECRET set), or a missing API key (ERRDIAG_REQUIRE_API_KEY)"),
    409: _error("idempotency_key_reused", "The Idempotency-Key 'c0ffee' was already used with a different body; send a new key for a new delivery.",
                "The delivery key was used with another body, or its first delivery is still being processed"),
}
