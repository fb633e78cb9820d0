"""POST /v1/triage and the tracker webhooks through the real app: signatures, replays, formats, bad input."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from conftest import make_client
from fastapi.testclient import TestClient
from pydantic import ValidationError
from support import DATA

from app.settings import Settings

SECRET = "3f9c1e7a5b2d4c6e8f0a1b2c3d4e5f60"
SAMPLES = DATA / "triage"
AGENT = "Could not communicate with the VM agent for snapshot status."
VHD = "Copying VHDs from backup vault timed out"


def _sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _delivery(source: str, body: bytes, delivery: str) -> dict[str, str]:
    """The headers each tracker sends with a delivery, signed with the shared secret."""
    headers = {"Content-Type": "application/json"}
    if source == "github":
        return headers | {"User-Agent": "GitHub-Hookshot/7c2d1e3", "X-GitHub-Event": "issues", "X-GitHub-Delivery": delivery,
                          "X-GitHub-Hook-ID": "512004477", "X-Hub-Signature-256": _sign(body)}
    headers["X-Errdiag-Signature"] = _sign(body)
    if source == "jira":
        return headers | {"User-Agent": "Atlassian Webhook HTTP Client", "X-Atlassian-Webhook-Identifier": delivery}
    if source == "zendesk":
        return headers | {"User-Agent": "Zendesk Webhook", "X-Zendesk-Webhook-Id": "01F1KRFQ6BG29CNWFR60NK5FNY",
                          "X-Zendesk-Webhook-Invocation-Id": delivery}
    return headers | {"Idempotency-Key": delivery}  # ServiceNow: the REST message sets it


SAMPLE_CASES = [
    ("jira-issue-created-wiki.json", "jira", "OPS-1287", "snapshot.fs-freeze-failed", "en", "P2", "backup-operations"),
    ("jira-issue-updated-adf.json", "jira", "OPS-1302", "snapshot.vss-writer-bad-state", "fr", "P2", "backup-operations"),
    ("servicenow-incident.json", "servicenow", "INC0012345", "vm-agent.status-unavailable", "en", "P2", "compute-operations"),
    ("zendesk-ticket-created.json", "zendesk", "35436", "restore.subnet-not-found", "en", "P1", "backup-operations"),
    ("github-issues-opened.json", "github", "contoso/platform-infra#482", "vm-state.restore-point-collection-limit", "en", "P3", "compute-operations"),
]


@pytest.fixture(scope="module")
def signed() -> Iterator[TestClient]:
    with make_client(webhook_secret=SECRET) as c:
        yield c


def _processed(client: TestClient, source: str) -> int:
    return client.app.state.triage.processed[source]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "source", "ticket_id", "entry_id", "lang", "priority", "group"), SAMPLE_CASES)
def test_each_tracker_sample_posted_as_sent_is_triaged(
    signed: TestClient, name: str, source: str, ticket_id: str, entry_id: str, lang: str, priority: str, group: str,
) -> None:
    body = (SAMPLES / name).read_bytes()
    before = _processed(signed, source)
    response = signed.post(f"/v1/triage/{source}", content=body, headers=_delivery(source, body, f"first-{name}"))
    assert response.status_code == 200, response.text
    result = response.json()
    category = entry_id.split(".")[0]
    assert (result["ticket_id"], result["matched"], result["lang"]) == (ticket_id, True, lang)
    assert result["labels"][:2] == [f"errdiag:{category}", f"errdiag:{entry_id}"] and f"errdiag:lang-{lang}" in result["labels"]
    assert (result["priority"], result["assignment_group"]) == (priority, group)
    assert [e["diagnosis"]["entry_id"] for e in result["errors"]] == [entry_id]
    comment = result["comment"]
    assert f"`{entry_id}`" in comment and "\n### " in comment and "\n1. " in comment and "](https://" in comment
    assert ("Que faire" if lang == "fr" else "What to do") in comment
    assert _processed(signed, source) == before + 1


def test_a_replayed_delivery_answers_the_same_and_is_counted_once(signed: TestClient) -> None:
    body = (SAMPLES / "github-issues-opened.json").read_bytes()
    headers = _delivery("github", body, "72d3162e-cc78-11e3-81ab-4c9367dc0958")
    before = _processed(signed, "github")
    first = signed.post("/v1/triage/github", content=body, headers=headers)
    again = signed.post("/v1/triage/github", content=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    as_text = signed.post("/v1/triage/github?format=text", content=body, headers=headers)
    assert as_text.headers["Idempotent-Replayed"] == "true" and "vm-state.restore-point-collection-limit" in as_text.text
    assert _processed(signed, "github") == before + 1
    assert signed.app.state.triage.replayed["github"] >= 2  # type: ignore[attr-defined]


def test_idempotency_key_wins_over_the_delivery_id_and_refuses_another_body(signed: TestClient) -> None:
    body = json.dumps({"id": "T-9", "title": "Backup", "body": f"> {AGENT}"}).encode()
    headers = {"Content-Type": "application/json", "X-Errdiag-Signature": _sign(body), "Idempotency-Key": "ticket-T-9-v1"}
    assert signed.post("/v1/triage", content=body, headers=headers).status_code == 200
    other = body.replace(b"T-9", b"T-10")
    response = signed.post("/v1/triage", content=other, headers=headers | {"X-Errdiag-Signature": _sign(other)})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_an_unsigned_delivery_gets_401_and_nothing_else(signed: TestClient) -> None:
    body = (SAMPLES / "zendesk-ticket-created.json").read_bytes()
    headers = _delivery("zendesk", body, "8350205582")
    del headers["X-Errdiag-Signature"]
    before = _processed(signed, "zendesk")
    response = signed.post("/v1/triage/zendesk", content=body, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "invalid_signature", "message": response.json()["error"]["message"]}}
    assert "X-Errdiag-Signature" in response.json()["error"]["message"] and "WWW-Authenticate" in response.headers
    assert _processed(signed, "zendesk") == before
    signed_again = signed.post("/v1/triage/zendesk", content=body, headers=_delivery("zendesk", body, "8350205582"))
    assert signed_again.status_code == 200 and "Idempotent-Replayed" not in signed_again.headers  # the refusal stored nothing


@pytest.mark.parametrize("wrong", ["secret", "body", "header", "scheme"])
def test_a_wrong_signature_gets_401(signed: TestClient, wrong: str) -> None:
    body = (SAMPLES / "github-issues-opened.json").read_bytes()
    headers = _delivery("github", body, f"wrong-{wrong}")
    if wrong == "secret":
        headers["X-Hub-Signature-256"] = _sign(body, "another-secret-of-32-characters!")
    elif wrong == "body":
        headers["X-Hub-Signature-256"] = _sign(body + b" ")
    elif wrong == "header":  # GitHub's endpoint reads GitHub's header only
        headers["X-Errdiag-Signature"] = headers.pop("X-Hub-Signature-256")
    else:
        headers["X-Hub-Signature-256"] = "sha1=" + hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
    before = _processed(signed, "github")
    response = signed.post("/v1/triage/github", content=body, headers=headers)
    assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_signature"
    assert _processed(signed, "github") == before


def test_the_trackers_own_signatures_are_accepted(signed: TestClient) -> None:
    jira = (SAMPLES / "jira-issue-created-wiki.json").read_bytes()
    headers = _delivery("jira", jira, "jira-native") | {"X-Hub-Signature": _sign(jira)}
    del headers["X-Errdiag-Signature"]
    assert signed.post("/v1/triage/jira", content=jira, headers=headers).status_code == 200
    zendesk = (SAMPLES / "zendesk-ticket-created.json").read_bytes()
    timestamp = "2026-11-24T10:31:07Z"
    digest = base64.b64encode(hmac.new(SECRET.encode(), timestamp.encode() + zendesk, hashlib.sha256).digest()).decode()
    headers = _delivery("zendesk", zendesk, "zendesk-native") | {"X-Zendesk-Webhook-Signature": digest, "X-Zendesk-Webhook-Signature-Timestamp": timestamp}
    del headers["X-Errdiag-Signature"]
    assert signed.post("/v1/triage/zendesk", content=zendesk, headers=headers).status_code == 200
    headers["X-Zendesk-Webhook-Signature-Timestamp"] = "2026-11-24T10:31:08Z"  # the signed timestamp was changed
    assert signed.post("/v1/triage/zendesk", content=zendesk, headers=headers | {"X-Zendesk-Webhook-Invocation-Id": "z-2"}).status_code == 401


def test_without_a_secret_unsigned_tickets_are_accepted(client: TestClient) -> None:
    response = client.post("/v1/triage", json={"id": 1, "title": "Backup", "body": f"> {AGENT}"})
    assert response.status_code == 200 and response.json()["matched"] is True


def test_a_ticket_quoting_two_errors_gets_both(client: TestClient) -> None:
    ticket = {"id": "T-2", "title": "Two VMs fail", "body": f"vm-a:\n\n> {AGENT}\n\nvm-b:\n\n```\n{VHD}\n```", "source": "email"}
    result = client.post("/v1/triage", json=ticket).json()
    assert [e["diagnosis"]["entry_id"] for e in result["errors"]] == ["backup.vm-agent-unreachable", "backup.vhd-copy-timeout"]
    assert {"errdiag:backup.vm-agent-unreachable", "errdiag:backup.vhd-copy-timeout"} <= set(result["labels"])
    assert "### 1. " in result["comment"] and "### 2. " in result["comment"] and result["source"] == "email"


def test_a_ticket_without_a_known_error_is_not_an_error(client: TestClient) -> None:
    response = client.post("/v1/triage", json={"id": "T-3", "title": "Printer broken", "body": "It prints blank pages since Monday."})
    assert response.status_code == 200
    result = response.json()
    assert (result["matched"], result["labels"], result["priority"], result["comment"]) == (False, [], None, "")
    assert "No known Azure Backup error" in client.post("/v1/triage?format=markdown", json={"title": "Printer broken"}).text


def test_a_100_kb_ticket_answers(client: TestClient) -> None:
    prose = " ".join(f"Line {i}: the weekly backup window of server {i} was moved after the network change." for i in range(1300))
    body = f"{prose}\n\nThe last job said:\n\n> {AGENT}\n"
    assert len(body.encode()) > 100_000
    response = client.post("/v1/triage", json={"id": "BIG", "title": "Long ticket", "body": body})
    assert response.status_code == 200 and response.json()["labels"][1] == "errdiag:backup.vm-agent-unreachable"


def test_plain_text_and_markdown_answers(client: TestClient) -> None:
    ticket = {"id": "T-4", "title": "Backup", "body": f"> {AGENT}"}
    text = client.post("/v1/triage", json=ticket, headers={"Accept": "text/plain"})
    assert text.headers["content-type"].startswith("text/plain")
    assert text.text.startswith("Ticket      T-4 (generic)") and "Labels" in text.text and "1. " in text.text
    markdown = client.post("/v1/triage?format=markdown", json=ticket)
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text == client.post("/v1/triage", json=ticket).json()["comment"]


def test_a_plain_text_ticket(client: TestClient) -> None:
    response = client.post("/v1/triage", content=f"Backup fails:\n\n> {AGENT}".encode(), headers={"Content-Type": "text/plain"})
    assert response.json()["labels"][1] == "errdiag:backup.vm-agent-unreachable"


def test_github_ping_and_other_events_are_accepted_but_not_triaged(signed: TestClient) -> None:
    body = json.dumps({"zen": "Design for failure.", "hook_id": 512004477}).encode()
    before = _processed(signed, "github")
    response = signed.post("/v1/triage/github", content=body, headers={
        "Content-Type": "application/json", "X-GitHub-Event": "ping", "X-GitHub-Delivery": "ping-1", "X-Hub-Signature-256": _sign(body)})
    assert response.status_code == 202 and response.json()["ignored"] is True
    assert _processed(signed, "github") == before


def test_github_form_encoded_delivery(signed: TestClient) -> None:
    payload = (SAMPLES / "github-issues-opened.json").read_text(encoding="utf-8")
    body = urlencode({"payload": payload}).encode()
    headers = _delivery("github", body, "form-1") | {"Content-Type": "application/x-www-form-urlencoded"}
    response = signed.post("/v1/triage/github", content=body, headers=headers)
    assert response.status_code == 200 and response.json()["ticket_id"] == "contoso/platform-infra#482"


@pytest.mark.parametrize(("path", "body", "headers", "status", "code"), [
    ("/v1/triage/jira", b"{not json", {"Content-Type": "application/json"}, 400, "invalid_json"),
    ("/v1/triage/jira", b"<issue/>", {"Content-Type": "application/xml"}, 415, "unsupported_media_type"),
    ("/v1/triage/jira", b'{"webhookEvent": "jira:issue_created"}', {"Content-Type": "application/json"}, 422, "invalid_ticket"),
    ("/v1/triage", b'{"title": "x", "description": "wrong field"}', {"Content-Type": "application/json"}, 422, "invalid_ticket"),
    ("/v1/triage", b'{"title": "x"}', {"Content-Type": "application/json", "Idempotency-Key": "k" * 300}, 400, "invalid_idempotency_key"),
])
def test_bad_deliveries_get_a_clear_4xx(client: TestClient, path: str, body: bytes, headers: dict, status: int, code: str) -> None:
    response = client.post(path, content=body, headers=headers)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_priorities_and_groups_come_from_the_settings() -> None:
    body = (SAMPLES / "github-issues-opened.json").read_bytes()
    with make_client(priorities={"vm-state": "Sev2"}, assignment_groups={}, default_assignment_group="platform-team") as custom:
        result = custom.post("/v1/triage/github", content=body, headers={"Content-Type": "application/json", "X-GitHub-Event": "issues"}).json()
    assert (result["priority"], result["assignment_group"]) == ("Sev2", "platform-team")


def test_settings_read_json_maps_and_refuse_weak_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ERRDIAG_PRIORITIES", '{"restore": "Highest"}')
    assert Settings(_env_file=None).priorities == {"restore": "Highest"}  # type: ignore[call-arg]
    monkeypatch.setenv("ERRDIAG_PRIORITIES", "restore=P1")
    with pytest.raises(ValidationError, match="JSON object"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.delenv("ERRDIAG_PRIORITIES")
    monkeypatch.setenv("ERRDIAG_WEBHOOK_SECRET", "short")
    with pytest.raises(ValidationError, match="16 characters"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.setenv("ERRDIAG_WEBHOOK_SECRET", "")
    assert Settings(_env_file=None).webhook_secret is None  # type: ignore[call-arg]
