"""POST/GET /v1/diagnose, /v1/diagnose/job, /v1/diagnose/batch through the real app and lifespan."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from support import DATA

from app.api.app import CATALOG_VERSION_HEADER


def test_json_message_gives_a_full_diagnosis(client: TestClient) -> None:
    response = client.post("/v1/diagnose", json={"message": "vm-sql-01: Could not communicate with the VM agent for snapshot status", "limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["matched"] is True
    d = body["diagnosis"]
    assert d["entry_id"] == "backup.vm-agent-unreachable" and d["category"] == "backup"
    assert "GuestAgentSnapshotTaskStatusError" in d["codes"]
    assert d["causes"] and d["docs"] and d["steps"][0]["position"] == 1
    assert d["explanation"]["method"] in ("message", "code+message")
    assert len(body["alternatives"]) <= 2
    assert body["catalog"]["entries"] >= 100
    assert response.headers[CATALOG_VERSION_HEADER] == body["catalog"]["version"]


def test_plain_text_body_and_plain_text_answer(client: TestClient) -> None:
    log = "2026-11-24 01:00 INFO start\n2026-11-24 01:31 ERROR La copie des disques durs virtuels à partir de l’archive de sauvegarde a expiré\n"
    response = client.post("/v1/diagnose", content=log.encode(), headers={"Content-Type": "text/plain", "Accept": "text/plain"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert "backup.vhd-copy-timeout" in text and "Que faire" in text and "1. " in text
    assert "{" not in text.split("\n")[0]


def test_markdown_format(client: TestClient) -> None:
    response = client.post("/v1/diagnose?format=markdown", json={"message": "Failed to cancel the Job - Please wait till job finishes."})
    assert response.headers["content-type"].startswith("text/markdown")
    assert response.text.startswith("### ") and "`jobs.cancel-failed`" in response.text


def test_form_encoded_curl_default_is_read_as_text(client: TestClient) -> None:
    response = client.post("/v1/diagnose", content=b"Selected subnet does not exist", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.json()["diagnosis"]["entry_id"] == "restore.subnet-not-found"


def test_get_with_query(client: TestClient) -> None:
    response = client.get("/v1/diagnose", params={"q": "UserErrorRpCollectionLimitReached"})
    assert response.json()["diagnosis"]["entry_id"] == "vm-state.restore-point-collection-limit"


def test_language_choice(client: TestClient) -> None:
    fr = client.post("/v1/diagnose", json={"message": "UserErrorFsFreezeFailed"}, headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert fr.json()["lang"] == "fr"
    forced = client.post("/v1/diagnose", json={"message": "La machine virtuelle n’existe pas", "lang": "en"})
    assert forced.json()["lang"] == "en"
    assert forced.json()["diagnosis"]["title"].isascii()


def test_no_match_is_a_200_with_candidates(client: TestClient) -> None:
    response = client.post("/v1/diagnose", json={"message": "write /var/lib/data: No space left on device"})
    assert response.status_code == 200
    assert response.json()["matched"] is False and response.json()["diagnosis"] is None


def test_job_endpoint_returns_one_diagnosis_per_distinct_error(client: TestClient) -> None:
    payload = (DATA / "payloads" / "azure-backup-job.json").read_bytes()
    response = client.post("/v1/diagnose/job", content=payload, headers={"Content-Type": "application/json"})
    body = response.json()
    assert [e["diagnosis"]["entry_id"] for e in body["errors"]] == ["vm-agent.status-unavailable", "networking.no-internet-access"]
    assert body["errors"][0]["context"]["entity"] == "vm-sql-01"
    text = client.post("/v1/diagnose/job?format=text", content=payload, headers={"Content-Type": "application/json"}).text
    assert "[1/2]" in text and "[2/2]" in text and "vm-sql-01" in text


def test_job_endpoint_refuses_a_scalar(client: TestClient) -> None:
    response = client.post("/v1/diagnose/job", json="just a string")
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request"


def test_batch_answers_in_order(client: TestClient) -> None:
    messages = ["Selected subnet does not exist", "not an azure error at all", "La machine virtuelle n’existe pas"]
    response = client.post("/v1/diagnose/batch", json={"messages": messages, "limit": 0})
    results = response.json()["results"]
    assert [r["diagnosis"]["entry_id"] if r["matched"] else None for r in results] == [
        "restore.subnet-not-found", None, "backup.vm-does-not-exist",
    ]
    assert all(r["alternatives"] == [] for r in results)


def test_batch_is_bounded(client: TestClient) -> None:
    response = client.post("/v1/diagnose/batch", json={"messages": ["x"] * 101})
    assert response.status_code == 413
    assert "ERRDIAG_MAX_BATCH" in response.json()["error"]["message"]


def test_response_is_json_serialisable_with_accented_text(client: TestClient) -> None:
    response = client.post("/v1/diagnose", json={"message": "Le sous-réseau sélectionné n’existe pas"})
    assert "sous-réseau" in json.dumps(response.json(), ensure_ascii=False)
