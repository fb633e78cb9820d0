"""Catalogue reads, health probes, CORS and the committed OpenAPI document."""

from __future__ import annotations

import json

from conftest import make_client
from fastapi.testclient import TestClient
from support import ROOT

from app.api.openapi_file import openapi_json


def test_entries_list_and_filters(client: TestClient) -> None:
    everything = client.get("/v1/entries").json()
    assert everything["total"] == len(everything["entries"]) >= 100
    jobs = client.get("/v1/entries", params={"category": "jobs"}).json()
    assert {e["id"] for e in jobs["entries"]} == {"jobs.cancel-unsupported", "jobs.not-cancellable-state", "jobs.not-in-progress", "jobs.cancel-failed"}
    found = client.get("/v1/entries", params={"q": "bitlocker"}).json()
    assert [e["id"] for e in found["entries"]] == ["backup.bitlocker-locked"]


def test_entry_detail_with_etag(client: TestClient) -> None:
    response = client.get("/v1/entries/backup.vm-agent-missing")
    assert response.status_code == 200
    entry = response.json()
    assert entry["id"] == "backup.vm-agent-missing" and entry["title"]["fr"] and entry["title"]["en"]
    etag = response.headers["etag"]
    assert client.get("/v1/entries/backup.vm-agent-missing", headers={"If-None-Match": etag}).status_code == 304


def test_unknown_entry_is_404_in_the_error_shape(client: TestClient) -> None:
    response = client.get("/v1/entries/backup.nope")
    assert response.status_code == 404 and response.json()["error"]["code"] == "entry_not_found"


def test_categories(client: TestClient) -> None:
    categories = {c["id"]: c["entries"] for c in client.get("/v1/categories").json()["categories"]}
    assert {"backup", "jobs", "restore", "policy", "vm-agent", "snapshot", "networking", "service"} <= set(categories)
    assert categories["backup"] >= 13 and categories["jobs"] == 4


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["entries"] >= 100


def test_cors_allows_only_listed_origins() -> None:
    with make_client(cors_origins=["https://portal.example.com"]) as c:
        allowed = c.options("/v1/diagnose", headers={"Origin": "https://portal.example.com", "Access-Control-Request-Method": "POST"})
        assert allowed.headers.get("access-control-allow-origin") == "https://portal.example.com"
        denied = c.post("/v1/diagnose", json={"message": "x"}, headers={"Origin": "https://evil.example.net"})
        assert "access-control-allow-origin" not in denied.headers


def test_no_cors_by_default(client: TestClient) -> None:
    response = client.post("/v1/diagnose", json={"message": "x"}, headers={"Origin": "https://portal.example.com"})
    assert "access-control-allow-origin" not in response.headers


def test_committed_openapi_matches_the_app() -> None:
    committed = (ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8")
    assert committed == openapi_json(), "run `make openapi`"


def test_openapi_has_stable_operation_ids_and_error_shapes() -> None:
    document = json.loads(openapi_json())
    operations = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert {"diagnose", "diagnoseQuery", "diagnoseJob", "diagnoseBatch", "listEntries", "getEntry", "listCategories", "health", "ready"} <= operations
    diagnose = document["paths"]["/v1/diagnose"]["post"]
    assert set(diagnose["requestBody"]["content"]) == {"application/json", "text/plain"}
    assert {"400", "413", "415", "422"} <= set(diagnose["responses"])
