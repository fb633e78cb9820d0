"""Native payloads of the common trackers, each mapped onto one ``Ticket``.

* Jira (issue webhook ``jira:issue_created``/``updated``, ``comment_created``): ``issue.key``,
  ``issue.fields.summary``, ``issue.fields.description`` (wiki text or Atlassian Document
  Format), ``issue.fields.comment.comments[].body`` and the event's ``comment.body``.
* ServiceNow (a business rule's outbound REST message, or a Table API record under
  ``result``): ``number``, ``short_description``, ``description``, ``work_notes`` and
  ``comments`` (journal text, cut at each entry's header); values may be
  ``{"display_value", "value"}`` objects.
* Zendesk (a trigger's webhook, ``{"ticket": {...}}``, or a ticket event's ``detail``):
  ``id``, ``subject``, ``description``, optional ``comments``.
* GitHub (the ``issues`` event): ``issue.number``, ``issue.title``, ``issue.body``; other
  events and actions are ``Ignored``.
"""

from __future__ import annotations

import html
import re

from pydantic import ValidationError

from app.triage.adf import adf_to_text, is_adf
from app.triage.model import Ignored, Source, Ticket, TicketPayloadError, TicketRequest

__all__ = ["ticket_from", "detect_source", "TRIAGED_GITHUB_ACTIONS"]

TRIAGED_GITHUB_ACTIONS = ("opened", "edited", "reopened")
_JOURNAL_HEADER = re.compile(
    r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - .{1,200}? \((?:Work notes|Additional comments|Comments|"
    r"Notes de travail|Commentaires supplémentaires|Commentaires)\)[ \t]*$",
    re.M,
)
_SERVICENOW_CODE = re.compile(r"\[code\](.*?)\[/code\]", re.S | re.I)
_TAG = re.compile(r"<[^>\n]{1,200}>")
_BREAK = re.compile(r"<br\s*/?>", re.I)


def ticket_from(source: Source, document: object, *, event: str | None = None) -> Ticket:
    """The ticket of a tracker's payload; ``TicketPayloadError`` says what is missing."""
    if not isinstance(document, dict):
        raise TicketPayloadError(f"A {source} payload is a JSON object, not {type(document).__name__}.")
    reader = {"generic": _generic, "jira": _jira, "servicenow": _servicenow, "zendesk": _zendesk}.get(source)
    ticket = _github(document, event) if source == "github" else reader(document)  # type: ignore[misc]
    if ticket.is_empty():
        raise TicketPayloadError("The ticket has no title, description or comment to triage.")
    return ticket


def detect_source(document: object) -> Source:
    """The tracker a payload looks like it came from (for files given to the CLI)."""
    if not isinstance(document, dict):
        return "generic"
    issue = document.get("issue")
    if isinstance(issue, dict):
        return "jira" if isinstance(issue.get("fields"), dict) else "github"
    if isinstance(document.get("ticket"), dict) or str(document.get("type", "")).startswith("zen:event-type:ticket"):
        return "zendesk"
    record = document.get("result") if isinstance(document.get("result"), dict) else document
    if "short_description" in record or "work_notes" in record:
        return "servicenow"
    return "generic"


def _text(value: object) -> str:
    """A field as text: a string, an ADF document, or a ServiceNow ``display_value`` object."""
    if isinstance(value, str):
        return value
    if is_adf(value):
        return adf_to_text(value)  # type: ignore[arg-type]
    if isinstance(value, dict):
        return _text(value.get("display_value", value.get("value")))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def _generic(document: dict) -> Ticket:
    try:
        return TicketRequest.model_validate(document).ticket()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise TicketPayloadError(f"Invalid field {where!r}: {first['msg']}. Send {{\"id\", \"title\", \"body\", \"comments\": [...]}}.") from None


def _jira(document: dict) -> Ticket:
    issue = document.get("issue")
    if not isinstance(issue, dict) or not isinstance(issue.get("fields"), dict):
        raise TicketPayloadError("A Jira issue webhook has 'issue.key' and 'issue.fields' (summary, description); this body has no 'issue.fields'.")
    if document.get("webhookEvent") == "jira:issue_deleted":
        raise Ignored("Jira event 'jira:issue_deleted' is not triaged.")
    fields = issue["fields"]
    thread = fields.get("comment") if isinstance(fields.get("comment"), dict) else {}
    comments = [_text(c.get("body")) for c in thread.get("comments") or [] if isinstance(c, dict)]
    event_comment = document.get("comment")
    if isinstance(event_comment, dict):
        comments.append(_text(event_comment.get("body")))
    key = _text(issue.get("key")) or _text(issue.get("id")) or None
    return Ticket(key, _text(fields.get("summary")), _text(fields.get("description")), _unique(comments), "jira")


def _servicenow(document: dict) -> Ticket:
    record = document.get("result") if isinstance(document.get("result"), dict) else document
    if not any(key in record for key in ("number", "short_description", "description")):
        raise TicketPayloadError("A ServiceNow record has 'number', 'short_description' and 'description' (and optionally 'work_notes', 'comments'); this body has none of them.")
    notes = []
    for key in ("work_notes", "comments"):
        value = record.get(key)
        for text in value if isinstance(value, list) else [value]:
            notes.extend(_journal_entries(_text(text)))
    number = _text(record.get("number")) or None
    description = _servicenow_markup(_text(record.get("description")))
    return Ticket(number, _text(record.get("short_description")), description, _unique(notes), "servicenow")


def _journal_entries(journal: str) -> list[str]:
    """A ServiceNow journal field cut into its entries, without their ``date - author (Work notes)`` headers."""
    return [entry.strip() for entry in _JOURNAL_HEADER.split(_servicenow_markup(journal)) if entry.strip()]


def _servicenow_markup(text: str) -> str:
    """``[code]<pre>...</pre>[/code]`` (HTML inside a journal entry) as a fenced block of its text."""
    def fence(match: re.Match[str]) -> str:
        inner = html.unescape(_TAG.sub("", _BREAK.sub("\n", match.group(1)))).strip("\n")
        return f"\n```\n{inner}\n```\n"

    return _SERVICENOW_CODE.sub(fence, text)


def _zendesk(document: dict) -> Ticket:
    ticket = document.get("ticket")
    if not isinstance(ticket, dict) and str(document.get("type", "")).startswith("zen:event-type:ticket"):
        ticket = document.get("detail")
    if not isinstance(ticket, dict):
        raise TicketPayloadError("A Zendesk webhook has a 'ticket' object (id, subject, description), or is a ticket event with 'detail'; this body has neither.")
    comments = [_text(c.get("plain_body") or c.get("body") or c.get("value")) if isinstance(c, dict) else _text(c)
                for c in ticket.get("comments") or [] if isinstance(ticket.get("comments"), list)]
    ticket_id = _text(ticket.get("id")) or None
    return Ticket(ticket_id, _text(ticket.get("subject") or ticket.get("title")), _text(ticket.get("description")), _unique(comments), "zendesk")


def _github(document: dict, event: str | None) -> Ticket:
    if event == "ping":
        raise Ignored("GitHub ping received: the webhook works; 'issues' events will be triaged.")
    if event not in (None, "", "issues"):
        raise Ignored(f"GitHub event {event!r} is not triaged: subscribe the webhook to 'Issues' events only.")
    issue = document.get("issue")
    if not isinstance(issue, dict) or "number" not in issue:
        raise TicketPayloadError("A GitHub 'issues' event has 'issue.number', 'issue.title' and 'issue.body'; this body has no 'issue.number'.")
    action = document.get("action")
    if action and action not in TRIAGED_GITHUB_ACTIONS:
        raise Ignored(f"GitHub issue action {action!r} is not triaged (only {', '.join(TRIAGED_GITHUB_ACTIONS)}).")
    repository = document.get("repository") if isinstance(document.get("repository"), dict) else {}
    number = _text(issue.get("number"))
    reference = f"{repository['full_name']}#{number}" if isinstance(repository.get("full_name"), str) else number
    return Ticket(reference, _text(issue.get("title")), _text(issue.get("body")), (), "github")


def _unique(texts: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in texts if t.strip()))
