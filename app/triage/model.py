"""The ticket every tracker's payload becomes, and what triage answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.engine.model import Lang
from app.engine.results import CatalogInfo, FoundError

__all__ = ["Source", "SOURCES", "Ticket", "TicketRequest", "TriageResult", "IgnoredDelivery", "TicketPayloadError", "Ignored"]

Source = Literal["generic", "jira", "servicenow", "zendesk", "github"]
SOURCES: tuple[Source, ...] = ("generic", "jira", "servicenow", "zendesk", "github")


@dataclass(frozen=True)
class Ticket:
    """A ticket reduced to what triage reads: free prose in a title, a body and comments."""

    id: str | None
    title: str = ""
    body: str = ""
    comments: tuple[str, ...] = field(default_factory=tuple)
    source: str = "generic"

    def is_empty(self) -> bool:
        return not any(text.strip() for text in (self.title, self.body, *self.comments))


class TicketPayloadError(ValueError):
    """A tracker payload that does not hold what its tracker sends (the message says what is missing)."""


class Ignored(Exception):  # noqa: N818 - an outcome, not a failure
    """A delivery that is valid but not for triage (a GitHub ping, a deleted issue...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TicketRequest(BaseModel):
    """The generic ticket of ``POST /v1/triage``."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "id": "INC-20261124-0042",
        "title": "Nightly backup of vm-sql-01 fails",
        "body": "Since Monday the backup job fails. The portal shows:\n\n> Could not communicate with the VM agent for snapshot status.\n\nWe restarted the VM, no change.",
        "comments": ["Same error again tonight on vm-sql-01."],
        "source": "email",
    }]})

    id: str | int | None = Field(default=None, description="The ticket's id in its tracker (echoed as `ticket_id`).")
    title: str = Field(default="", max_length=10_000, description="The ticket's title or subject.")
    body: str = Field(default="", description="The ticket's description: free prose, Markdown, Jira wiki text or a pasted log.")
    comments: list[str] = Field(default_factory=list, max_length=1000, description="The ticket's comments, oldest first.")
    source: str = Field(default="generic", max_length=40, pattern=r"^[\w.:-]+$", description="Where the ticket comes from (free text, echoed).")

    def ticket(self) -> Ticket:
        return Ticket(None if self.id is None else str(self.id), self.title, self.body, tuple(self.comments), self.source)


class TriageResult(BaseModel):
    """What a ticketing system acts on: labels, a priority and a group to route to, a comment to post."""

    ticket_id: str | None = Field(description="The ticket's id (Jira key, ServiceNow number, Zendesk id, `owner/repo#number` on GitHub).")
    source: str = Field(description="The tracker the ticket came from.")
    matched: bool = Field(description="True when at least one known error was recognised.")
    lang: Lang = Field(description="The ticket's language: the language of the comment and of the diagnoses.")
    labels: list[str] = Field(description="Labels to set, e.g. `errdiag:backup`, `errdiag:backup.vm-agent-unreachable`, `errdiag:retryable`, `errdiag:lang-fr`; empty when nothing matched.")
    priority: str | None = Field(description="Suggested priority of the top error's category (ERRDIAG_PRIORITIES); null when nothing matched.")
    assignment_group: str | None = Field(description="Suggested group of the top error's category (ERRDIAG_ASSIGNMENT_GROUPS); null when nothing matched.")
    confidence: float = Field(ge=0, le=1, description="Confidence of the top error (of the nearest entry when nothing matched).")
    comment: str = Field(description="A ready-to-post Markdown comment in the ticket's language; empty when nothing matched.")
    errors: list[FoundError] = Field(description="Every distinct error found, with where it was (`body:quote[1]`, `comments[0]:code-fence[2]`...).")
    catalog: CatalogInfo


class IgnoredDelivery(BaseModel):
    """A webhook delivery accepted but not triaged (answered 202)."""

    ignored: Literal[True] = True
    reason: str = Field(examples=["GitHub event 'ping' is not triaged: subscribe the webhook to 'Issues' events."])
