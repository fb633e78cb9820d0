"""API keys: admin endpoints always need one; ERRDIAG_REQUIRE_API_KEY extends that to every /v1/ route."""

from __future__ import annotations

import logging

import pytest
from api_support import KEY, OTHER_KEY, metric_value
from conftest import make_client
from pydantic import SecretStr, ValidationError

from app.api.security import ApiKeys
from app.settings import Settings, describe_settings_error

RELOAD = "/v1/admin/reload"


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_admin_is_disabled_without_keys() -> None:
    with make_client() as client:
        response = client.post(RELOAD, headers=_bearer(KEY))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "admin_disabled"
    assert "ERRDIAG_API_KEYS" in response.json()["error"]["message"]


@pytest.mark.parametrize(("headers", "reason"), [
    ({}, "missing"),
    ({"Authorization": f"Basic {KEY}"}, "malformed"),
    ({"Authorization": "Bearer "}, "malformed"),
    (_bearer("not-the-key-0123456789"), "invalid"),
    (_bearer(KEY + "x"), "invalid"),
])
def test_admin_refuses_without_a_valid_key(headers: dict[str, str], reason: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="errdiag.auth")
    with make_client(api_keys=[KEY, OTHER_KEY]) as client:
        response = client.post(RELOAD, headers=headers)
        metrics = client.get("/metrics").text
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthorized", "message": response.json()["error"]["message"]}}
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert ('error="invalid_token"' in response.headers["www-authenticate"]) == (reason == "invalid")
    [refusal] = [r for r in caplog.records if r.name == "errdiag.auth"]
    assert refusal.reason == reason and refusal.path == RELOAD  # type: ignore[attr-defined]
    assert KEY not in caplog.text and "not-the-key" not in caplog.text
    assert metric_value(metrics, "errdiag_auth_failures_total", reason=reason) == 1


@pytest.mark.parametrize("key", [KEY, OTHER_KEY])
def test_admin_accepts_every_configured_key(key: str) -> None:
    with make_client(api_keys=[KEY, OTHER_KEY]) as client:
        assert client.post(RELOAD, headers=_bearer(key)).status_code == 200


def test_diagnosis_is_open_by_default_even_with_keys() -> None:
    with make_client(api_keys=[KEY]) as client:
        assert client.get("/v1/diagnose", params={"q": "UserErrorFsFreezeFailed"}).status_code == 200


def test_require_api_key_protects_every_v1_route_but_not_probes() -> None:
    with make_client(api_keys=[KEY], require_api_key=True) as client:
        refused = [
            client.get("/v1/diagnose", params={"q": "x"}),
            client.post("/v1/diagnose", json={"message": "x"}),
            client.post("/v1/diagnose/job", json={}),
            client.get("/v1/entries"),
            client.get("/v1/not-a-route"),
        ]
        assert [r.status_code for r in refused] == [401] * len(refused)
        assert all(r.json()["error"]["code"] == "unauthorized" and "WWW-Authenticate" in r.headers for r in refused)
        assert client.get("/v1/diagnose", params={"q": "x"}, headers=_bearer(KEY)).status_code == 200
        assert [client.get(p).status_code for p in ("/healthz", "/readyz", "/metrics")] == [200, 200, 200]
        metrics = client.get("/metrics").text
    # a refused request is counted under its route template, not as an unknown path
    assert metric_value(metrics, "errdiag_http_requests_total", method="GET", route="/v1/diagnose", status="401") == 1
    assert metric_value(metrics, "errdiag_http_requests_total", method="GET", route="unmatched", status="401") == 1


def test_cors_preflight_passes_without_a_key() -> None:
    with make_client(api_keys=[KEY], require_api_key=True, cors_origins=["https://portal.example.com"]) as client:
        response = client.options("/v1/diagnose", headers={
            "Origin": "https://portal.example.com", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        })
    assert response.status_code == 200
    assert "authorization" in response.headers["access-control-allow-headers"].lower()


def test_keys_compare_by_digest() -> None:
    keys = ApiKeys([SecretStr(KEY), SecretStr(OTHER_KEY)])
    assert keys.accepts(KEY) and keys.accepts(OTHER_KEY)
    assert not keys.accepts(KEY[:-1]) and not keys.accepts("") and not keys.accepts(KEY.upper())
    assert keys.refusal(f"bearer {KEY}") is None  # the scheme is case-insensitive
    assert not ApiKeys([])


@pytest.mark.parametrize(("overrides", "variable", "words"), [
    ({"api_keys": "short"}, "ERRDIAG_API_KEYS", "shorter than 16"),
    ({"require_api_key": True}, "ERRDIAG_REQUIRE_API_KEY", "ERRDIAG_API_KEYS"),
    ({"log_format": "xml"}, "ERRDIAG_LOG_FORMAT", "json"),
    ({"log_level": "LOUD"}, "ERRDIAG_LOG_LEVEL", "INFO"),
    ({"watch_interval_seconds": 0}, "ERRDIAG_WATCH_INTERVAL_SECONDS", "greater than"),
])
def test_wrong_settings_are_named(overrides: dict[str, object], variable: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **overrides)  # type: ignore[arg-type]
    [line] = describe_settings_error(caught.value)
    assert variable in line and words in line


def test_keys_are_split_and_hidden() -> None:
    settings = Settings(_env_file=None, api_keys=f" {KEY} ,{OTHER_KEY},")  # type: ignore[call-arg]
    assert [k.get_secret_value() for k in settings.api_keys] == [KEY, OTHER_KEY]
    assert KEY not in repr(settings) and KEY not in str(settings.model_dump())


def test_signed_webhooks_pass_the_key_requirement_on_their_signature() -> None:
    import hashlib
    import hmac

    from support import DATA

    secret = "a-webhook-secret-of-32-characters!!"
    body = (DATA / "triage" / "github-issues-opened.json").read_bytes()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "X-GitHub-Event": "issues", "X-GitHub-Delivery": "d-1"}
    with make_client(api_keys=[KEY], require_api_key=True, webhook_secret=secret) as client:
        assert client.post("/v1/triage/github", content=body, headers=headers | {"X-Hub-Signature-256": signature}).status_code == 200
        unsigned = client.post("/v1/triage/github", content=body, headers=headers | {"X-GitHub-Delivery": "d-2"})
        assert unsigned.status_code == 401 and unsigned.json()["error"]["code"] == "invalid_signature"
        assert client.post("/v1/diagnose", json={"message": "x"}).status_code == 401
