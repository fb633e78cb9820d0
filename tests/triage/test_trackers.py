"""Tracker payloads mapped onto one ticket; labels, priority and group; the comment; the settings behind them."""

from __future__ import annotations

import json

import pytest
from support import CATALOG_DIR, DATA

from app.engine import Engine
from app.triage import (
    COMMENT_MARKER,
    Ignored,
    Ticket,
    TicketPayloadError,
    TriagePolicy,
    detect_source,
    ticket_from,
    triage,
)
from app.triage.adf import adf_to_text
from app.triage.trackers import _journal_entries

SAMPLES = DATA / "triage"
AGENT = "Could not communicate with the VM agent for snapshot status."


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_directory(CATALOG_DIR, check=False)


def _sample(name: str) -> dict:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "source", "ticket_id", "title_start"), [
    ("jira-issue-created-wiki.json", "jira", "OPS-1287", "Nightly backup"),
    ("jira-issue-updated-adf.json", "jira", "OPS-1302", "Échec de sauvegarde"),
    ("servicenow-incident.json", "servicenow", "INC0012345", "Azure VM backup failed"),
    ("zendesk-ticket-created.json", "zendesk", "35436", "Restore of vm-files-01"),
    ("github-issues-opened.json", "github", "contoso/platform-infra#482", "Backup step"),
])
def test_each_sample_maps_onto_a_ticket(name: str, source: str, ticket_id: str, title_start: str) -> None:
    document = _sample(name)
    assert detect_source(document) == source
    ticket = ticket_from(source, document, event="issues")  # type: ignore[arg-type]
    assert (ticket.id, ticket.source) == (ticket_id, source)
    assert ticket.title.startswith(title_start) and ticket.body


def test_adf_keeps_code_blocks_as_fences_and_quotes_as_quotes() -> None:
    description = _sample("jira-issue-updated-adf.json")["issue"]["fields"]["description"]
    text = adf_to_text(description)
    assert "```\nCode d’erreur : ExtensionFailedVssWriterInBadState\n" in text
    assert "@Priya Raman" in text and "vssadmin list writers" in text
    quote = {"type": "doc", "content": [{"type": "blockquote", "content": [{"type": "paragraph", "content": [
        {"type": "text", "text": "line one"}, {"type": "hardBreak"}, {"type": "text", "text": "line two"}]}]}]}
    assert adf_to_text(quote) == "> line one\n> line two"


def test_jira_comments_in_adf_are_read_once() -> None:
    ticket = ticket_from("jira", _sample("jira-issue-updated-adf.json"))
    assert ticket.comments == ("Même échec cette nuit, nous avons redémarré le service VSS sans effet.",)


def test_servicenow_journal_is_cut_into_entries_without_headers() -> None:
    ticket = ticket_from("servicenow", _sample("servicenow-incident.json"))
    assert len(ticket.comments) == 2
    assert ticket.comments[1].startswith("Checked the job in the vault.")
    assert _journal_entries("no header at all") == ["no header at all"]
    wrapped = ticket_from("servicenow", {"result": {"number": "INC1", "short_description": "x", "description": AGENT}})
    assert (wrapped.id, wrapped.body) == ("INC1", AGENT)


def test_zendesk_ticket_event_detail() -> None:
    event = {"type": "zen:event-type:ticket.created", "subject": "zen:ticket:35436", "detail": {"id": "35436", "subject": "Backup", "description": AGENT}}
    assert ticket_from("zendesk", event).body == AGENT


@pytest.mark.parametrize(("event", "action"), [("ping", None), ("issue_comment", "created"), ("issues", "labeled"), ("issues", "closed")])
def test_github_events_and_actions_that_are_not_triaged(event: str, action: str | None) -> None:
    document = _sample("github-issues-opened.json") | ({"action": action} if action else {})
    with pytest.raises(Ignored):
        ticket_from("github", document, event=event)


@pytest.mark.parametrize(("source", "document", "says"), [
    ("jira", {"webhookEvent": "jira:issue_created"}, "issue.fields"),
    ("servicenow", {"sys_id": "x"}, "short_description"),
    ("zendesk", {"id": 1}, "ticket"),
    ("github", {"action": "opened"}, "issue.number"),
    ("generic", {"title": "x", "bdy": "typo"}, "bdy"),
    ("generic", {"title": " ", "body": ""}, "nothing"),
])
def test_payloads_without_a_ticket_say_what_is_missing(source: str, document: dict, says: str) -> None:
    with pytest.raises(TicketPayloadError) as raised:
        ticket_from(source, document)  # type: ignore[arg-type]
    assert says in str(raised.value) or (says == "nothing" and "no title" in str(raised.value))


def test_labels_priority_and_group_come_from_the_top_category(engine: Engine) -> None:
    policy = TriagePolicy(priorities={"backup": "P1"}, default_priority="P4", assignment_groups={}, default_assignment_group="ops")
    result, _ = triage(engine, Ticket("T-1", "Backup", f"> {AGENT}"), policy)
    assert result.labels == ["errdiag:backup", "errdiag:backup.vm-agent-unreachable", "errdiag:lang-en"]
    assert (result.priority, result.assignment_group, result.matched) == ("P1", "ops", True)
    assert result.comment.startswith(COMMENT_MARKER) and "`backup.vm-agent-unreachable`" in result.comment


def test_retryable_label_only_when_every_error_is_retryable(engine: Engine) -> None:
    retryable = "Copying VHDs from backup vault timed out"
    alone, _ = triage(engine, Ticket("T", "x", f"> {retryable}"), TriagePolicy())
    both, _ = triage(engine, Ticket("T", "x", f"> {retryable}\n\nand\n\n> {AGENT}"), TriagePolicy())
    assert "errdiag:retryable" in alone.labels and "errdiag:retryable" not in both.labels
    assert "### 1. " in both.comment and "### 2. " in both.comment


def test_github_labels_fit_its_50_character_limit(engine: Engine) -> None:
    ids = [entry.id for entry in engine.index.catalog]
    assert len({f"errdiag:{i}"[:50] for i in ids}) == len(ids)  # cutting never merges two entries
    result, _ = triage(engine, Ticket("o/r#1", "x", "> UserErrorCrossSubscriptionRestoreNotSupportedForTrustedLaunchAzureVM", (), "github"), TriagePolicy())
    assert result.labels and all(len(label) <= 50 for label in result.labels)


def test_errdiag_own_comment_is_not_read_again(engine: Engine) -> None:
    first, _ = triage(engine, Ticket("T", "Backup fails", f"> {AGENT}"), TriagePolicy())
    again, _ = triage(engine, Ticket("T", "Backup fails", "Any news?", (first.comment,)), TriagePolicy())
    assert first.matched and not again.matched  # the diagnosis in errdiag's comment is not a new error


def test_french_ticket_gets_a_french_comment(engine: Engine) -> None:
    body = f"Bonjour, la sauvegarde de la machine virtuelle échoue depuis lundi avec ce message :\n\n> {AGENT}\n\nMerci."
    result, _ = triage(engine, Ticket("T", "Échec de la sauvegarde", body), TriagePolicy())
    assert result.lang == "fr" and "errdiag:lang-fr" in result.labels
    assert "Que faire" in result.comment and "Causes probables" in result.comment


def test_nothing_recognised_gives_no_labels_and_no_comment(engine: Engine) -> None:
    result, _ = triage(engine, Ticket("T", "Printer broken", "It prints blank pages.\n\n> PCL XL error: IllegalTag"), TriagePolicy())
    assert (result.matched, result.labels, result.priority, result.assignment_group, result.comment) == (False, [], None, None, "")
    assert [e.paths for e in result.errors] == [["body:quote[1]"]]  # the pasted error, with its nearest entries


def test_a_comment_details_five_errors_and_lists_the_others(engine: Engine) -> None:
    english = [(e.id, m.text) for e in engine.index.catalog for m in e.messages[:4] if m.lang == "en" and len(m.text) > 40]
    chosen = list(dict(english).items())[:7]
    body = "Our jobs print these:\n\n" + "\n\n".join(f"> {text}" for _, text in chosen)
    result, _ = triage(engine, Ticket("T", "Seven failures", body), TriagePolicy())
    assert [e.diagnosis.entry_id for e in result.errors if e.diagnosis] == [entry_id for entry_id, _ in chosen]
    assert "### 5. " in result.comment and "### 6. " not in result.comment
    listed = result.comment.split("**Also recognised**")[1]
    assert all(f"`{entry_id}`" in listed for entry_id, _ in chosen[5:])


def test_servicenow_code_markup_becomes_a_pasted_block() -> None:
    journal = "2026-11-24 08:06:15 - Tomasz Nowak (Work notes)\n[code]<pre>ErrorCode : UserErrorFsFreezeFailed<br/>&lt;/mnt&gt; busy</pre>[/code]\n"
    ticket = ticket_from("servicenow", {"number": "INC1", "short_description": "Backup failed", "work_notes": journal})
    assert ticket.comments == ("```\nErrorCode : UserErrorFsFreezeFailed\n</mnt> busy\n```",)


def test_errdiag_comment_is_recognised_even_without_its_marker(engine: Engine) -> None:
    first, _ = triage(engine, Ticket("T", "Backup fails", f"> {AGENT}"), TriagePolicy())
    stripped = first.comment.replace(COMMENT_MARKER, "")
    again, _ = triage(engine, Ticket("T", "Backup fails", "Any news?", (stripped,)), TriagePolicy())
    assert not again.matched
    assert triage(engine, Ticket("T", "Backup fails", "Any news?", (f"> {AGENT}",)), TriagePolicy())[0].matched  # people's comments are read
