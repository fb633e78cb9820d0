"""Error texts found in a ticket's prose: each kind of block, their paths, distinct errors, bounds."""

from __future__ import annotations

import pytest
from support import bundled_index

from app.engine import diagnose_items, read_ticket, ticket_language
from app.engine.ticket import MAX_CHARS, MAX_ITEMS

AGENT = "Could not communicate with the VM agent for snapshot status."
VHD = "Copying VHDs from backup vault timed out"


def _paths(**ticket: object) -> dict[str, str]:
    return {item.path: item.text for item in read_ticket(**ticket)}  # type: ignore[arg-type]


def _entries(**ticket: object) -> list[str]:
    result = diagnose_items(bundled_index(), read_ticket(**ticket))  # type: ignore[arg-type]
    return [e.diagnosis.entry_id for e in result.errors if e.matched and e.diagnosis]


def test_markdown_blocks_each_give_an_item_with_its_path() -> None:
    body = f"Hi,\n\n> {AGENT}\n\n```\n{VHD}\n```\n\n~~~\nsecond fence\n~~~\n\n    indented block of code\n\nThanks. Bye now."
    paths = _paths(body=body)
    assert paths["body:quote[1]"] == AGENT
    assert paths["body:code-fence[1]"] == VHD
    assert paths["body:code-fence[2]"] == "second fence"
    assert paths["body:code-indented[1]"] == "indented block of code"
    assert paths["body:sentence[1]"] == "Thanks."  # "Hi," says too little to be read
    assert paths["body:sentence[2]"] == "Bye now."


def test_jira_wiki_blocks() -> None:
    body = f"Backup fails.\n{{code:java}}\n{VHD}\n{{code}}\n{{noformat}}{AGENT}{{noformat}}\n{{quote}}quoted text here{{quote}}\nbq. La machine virtuelle n’existe pas"
    paths = _paths(body=body)
    assert paths["body:code[1]"] == VHD
    assert paths["body:noformat[1]"] == AGENT
    assert paths["body:quote[1]"] == "quoted text here"
    assert paths["body:quote[2]"] == "La machine virtuelle n’existe pas"
    assert _entries(body=body) == ["backup.vhd-copy-timeout", "backup.vm-agent-unreachable", "backup.vm-does-not-exist"]


def test_nested_quotes_and_comments_have_their_own_paths() -> None:
    paths = _paths(title="Backup broken", comments=["first comment, nothing here", f"The job says:\n> > {AGENT}"])
    assert paths["title:sentence[1]"] == "Backup broken"
    assert paths["comments[1]:quote[1]"] == AGENT


def test_pasted_json_is_read_like_a_job_payload() -> None:
    body = (
        "The job payload:\n{\n  \"error\": {\"code\": \"UserErrorFsFreezeFailed\", \"message\": \"Failed to freeze one or more "
        "mount-points of the VM to take a file-system consistent snapshot.\"}\n}\nand after it some words of mine."
    )
    items = {item.path: item for item in read_ticket(body=body)}
    assert items["body:json[1]:$.error"].code == "UserErrorFsFreezeFailed"
    fenced = {item.path: item for item in read_ticket(body="```json\n{\"error\": {\"code\": \"UserErrorRpCollectionLimitReached\", \"message\": \"x\"}}\n```")}
    assert fenced["body:code-fence[1]:$.error"].code == "UserErrorRpCollectionLimitReached"
    assert _entries(body=body) == ["snapshot.fs-freeze-failed"]


def test_log_runs_give_one_item_per_record_quiet_levels_skipped() -> None:
    log = (
        "2026-11-24T01:00:12Z INFO  [BackupJob 8e4c2a10] starting backup of vm-sql-01\n"
        "2026-11-24T01:30:15Z WARN  [BackupJob 8e4c2a10] snapshot task still running after 30 min\n"
        f"2026-11-24T01:31:19Z ERROR [BackupJob 8e4c2a10] {VHD}\n"
        "    at BackupAgent.Transfer()\n"
        "2026-11-24T01:31:19Z INFO  [BackupJob 8e4c2a10] job finished with status Failed"
    )
    paths = _paths(body=f"Log of the agent:\n{log}")
    assert [p for p in paths if ":log[" in p] == ["body:log[1]:line[2]", "body:log[1]:line[3]"]
    assert paths["body:log[1]:line[3]"].endswith("at BackupAgent.Transfer()")
    fenced = _paths(body=f"```\n{log}\n```")
    assert "body:code-fence[1]:line[3]" in fenced
    assert _entries(body=f"```\n{log}\n```") == ["backup.vhd-copy-timeout"]


def test_repeated_log_lines_are_read_once() -> None:
    lines = "\n".join(f"2026-11-24T01:{i:02d}:00Z ERROR job {i:08x}-7b3d-4f9e-a1c5-6d8b0e2f4a71 vm-{i}: {VHD}" for i in range(50))
    items = read_ticket(body=f"```\n{lines}\n```")
    assert len(items) == 1


def test_two_different_errors_are_both_diagnosed() -> None:
    body = f"Two VMs fail.\n\nvm-a:\n> {AGENT}\n\nvm-b, in the log: 2026-11-24 01:31 ERROR {VHD}"
    assert _entries(body=body) == ["backup.vm-agent-unreachable", "backup.vhd-copy-timeout"]


def test_the_same_error_twice_is_one_error_with_both_places() -> None:
    result = diagnose_items(bundled_index(), read_ticket(body=f"> {AGENT}", comments=[f"Again tonight: {AGENT} on vm-b"]))
    assert [e.diagnosis.entry_id for e in result.errors if e.diagnosis] == ["backup.vm-agent-unreachable"]
    assert result.errors[0].paths == ["body:quote[1]", "comments[0]:sentence[1]"]


def test_an_error_in_a_sentence_of_prose_is_found() -> None:
    assert _entries(body=f"Hello, since yesterday the backup of vm-app-01 ends with {AGENT} Please advise.") == ["backup.vm-agent-unreachable"]


def test_a_ticket_without_a_known_error_matches_nothing() -> None:
    body = "The printer on floor 2 prints blank pages since the toner change.\n\n```\nPCL XL error: IllegalTag\n```"
    assert _entries(title="Printer broken", body=body) == []


def test_language_of_the_ticket_is_that_of_its_prose() -> None:
    body = f"Bonjour, la sauvegarde de la machine virtuelle échoue depuis lundi avec ce message :\n\n> {AGENT}\n\nMerci pour votre aide."
    assert ticket_language(title="Échec de la sauvegarde", body=body) == "fr"
    assert ticket_language(body=f"> {AGENT}") is None  # quoted errors say nothing of the ticket's language


def test_a_100_kb_ticket_is_bounded_and_pasted_blocks_come_first() -> None:
    prose = " ".join(f"Sentence number {i} about the weekly backup window of server {i}." for i in range(2000))
    body = f"{prose}\n\n> {AGENT}\n"
    assert len(body.encode()) > 100_000
    items = read_ticket(body=body)
    assert len(items) <= MAX_ITEMS and sum(len(i.text) for i in items) <= MAX_CHARS
    assert "body:quote[1]" in {i.path for i in items}
    assert _entries(body=body) == ["backup.vm-agent-unreachable"]


def test_a_huge_single_line_is_cut_in_bounded_pieces() -> None:
    items = read_ticket(body="word " * 40_000)
    assert items and all(len(i.text) <= 480 for i in items)


def _examples() -> list[tuple[str, str]]:
    return [(entry.id, example.text) for entry in bundled_index().catalog for example in entry.examples]


@pytest.mark.parametrize("template", ["Our backup fails:\n\n> {}\n\nThanks.", "Job output:\n\n```\n{}\n```"], ids=["quote", "fence"])
def test_every_catalogue_example_pasted_in_a_ticket_names_its_entry(template: str) -> None:
    index = bundled_index()
    wrong = []
    for entry_id, text in _examples():
        quoted = template.format(text.replace("\n", "\n> ") if template.startswith("Our") else text)
        result = diagnose_items(index, read_ticket(title="Azure Backup failure", body=quoted))
        found = [e.diagnosis.entry_id for e in result.errors if e.matched and e.diagnosis]
        if found != [entry_id]:
            wrong.append((entry_id, found, text[:80]))
    assert wrong == []
