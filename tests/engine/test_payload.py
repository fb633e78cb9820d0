"""Job payloads: each shape yields one diagnosis per distinct error, with its path and job context."""

from __future__ import annotations

import json

import pytest
from support import DATA, bundled_index

from app.engine import diagnose_job, read_errors

PAYLOADS = DATA / "payloads"


def _load(name: str) -> object:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def _entries(name: str) -> list[str | None]:
    result = diagnose_job(bundled_index(), _load(name))
    return [e.diagnosis.entry_id if e.diagnosis else None for e in result.errors]


def test_azure_backup_job_merges_repeated_errors() -> None:
    result = diagnose_job(bundled_index(), _load("azure-backup-job.json"))
    assert [e.diagnosis.entry_id for e in result.errors if e.diagnosis] == [
        "vm-agent.status-unavailable", "networking.no-internet-access",
    ]
    first = result.errors[0]
    assert first.paths == ["$.properties.errorDetails[0]", "$.properties.errorDetails[2]"]
    assert first.code == "UserErrorGuestAgentStatusUnavailable"
    assert first.context == {
        "job_id": "8e4c2a10-7b3d-4f9e-a1c5-6d8b0e2f4a71", "operation": "Backup", "entity": "vm-sql-01",
        "status": "Failed", "start_time": "2026-11-24T01:00:12.1234567Z", "end_time": "2026-11-24T01:31:19.5755906Z",
    }


def test_job_list_gives_each_failed_job_its_context() -> None:
    result = diagnose_job(bundled_index(), _load("azure-backup-job-list.json"))
    assert [(e.diagnosis.entry_id, e.context["entity"], e.context["operation"]) for e in result.errors if e.diagnosis] == [
        ("vm-state.restore-point-collection-limit", "vm-web-02", "Backup"),
        ("restore.instant-rp-not-found", "vm-app-03", "Restore"),
    ]


def test_arm_envelope_reads_inner_details() -> None:
    assert _entries("arm-error.json") == ["protection.keyvault-permissions", "service.cloud-internal-error"]


def test_powershell_job_details() -> None:
    result = diagnose_job(bundled_index(), _load("powershell-job-details.json"))
    assert [e.diagnosis.entry_id for e in result.errors if e.diagnosis] == ["snapshot.fs-freeze-failed"]
    assert result.errors[0].context["job_id"] == "4d1c7e2a-98b0-4c55-a7f3-2e6d9b1a0c84"


def test_any_other_json_is_scanned_string_by_string() -> None:
    result = diagnose_job(bundled_index(), _load("event-grid-alert.json"))
    assert [(e.diagnosis.entry_id, e.paths) for e in result.errors if e.diagnosis] == [
        ("backup.internal-error", ["$[0].data.description"]),
    ]
    assert result.lang == "fr"


def test_unrelated_error_answers_no_match() -> None:
    payload = {"error": {"code": "OSError", "message": "No space left on device"}}
    result = diagnose_job(bundled_index(), payload)
    assert result.matched is False
    assert [e.matched for e in result.errors] == [False]


@pytest.mark.parametrize("document", [{}, [], {"value": []}, {"properties": {"errorDetails": []}}, 42, {"a": [None, 1.5]}])
def test_empty_or_odd_documents_yield_no_error(document: object) -> None:
    assert read_errors(document) == []


def test_bare_json_string_is_scanned() -> None:
    assert [item.message for item in read_errors("VM Agent unable to communicate")] == ["VM Agent unable to communicate"]
