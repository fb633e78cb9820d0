"""Bad input gets a clear 4xx in the one error shape: never a 500, never a trace or a server path."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

CASES = [
    ("empty body", b"", "text/plain", 400, "empty_input"),
    ("whitespace body", b"   \n\t ", "text/plain", 400, "empty_input"),
    ("empty json body", b"", "application/json", 400, "empty_body"),
    ("invalid json", b"{\"message\": ", "application/json", 400, "invalid_json"),
    ("wrong type", b"{\"message\": 42}", "application/json", 422, "invalid_request"),
    ("missing field", b"{\"text\": \"x\"}", "application/json", 422, "invalid_request"),
    ("unknown field", b"{\"message\": \"x\", \"severity\": 1}", "application/json", 422, "invalid_request"),
    ("bad lang", b"{\"message\": \"x\", \"lang\": \"de\"}", "application/json", 422, "invalid_request"),
    ("negative limit", b"{\"message\": \"x\", \"limit\": -1}", "application/json", 422, "invalid_request"),
    ("huge number", b"{\"message\": \"x\", \"limit\": 1" + b"0" * 4000 + b"}", "application/json", 422, "invalid_request"),
    ("number past the int limit", b"{\"message\": \"x\", \"limit\": 1" + b"0" * 5000 + b"}", "application/json", 400, "invalid_json"),
    ("float overflow", b"{\"message\": \"x\", \"limit\": 1e999}", "application/json", 422, "invalid_request"),
    ("json array", b"[1, 2]", "application/json", 422, "invalid_request"),
    ("5 MB body", b"x" * 5_000_000, "text/plain", 413, "body_too_large"),
    ("invalid utf-8", b"\xff\xfe\xfa binary", "text/plain", 400, "invalid_encoding"),
    ("nul bytes", b"abc\x00def", "text/plain", 400, "invalid_text"),
    ("deep json", b"[" * 10_000 + b"]" * 10_000, "application/json", 400, "json_too_deep"),
    ("moderately deep json", b"{\"message\": " + b"[" * 100 + b"]" * 100 + b"}", "application/json", 400, "json_too_deep"),
    ("xml", b"<error/>", "application/xml", 415, "unsupported_media_type"),
    ("multipart", b"--x\r\n", "multipart/form-data; boundary=x", 415, "unsupported_media_type"),
]


@pytest.mark.parametrize(("name", "body", "ctype", "status", "code"), CASES, ids=[c[0] for c in CASES])
def test_bad_diagnose_bodies(client: TestClient, name: str, body: bytes, ctype: str, status: int, code: str) -> None:
    response = client.post("/v1/diagnose", content=body, headers={"Content-Type": ctype})
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"] and "Traceback" not in error["message"] and "/work/" not in error["message"]


@pytest.mark.parametrize("path", ["/v1/diagnose/job", "/v1/diagnose/batch"])
@pytest.mark.parametrize(("body", "ctype", "status"), [
    (b"", "application/json", 400), (b"{", "application/json", 400), (b"[" * 10_000, "application/json", 400),
    (b"x" * 5_000_000, "application/json", 413), (b"a,b", "text/csv", 415),
])
def test_bad_json_endpoints(client: TestClient, path: str, body: bytes, ctype: str, status: int) -> None:
    response = client.post(path, content=body, headers={"Content-Type": ctype})
    assert response.status_code == status
    assert set(response.json()) == {"error"}


def test_invalid_field_is_named(client: TestClient) -> None:
    response = client.post("/v1/diagnose", json={"message": ["a"]})
    assert "'message'" in response.json()["error"]["message"]


def test_unknown_route_and_method(client: TestClient) -> None:
    assert client.get("/v1/nope").json()["error"]["code"] == "not_found"
    response = client.delete("/v1/diagnose")
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"


def test_get_query_errors(client: TestClient) -> None:
    assert client.get("/v1/diagnose").status_code == 422
    assert client.get("/v1/diagnose", params={"q": "   "}).json()["error"]["code"] == "empty_input"
    assert client.get("/v1/diagnose", params={"q": "x", "limit": "abc"}).status_code == 422


@pytest.mark.parametrize("text", ["שגיאה בגיבוי 🙂", "备份失败：虚拟机代理无响应", "‮reversed‬ text", "a" * 200_000])
def test_odd_but_valid_text_is_answered(client: TestClient, text: str) -> None:
    response = client.post("/v1/diagnose", content=text.encode(), headers={"Content-Type": "text/plain"})
    assert response.status_code == 200
    assert response.json()["matched"] is False


def test_hundred_thousand_line_log(client: TestClient) -> None:
    log = "".join(f"2026-11-24 01:{i % 60:02d} INFO {i}\n" for i in range(100_000))
    log = log[: 1_000_000 - 200] + "\nERROR UserErrorVmProvisioningStateFailed\n"
    response = client.post("/v1/diagnose", content=log.encode(), headers={"Content-Type": "text/plain"})
    assert response.status_code == 200
    assert response.json()["diagnosis"]["entry_id"] == "vm-state.provisioning-failed"
