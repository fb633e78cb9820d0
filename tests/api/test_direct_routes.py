"""POST /v1/diagnose is served by DirectRoutes, not the router: the same answers, headers, errors and log lines."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from api_support import KEY
from fastapi import Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response as HttpxResponse
from support import CATALOG_DIR

from app.api import direct_route
from app.api.app import create_app
from app.api.direct_route import DirectRoute, direct_routes
from app.settings import Settings

MESSAGE = {"message": "Copying VHDs from backup vault timed out"}
_TIMING = {"duration_ms"}  # the only field of a log line that differs between two identical requests

REQUESTS = {
    "json": {"json": MESSAGE},
    "json with lang and limit": {"json": {**MESSAGE, "lang": "fr", "limit": 2}},
    "plain text": {"content": MESSAGE["message"].encode(), "headers": {"Content-Type": "text/plain"}, "params": {"lang": "en"}},
    "form": {"data": {"message": MESSAGE["message"]}},
    "text answer": {"json": MESSAGE, "params": {"format": "text"}},
    "markdown answer": {"json": MESSAGE, "headers": {"Accept": "text/markdown", "Accept-Language": "fr;q=0.9, en;q=0.5"}},
    "no match": {"json": {"message": "the weather is fine today"}},
    "invalid json": {"content": b"{", "headers": {"Content-Type": "application/json"}},
    "empty body": {"content": b"", "headers": {"Content-Type": "application/json"}},
    "unknown field": {"json": {**MESSAGE, "severity": 1}},
    "limit over the maximum": {"json": {**MESSAGE, "limit": 1000}},
    "wrong format": {"json": MESSAGE, "params": {"format": "xml"}},
    "wrong lang": {"content": b"x", "headers": {"Content-Type": "text/plain"}, "params": {"lang": "de"}},
    "unsupported type": {"content": b"<error/>", "headers": {"Content-Type": "application/xml"}},
    "over the body limit": {"content": b"x" * 5_000, "headers": {"Content-Type": "text/plain"}},
}
SETTINGS = {
    "default": {"max_body_bytes": 4_000},
    "api key required": {"max_body_bytes": 4_000, "api_keys": [KEY], "require_api_key": True},
    "cors": {"max_body_bytes": 4_000, "cors_origins": ["https://portal.example.com"]},
}


def _client(overrides: dict[str, object], **kwargs: object) -> TestClient:
    settings = Settings(_env_file=None, catalog_dir=CATALOG_DIR, **overrides)  # type: ignore[call-arg, arg-type]
    return TestClient(create_app(settings), **kwargs)  # type: ignore[arg-type]


@pytest.fixture(params=list(SETTINGS), scope="module")
def clients(request: pytest.FixtureRequest) -> Iterator[tuple[TestClient, TestClient]]:
    """(direct, routed): the same app twice, the second with DirectRoutes serving nothing."""
    with pytest.MonkeyPatch.context() as patch, _client(SETTINGS[request.param]) as direct:
        patch.setattr(direct_route, "direct_routes", lambda routes: {})
        with _client(SETTINGS[request.param]) as routed:
            patch.undo()
            yield direct, routed


def _post(client: TestClient, caplog: pytest.LogCaptureFixture, extra_headers: dict[str, str], **kwargs: object) -> tuple[HttpxResponse, dict]:
    caplog.clear()
    headers = {"X-Request-ID": "same-id", "Origin": "https://portal.example.com", "Authorization": f"Bearer {KEY}",
               **extra_headers, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    response = client.post("/v1/diagnose", headers=headers, **kwargs)  # type: ignore[arg-type]
    [line] = [r for r in caplog.records if r.name == "errdiag.access"]
    standard = vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "taskName"}
    return response, {k: v for k, v in vars(line).items() if k not in standard and k not in _TIMING}


@pytest.mark.parametrize("name", list(REQUESTS))
@pytest.mark.parametrize("extra_headers", [{}, {"Authorization": "Bearer wrong-key-0123456789"}], ids=["key", "wrong key"])
def test_direct_and_routed_answers_are_identical(clients: tuple[TestClient, TestClient], caplog: pytest.LogCaptureFixture,
                                                 name: str, extra_headers: dict[str, str]) -> None:
    caplog.set_level(logging.INFO, logger="errdiag.access")
    direct, routed = clients
    (ours, our_line), (theirs, their_line) = (_post(c, caplog, extra_headers, **REQUESTS[name]) for c in (direct, routed))
    assert ours.status_code == theirs.status_code
    assert ours.headers.multi_items() == theirs.headers.multi_items()
    assert ours.content == theirs.content
    assert our_line == their_line


def test_the_router_is_not_called_for_post_diagnose(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    router = client.app.router  # type: ignore[attr-defined]
    routed: list[str] = []
    stack = router.middleware_stack

    async def counting(scope, receive, send):  # noqa: ANN001, ANN202
        routed.append(scope["path"])
        await stack(scope, receive, send)

    monkeypatch.setattr(router, "middleware_stack", counting)
    assert client.post("/v1/diagnose", json=MESSAGE).status_code == 200
    assert client.post("/v1/diagnose", json=MESSAGE, headers={"Content-Type": "text/plain"}).status_code == 200
    assert client.get("/v1/diagnose", params={"q": MESSAGE["message"]}).status_code == 200
    assert client.post("/v1/diagnose/job", json={"error": MESSAGE}).status_code == 200
    assert routed == ["/v1/diagnose", "/v1/diagnose/job"]


def test_an_unexpected_error_is_answered_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = []
    for table in (direct_routes, lambda routes: {}):
        monkeypatch.setattr(direct_route, "direct_routes", table)
        with _client({}, raise_server_exceptions=False) as client:
            monkeypatch.setattr(client.app.state.engine, "diagnose", _fail)  # type: ignore[attr-defined]
            answers.append(client.post("/v1/diagnose", json=MESSAGE, headers={"X-Request-ID": "same-id"}))
    direct, routed = answers
    assert direct.status_code == routed.status_code == 500
    assert direct.headers.multi_items() == routed.headers.multi_items() and direct.content == routed.content


def _fail(*args: object, **kwargs: object) -> None:
    raise RuntimeError("the engine broke")


async def _endpoint(request: Request) -> Response:
    return Response()


def test_only_fixed_paths_the_router_would_pick_are_served_directly() -> None:
    direct_a = DirectRoute("/a", _endpoint, methods=["POST"])
    plain_b = APIRoute("/b", _endpoint, methods=["POST"])  # the router picks this one for POST /b
    direct_b = DirectRoute("/b", _endpoint, methods=["POST", "PUT"])
    with_parameter = DirectRoute("/items/{item_id}", _endpoint, methods=["POST"])
    assert direct_routes([direct_a, plain_b, direct_b, with_parameter]) == {("POST", "/a"): direct_a, ("PUT", "/b"): direct_b}
