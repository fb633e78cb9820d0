"""From a ticket to what a ticketing system acts on: labels, priority, assignment group, a comment.

The errors come from the engine (``read_ticket`` finds them, ``Engine.diagnose_items``
diagnoses each distinct one); this module only decides what a tracker does with them.

* Labels: ``errdiag:<category>`` and ``errdiag:<entry id>`` of every diagnosed error,
  ``errdiag:retryable`` when every one of them is retryable, ``errdiag:lang-<lang>``;
  none when nothing matched. GitHub refuses labels over 50 characters: they are cut there.
* Priority and assignment group: those of the top error's category (highest confidence,
  first found on a tie) through the policy's maps, else its defaults; null without a match.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from app.engine import Engine, MultiDiagnoseResult
from app.engine.model import Lang
from app.engine.results import FoundError
from app.engine.ticket import is_prose_path, read_ticket, ticket_language
from app.triage.comment import is_own_comment, render_comment
from app.triage.model import Ticket, TriageResult

__all__ = ["TriagePolicy", "triage", "labels_for", "LABEL_PREFIX"]

LABEL_PREFIX = "errdiag"
_LABEL_LIMITS = {"github": 50}
_UNMATCHED_SHOWN = 3  # errors shown when nothing matched: pasted blocks only, never prose


class PolicySettings(Protocol):
    """The settings a policy is read from (the service's ``Settings`` has them)."""

    priorities: Mapping[str, str]
    default_priority: str
    assignment_groups: Mapping[str, str]
    default_assignment_group: str


@dataclass(frozen=True)
class TriagePolicy:
    """Where a category's tickets go; the service fills it from its settings."""

    priorities: Mapping[str, str] = field(default_factory=dict)
    default_priority: str = "P3"
    assignment_groups: Mapping[str, str] = field(default_factory=dict)
    default_assignment_group: str = "backup-operations"

    @classmethod
    def from_settings(cls, settings: PolicySettings) -> TriagePolicy:
        return cls(dict(settings.priorities), settings.default_priority, dict(settings.assignment_groups), settings.default_assignment_group)

    def priority(self, category: str) -> str:
        return self.priorities.get(category, self.default_priority)

    def assignment_group(self, category: str) -> str:
        return self.assignment_groups.get(category, self.default_assignment_group)


def triage(
    engine: Engine, ticket: Ticket, policy: TriagePolicy, *, lang: Lang | None = None, accept_language: Lang | None = None,
) -> tuple[TriageResult, MultiDiagnoseResult]:
    """Triage ``ticket``: the answer for the tracker, and the diagnoses it rests on."""
    comments = [c for c in ticket.comments if not is_own_comment(c)]  # errdiag's own comments are not read again
    items = read_ticket(title=ticket.title, body=ticket.body, comments=comments)
    lang = lang or ticket_language(title=ticket.title, body=ticket.body, comments=comments)  # type: ignore[assignment]
    found = engine.diagnose_items(items, lang=lang, accept_language=accept_language)
    errors = _shown(found.errors)
    diagnosed = [e for e in errors if e.matched and e.diagnosis]
    top = max(diagnosed, key=lambda e: e.diagnosis.confidence, default=None)  # type: ignore[union-attr]
    result = TriageResult(
        ticket_id=ticket.id,
        source=ticket.source,
        matched=bool(diagnosed),
        lang=found.lang,
        labels=labels_for(diagnosed, found.lang, ticket.source),
        priority=policy.priority(top.diagnosis.category) if top else None,  # type: ignore[union-attr]
        assignment_group=policy.assignment_group(top.diagnosis.category) if top else None,  # type: ignore[union-attr]
        confidence=top.diagnosis.confidence if top else _nearest(found.errors),  # type: ignore[union-attr]
        comment=render_comment(diagnosed, found.lang, found.catalog.version) if diagnosed else "",
        errors=errors,
        catalog=found.catalog,
    )
    return result, found.model_copy(update={"errors": errors})


def labels_for(diagnosed: list[FoundError], lang: str, source: str) -> list[str]:
    if not diagnosed:
        return []
    labels: list[str] = []
    for error in diagnosed:
        labels += [f"{LABEL_PREFIX}:{error.diagnosis.category}", f"{LABEL_PREFIX}:{error.diagnosis.entry_id}"]  # type: ignore[union-attr]
    if all(error.diagnosis.retryable for error in diagnosed):  # type: ignore[union-attr]
        labels.append(f"{LABEL_PREFIX}:retryable")
    labels.append(f"{LABEL_PREFIX}:lang-{lang}")
    limit = _LABEL_LIMITS.get(source)
    return list(dict.fromkeys(label[:limit] if limit else label for label in labels))


def _shown(errors: list[FoundError]) -> list[FoundError]:
    """Every diagnosed error; without any, the first few unmatched ones pasted as blocks (nearest entries)."""
    if any(e.matched for e in errors):
        return errors
    pasted = [e for e in errors if not all(is_prose_path(p) for p in e.paths)]
    return pasted[:_UNMATCHED_SHOWN]


def _nearest(errors: list[FoundError]) -> float:
    return max((a.confidence for e in errors for a in e.alternatives[:1]), default=0.0)
