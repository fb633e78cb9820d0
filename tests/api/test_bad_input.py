"""Bad input gets a clear 4xx in the one error shape: never a 500, never a trace or a server path."""

from __future__ import annotations

import pytest
from conftest import make_client
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


# Issue 5's bad-input list, case by case, on every endpoint that reads a body.

BODY_ENDPOINTS = ["/v1/diagnose", "/v1/diagnose/job", "/v1/diagnose/batch"]


def _assert_error(response, status: int, code: str) -> None:  # noqa: ANN001
    assert response.status_code == status, response.text
    assert response.json() == {"error": {"code": code, "message": response.json()["error"]["message"]}}
    message = response.json()["error"]["message"]
    assert message and "Traceback" not in message and "/work/" not in message and "site-packages" not in message


@pytest.mark.parametrize("path", BODY_ENDPOINTS)
def test_ten_megabytes_are_refused_declared_or_streamed(client: TestClient, path: str) -> None:
    declared = client.post(path, content=b"x" * 10_000_000, headers={"Content-Type": "application/json"})
    streamed = client.post(path, content=(b"x" * 100_000 for _ in range(100)), headers={"Content-Type": "application/json"})
    for response in (declared, streamed):
        _assert_error(response, 413, "body_too_large")
        assert "ERRDIAG_MAX_BODY_BYTES" in response.json()["error"]["message"]


def test_a_full_hundred_thousand_line_log_is_over_the_body_limit(client: TestClient) -> None:
    log = "".join(f"2026-11-24 01:{i % 60:02d} INFO {i}\n" for i in range(100_000)).encode()
    assert len(log) > 1_048_576
    _assert_error(client.post("/v1/diagnose", content=log, headers={"Content-Type": "text/plain"}), 413, "body_too_large")


def test_a_hundred_thousand_line_log_within_a_raised_limit_is_diagnosed() -> None:
    log = "".join(f"2026-11-24 01:{i % 60:02d} INFO {i}\n" for i in range(100_000)) + "ERROR UserErrorFsFreezeFailed\n"
    with make_client(max_body_bytes=4_000_000, max_message_chars=4_000_000) as local:
        response = local.post("/v1/diagnose", content=log.encode(), headers={"Content-Type": "text/plain"})
    assert response.status_code == 200
    assert response.json()["diagnosis"]["entry_id"] == "snapshot.fs-freeze-failed"


def test_one_line_of_a_megabyte(client: TestClient) -> None:
    line = "x" * 600_000 + " UserErrorFsFreezeFailed " + "y" * 448_000
    assert len(line) <= 1_048_576 < len(line) + 600
    response = client.post("/v1/diagnose", content=line.encode(), headers={"Content-Type": "text/plain"})
    assert response.status_code == 200
    assert response.json()["diagnosis"]["entry_id"] == "snapshot.fs-freeze-failed"
    _assert_error(client.post("/v1/diagnose", content=(line + "z" * 600).encode(), headers={"Content-Type": "text/plain"}),
                  413, "body_too_large")


@pytest.mark.parametrize(("body", "code"), [
    (b'{"message": "abc\\u0000def"}', "invalid_text"),  # NUL escaped in JSON
    (b'{"message": "\xff\xfe"}', "invalid_encoding"),  # invalid UTF-8 inside JSON
    (b'{"message": "x", "limit": NaN}', "invalid_json"),  # not JSON, though Python reads it
    (b'{"message": "x", "limit": Infinity}', "invalid_json"),
    (b"   \n ", "empty_body"),
])
def test_bad_json_bodies(client: TestClient, body: bytes, code: str) -> None:
    _assert_error(client.post("/v1/diagnose", content=body, headers={"Content-Type": "application/json"}), 400, code)


def test_a_lone_surrogate_is_named(client: TestClient) -> None:
    response = client.post("/v1/diagnose", content=b'{"message": "\\ud800"}', headers={"Content-Type": "application/json"})
    _assert_error(response, 422, "invalid_request")
    assert "'message'" in response.json()["error"]["message"]


@pytest.mark.parametrize("path", ["/v1/diagnose/job", "/v1/diagnose/batch"])
@pytest.mark.parametrize("body", [b"[" * 10_000 + b"]" * 10_000, b'{"a":' * 10_000 + b"1" + b"}" * 10_000])
def test_json_nested_ten_thousand_deep(client: TestClient, path: str, body: bytes) -> None:
    response = client.post(path, content=body, headers={"Content-Type": "application/json"})
    _assert_error(response, 400, "json_too_deep")
    assert "ERRDIAG_MAX_JSON_DEPTH" in response.json()["error"]["message"]


def test_huge_numbers_in_a_job_are_only_data(client: TestClient) -> None:
    document = b'{"errorCode": "UserErrorFsFreezeFailed", "size": 1' + b"0" * 4000 + b', "ratio": 1e999999}'
    response = client.post("/v1/diagnose/job", content=document, headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    assert response.json()["errors"][0]["diagnosis"]["entry_id"] == "snapshot.fs-freeze-failed"


@pytest.mark.parametrize("path", BODY_ENDPOINTS)
@pytest.mark.parametrize("ctype", ["application/xml", "text/html", "image/png", "application/octet-stream"])
def test_wrong_content_types(client: TestClient, path: str, ctype: str) -> None:
    response = client.post(path, content=b"<x/>", headers={"Content-Type": ctype})
    _assert_error(response, 415, "unsupported_media_type")
    assert ctype in response.json()["error"]["message"]


def test_unknown_fields_are_named(client: TestClient) -> None:
    response = client.post("/v1/diagnose/batch", json={"messages": ["x"], "priority": 1})
    _assert_error(response, 422, "invalid_request")
    assert "'priority'" in response.json()["error"]["message"]


def test_limits_name_their_setting() -> None:
    with make_client(max_message_chars=1000, max_batch=2, max_limit=5) as local:
        too_long = local.post("/v1/diagnose", json={"message": "x" * 1001})
        too_many = local.post("/v1/diagnose/batch", json={"messages": ["a", "b", "c"]})
        too_high = local.post("/v1/diagnose", json={"message": "x", "limit": 6})
    _assert_error(too_long, 413, "message_too_long")
    _assert_error(too_many, 413, "batch_too_large")
    _assert_error(too_high, 422, "invalid_request")
    for response, setting in ((too_long, "ERRDIAG_MAX_MESSAGE_CHARS"), (too_many, "ERRDIAG_MAX_BATCH"), (too_high, "ERRDIAG_MAX_LIMIT")):
        assert setting in response.json()["error"]["message"]


def test_segment_budget_scans_error_lines_first() -> None:
    """ERRDIAG_MAX_SEGMENTS bounds the work per input; past it, lines that look like errors are kept."""
    log = "".join(f"2026-11-24 01:00:{i % 60:02d} INFO step {i} done\n" for i in range(3000)) + "ERROR UserErrorFsFreezeFailed\n"
    with make_client(max_segments=50) as local:
        response = local.post("/v1/diagnose", content=log.encode(), headers={"Content-Type": "text/plain"})
    assert response.status_code == 200
    assert response.json()["diagnosis"]["entry_id"] == "snapshot.fs-freeze-failed"


@pytest.mark.parametrize(("text", "entry"), [
    ("שגיאה בגיבוי: UserErrorFsFreezeFailed", "snapshot.fs-freeze-failed"),  # RTL around a code
    ("🙂🔥 UserErrorFsFreezeFailed 💾", "snapshot.fs-freeze-failed"),  # emoji
    ("备份失败：UserErrorFsFreezeFailed（虚拟机）", "snapshot.fs-freeze-failed"),  # CJK, full-width punctuation
    ("‮UserErrorFsFreezeFailed‬ مرحبا 你好 Привет", "snapshot.fs-freeze-failed"),  # bidi controls, mixed
])
def test_mixed_scripts_around_a_known_error(client: TestClient, text: str, entry: str) -> None:
    for response in (client.post("/v1/diagnose", json={"message": text}),
                     client.post("/v1/diagnose", content=text.encode(), headers={"Content-Type": "text/plain"})):
        assert response.status_code == 200
        assert response.json()["diagnosis"]["entry_id"] == entry
