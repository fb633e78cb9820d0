"""Request ids, one access-log line per request (without the input by default), Prometheus metrics."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterator

import pytest
from api_support import metric_value
from conftest import make_client
from fastapi.testclient import TestClient
from support import CATALOG_DIR

from app.api.app import create_app
from app.api.logs import JsonFormatter, TextFormatter, configure_logging, request_id_var
from app.api.middleware import valid_request_id
from app.settings import Settings

SECRET_TEXT = "Copying VHDs from backup vault timed out for customer Contoso-Secret-4711"


@pytest.fixture
def access_lines(caplog: pytest.LogCaptureFixture) -> Callable[[], list[logging.LogRecord]]:
    """The access-log records of the test so far."""
    caplog.set_level(logging.INFO, logger="errdiag.access")
    return lambda: [r for r in caplog.records if r.name == "errdiag.access"]


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root, httpx_logger = logging.getLogger(), logging.getLogger("httpx")
    handlers, level, httpx_level = list(root.handlers), root.level, httpx_logger.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    httpx_logger.setLevel(httpx_level)


def test_request_id_is_echoed_when_valid(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "ticket-4711.retry_2"})
    assert response.headers["x-request-id"] == "ticket-4711.retry_2"


@pytest.mark.parametrize("given", [None, "", "x" * 129, "has space", "tab\there", "é-accent"])
def test_request_id_is_generated_when_missing_or_invalid(client: TestClient, given: str | None) -> None:
    headers = {"X-Request-ID": given.encode("utf-8")} if given is not None else {}
    first = client.get("/healthz", headers=headers).headers["x-request-id"]  # type: ignore[arg-type]
    second = client.get("/healthz", headers=headers).headers["x-request-id"]  # type: ignore[arg-type]
    assert first != second and len(first) == 32 and first.isalnum()


def test_request_id_validation() -> None:
    assert valid_request_id(b"a" * 128) == "a" * 128
    assert valid_request_id(b"a" * 129) is None
    assert valid_request_id(b"bad\x00id") is None and valid_request_id(b"bad\x7fid") is None


def test_one_access_line_per_request_with_outcome(client: TestClient, access_lines: Callable[[], list[logging.LogRecord]]) -> None:
    client.post("/v1/diagnose", json={"message": SECRET_TEXT}, headers={"X-Request-ID": "req-1"})
    [line] = access_lines()
    assert (line.method, line.route, line.status) == ("POST", "/v1/diagnose", 200)  # type: ignore[attr-defined]
    assert line.entry == "backup.vhd-copy-timeout" and line.matched is True and 0.6 <= line.confidence <= 1  # type: ignore[attr-defined]
    assert line.request_id == "req-1"  # type: ignore[attr-defined]
    assert line.duration_ms > 0  # type: ignore[attr-defined]
    assert not hasattr(line, "input")


def test_route_template_not_raw_path(client: TestClient, access_lines: Callable[[], list[logging.LogRecord]]) -> None:
    client.get("/v1/entries/backup.vhd-copy-timeout")
    client.get("/v1/no-such-thing/at-all")
    entry, unknown = access_lines()
    assert entry.route == "/v1/entries/{entry_id}" and entry.path == "/v1/entries/backup.vhd-copy-timeout"  # type: ignore[attr-defined]
    assert unknown.route == "unmatched" and unknown.status == 404 and unknown.error == "not_found"  # type: ignore[attr-defined]


def test_error_code_is_logged(client: TestClient, access_lines: Callable[[], list[logging.LogRecord]]) -> None:
    client.post("/v1/diagnose", content=b"{", headers={"Content-Type": "application/json"})
    [line] = access_lines()
    assert line.status == 400 and line.error == "invalid_json"  # type: ignore[attr-defined]


def test_job_and_batch_lines_count_their_diagnoses(client: TestClient, access_lines: Callable[[], list[logging.LogRecord]]) -> None:
    client.post("/v1/diagnose/batch", json={"messages": [SECRET_TEXT, "nothing known here"]})
    [line] = access_lines()
    assert line.diagnoses == 2 and line.entry == "backup.vhd-copy-timeout"  # type: ignore[attr-defined]


def test_json_lines_on_stdout_without_input(restore_logging: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(Settings(_env_file=None, log_format="json", log_level="INFO"))  # type: ignore[call-arg]
    with make_client() as local:
        local.get("/v1/diagnose", params={"q": SECRET_TEXT}, headers={"X-Request-ID": "r-42"})
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    [access] = [line for line in lines if line["logger"] == "errdiag.access"]
    assert {"ts", "level", "message", "request_id", "method", "route", "status", "duration_ms", "entry", "confidence"} <= set(access)
    assert access["request_id"] == "r-42" and access["route"] == "/v1/diagnose"
    assert all("Contoso-Secret" not in json.dumps(line) for line in lines)


def test_input_logged_only_when_asked(access_lines: Callable[[], list[logging.LogRecord]]) -> None:
    with make_client(log_input=True) as local:
        local.post("/v1/diagnose", content=SECRET_TEXT.encode(), headers={"Content-Type": "text/plain"})
    [line] = access_lines()
    assert line.input == SECRET_TEXT  # type: ignore[attr-defined]


def test_text_format_quotes_values() -> None:
    record = logging.LogRecord("errdiag.access", logging.INFO, __file__, 1, "request", None, None)
    record.route, record.input = "/v1/diagnose", 'two words "quoted"'
    token = request_id_var.set("rid-1")
    try:
        text = TextFormatter().format(record)
        as_json = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert 'route=/v1/diagnose input="two words \\"quoted\\"" request_id=rid-1' in text
    assert as_json["request_id"] == "rid-1" and as_json["input"] == 'two words "quoted"'


def test_timestamps_are_utc_with_milliseconds() -> None:
    record = logging.LogRecord("errdiag.access", logging.INFO, __file__, 1, "request", None, None)
    record.created, record.msecs = 1764116188.512345, 512.0
    assert json.loads(JsonFormatter().format(record))["ts"] == "2025-11-26T00:16:28.512Z"
    assert TextFormatter().format(record).startswith("2025-11-26T00:16:28.512Z INFO    errdiag.access: request")


def test_metrics_count_requests_and_diagnoses() -> None:
    with make_client() as local:
        local.post("/v1/diagnose", json={"message": SECRET_TEXT})
        local.post("/v1/diagnose", json={"message": "nothing known here at all"})
        local.post("/v1/diagnose", content=b"", headers={"Content-Type": "text/plain"})
        text = local.get("/metrics").text
        version = local.get("/readyz").json()["version"]
    assert metric_value(text, "errdiag_http_requests_total", method="POST", route="/v1/diagnose", status="200") == 2
    assert metric_value(text, "errdiag_http_requests_total", method="POST", route="/v1/diagnose", status="400") == 1
    assert metric_value(text, "errdiag_http_request_duration_seconds_count", method="POST", route="/v1/diagnose", status="200") == 2
    assert metric_value(text, "errdiag_diagnoses_total", entry="backup.vhd-copy-timeout", category="backup", outcome="matched") == 1
    assert metric_value(text, "errdiag_diagnoses_total", entry="none", category="none", outcome="no_match") == 1
    assert metric_value(text, "errdiag_diagnosis_confidence_count", outcome="matched") == 1
    assert metric_value(text, "errdiag_diagnosis_confidence_bucket", outcome="matched", le="0.5") == 0
    assert metric_value(text, "errdiag_catalog_info", version=version) == 1
    assert metric_value(text, "errdiag_catalog_entries") == 100


def test_each_app_has_its_own_registry() -> None:
    with make_client() as first, make_client() as second:
        first.get("/healthz")
        assert metric_value(second.get("/metrics").text, "errdiag_http_requests_total", method="GET", route="/healthz", status="200") is None
        assert metric_value(first.get("/metrics").text, "errdiag_http_requests_total", method="GET", route="/healthz", status="200") == 1


def test_a_client_gone_mid_body_is_logged_not_an_error(access_lines: Callable[[], list[logging.LogRecord]]) -> None:
    app = create_app(Settings(_env_file=None, catalog_dir=CATALOG_DIR))  # type: ignore[call-arg]
    sent: list[dict] = []
    chunks = iter([{"type": "http.request", "body": b"Copying VHDs", "more_body": True}, {"type": "http.disconnect"}])

    async def receive() -> dict:
        return next(chunks)

    async def send(message: dict) -> None:
        sent.append(message)

    async def scenario() -> None:
        async with app.router.lifespan_context(app):
            scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
                     "path": "/v1/diagnose", "raw_path": b"/v1/diagnose", "query_string": b"", "root_path": "",
                     "headers": [(b"content-type", b"text/plain"), (b"host", b"errdiag.test")], "client": ("127.0.0.1", 5000),
                     "server": ("errdiag.test", 80), "state": {}, "app": app}
            await app(scope, receive, send)

    asyncio.run(scenario())
    assert sent[0]["status"] == 499
    [line] = access_lines()
    assert line.status == 499 and line.error == "client_disconnected"  # type: ignore[attr-defined]


def test_unknown_methods_share_one_label() -> None:
    with make_client() as local:
        for method in ("FOO", "BAR"):
            assert local.request(method, "/v1/diagnose").status_code == 405
        text = local.get("/metrics").text
    assert metric_value(text, "errdiag_http_requests_total", method="OTHER", route="/v1/diagnose", status="405") == 2
    assert "FOO" not in text


def test_405_lists_every_method_of_the_path(client: TestClient) -> None:
    response = client.delete("/v1/diagnose")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST"
    assert "use GET, HEAD or POST." in response.json()["error"]["message"]


def test_a_repeated_message_is_answered_from_the_cache_and_counted() -> None:
    with make_client(cache_size=16) as local:
        first, second, third = (local.post("/v1/diagnose", json={"message": SECRET_TEXT}) for _ in range(3))
        text = local.get("/metrics").text
    assert first.status_code == second.status_code == third.status_code == 200
    assert first.json() == second.json() == third.json()
    assert metric_value(text, "errdiag_cache_hits_total") == 1  # kept from the second time on
    assert metric_value(text, "errdiag_cache_misses_total") == 2
    assert metric_value(text, "errdiag_cache_entries") == 1


def test_no_cache_metrics_when_the_cache_is_off() -> None:
    with make_client(cache_size=0) as local:
        local.post("/v1/diagnose", json={"message": SECRET_TEXT})
        text = local.get("/metrics").text
    assert metric_value(text, "errdiag_cache_hits_total") is None


def test_the_cache_metrics_survive_a_second_lifespan() -> None:
    app = create_app(Settings(_env_file=None, catalog_dir=CATALOG_DIR, cache_size=16))  # type: ignore[call-arg]
    for _ in range(2):
        with TestClient(app) as local:
            local.post("/v1/diagnose", json={"message": SECRET_TEXT})
            text = local.get("/metrics").text
    assert metric_value(text, "errdiag_cache_misses_total") == 1  # the second lifespan has a new engine


def test_a_wording_seen_under_other_ids_is_scored_from_the_memo_and_counted() -> None:
    line = "2026-11-24T01:0{}:00Z ERROR job {}: Backup failed with an internal error. Please retry the operation in a few minutes."
    with make_client(cache_size=16, memo_size=64) as local:
        answers = [local.post("/v1/diagnose", json={"message": line.format(i, job)}).json() for i, job in enumerate((4711, 815))]
        text = local.get("/metrics").text
    assert answers[0]["diagnosis"]["entry_id"] == answers[1]["diagnosis"]["entry_id"]
    assert metric_value(text, "errdiag_cache_hits_total") == 0  # two different inputs
    assert metric_value(text, "errdiag_memo_hits_total") >= 1  # one wording: the second input's segments were known
    assert 1 <= metric_value(text, "errdiag_memo_entries") <= 64
    with make_client(memo_size=0) as local:
        local.post("/v1/diagnose", json={"message": line.format(1, "x")})
        assert metric_value(local.get("/metrics").text, "errdiag_memo_hits_total") is None


def test_an_error_seen_again_with_other_digits_is_answered_from_its_shape_and_counted() -> None:
    line = "2026-11-24T01:0{}:00Z ERROR job {}: Backup failed with an internal error. Please retry the operation in a few minutes."
    with make_client(shape_size=16) as local:
        jobs = (4711, 4712, 8150)  # the template is kept from the second input of the shape on
        answers = [local.post("/v1/diagnose", json={"message": line.format(i, job)}).json() for i, job in enumerate(jobs)]
        text = local.get("/metrics").text
    assert answers[0]["diagnosis"]["entry_id"] == answers[2]["diagnosis"]["entry_id"]
    assert "job 8150" in answers[2]["diagnosis"]["explanation"]["matched_text"]  # quoting the third input, not the others
    assert metric_value(text, "errdiag_shapes_hits_total") == 1 and metric_value(text, "errdiag_shapes_misses_total") == 2
    assert metric_value(text, "errdiag_shapes_entries") == 1
    with make_client(shape_size=0) as local:
        local.post("/v1/diagnose", json={"message": line.format(1, 1234)})
        assert metric_value(local.get("/metrics").text, "errdiag_shapes_hits_total") is None


class _Provider:
    """A tracer provider set up by the process (any class OpenTelemetry's API does not defer): records its use."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def get_tracer(self, name: str, *args: object, **kwargs: object) -> object:
        from opentelemetry import trace

        self.asked.append(name)
        return trace.NoOpTracer()


@pytest.mark.parametrize("enabled", [False, True])
def test_fastapi_opentelemetry_only_when_asked(monkeypatch: pytest.MonkeyPatch, enabled: bool) -> None:
    from opentelemetry import trace

    provider = _Provider()
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)
    with make_client(opentelemetry=enabled) as client:
        response = client.post("/v1/diagnose", json={"message": "UserErrorGuestAgentStatusUnavailable"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] and response.headers["X-Errdiag-Catalog-Version"] == response.json()["catalog"]["version"]
    assert ("fastapi" in provider.asked) is enabled
