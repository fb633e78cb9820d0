"""Catalogue reloads: admin endpoint, SIGHUP, file watcher; validated off the loop, swapped atomically."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from api_support import KEY, break_an_example, copy_catalog, metric_value, touch_catalog
from conftest import make_client
from fastapi import FastAPI

import app.engine.engine as engine_module
from app.api.app import CATALOG_VERSION_HEADER, create_app
from app.api.reload import catalog_fingerprint
from app.settings import Settings

AUTH = {"Authorization": f"Bearer {KEY}"}
RELOAD = "/v1/admin/reload"


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    return copy_catalog(tmp_path / "catalog")


def test_reload_swaps_in_a_changed_catalogue(catalog: Path) -> None:
    with make_client(catalog_dir=catalog, api_keys=[KEY]) as client:
        before = client.get("/readyz").json()["version"]
        assert client.post(RELOAD, headers=AUTH).json()["changed"] is False
        touch_catalog(catalog, "1")
        report = client.post(RELOAD, headers=AUTH).json()
        after = client.get("/v1/diagnose", params={"q": "UserErrorFsFreezeFailed"})
        metrics = client.get("/metrics").text
    assert report["changed"] is True and report["previous_version"] == before and report["version"] != before
    assert report["entries"] == 100 and report["duration_ms"] > 0
    assert after.json()["catalog"]["version"] == report["version"] == after.headers[CATALOG_VERSION_HEADER]
    assert metric_value(metrics, "errdiag_catalog_reloads_total", trigger="api", result="ok") == 2
    assert metric_value(metrics, "errdiag_catalog_info", version=report["version"]) == 1


@pytest.mark.parametrize("breakage", ["example", "yaml", "missing"])
def test_an_invalid_catalogue_is_refused_and_the_old_one_serves(catalog: Path, breakage: str, caplog: pytest.LogCaptureFixture) -> None:
    with make_client(catalog_dir=catalog, api_keys=[KEY]) as client:
        before = client.get("/readyz").json()["version"]
        if breakage == "example":
            break_an_example(catalog)
        elif breakage == "yaml":
            (catalog / "backup.yaml").write_text("entries: [unclosed\n", encoding="utf-8")
        else:
            for path in catalog.glob("*.yaml"):
                path.unlink()
        response = client.post(RELOAD, headers=AUTH)
        still = client.get("/v1/diagnose", params={"q": "UserErrorFsFreezeFailed"})
        metrics = client.get("/metrics").text
    error = response.json()["error"]
    assert response.status_code == 422 and error["code"] == "catalog_invalid"
    assert error["problems"] and error["version"] == before
    assert str(catalog) not in response.text and str(catalog.parent) not in response.text
    if breakage == "example":
        assert "backup.yaml" in error["problems"][0] and "backup.vm-no-longer-exists" in error["problems"][0]
    assert still.status_code == 200 and still.json()["catalog"]["version"] == before
    assert metric_value(metrics, "errdiag_catalog_reload_failures_total", trigger="api") == 1
    assert any(r.name == "errdiag.reload" and r.levelno == logging.ERROR for r in caplog.records)


def test_a_request_in_flight_finishes_on_the_catalogue_it_started_with(catalog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entered, release = threading.Event(), threading.Event()
    original = engine_module.diagnose

    def held_diagnose(index, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        entered.set()
        assert release.wait(30)
        return original(index, *args, **kwargs)

    log = ("INFO nothing\n" * 2000) + "ERROR UserErrorFsFreezeFailed\n"  # long: matched in a worker thread
    answers: list[httpx.Response] = []
    with make_client(catalog_dir=catalog, api_keys=[KEY]) as client:
        before = client.get("/readyz").json()["version"]
        monkeypatch.setattr(engine_module, "diagnose", held_diagnose)
        in_flight = threading.Thread(target=lambda: answers.append(client.post("/v1/diagnose", content=log)))
        in_flight.start()
        assert entered.wait(30)
        touch_catalog(catalog, "in-flight")
        swapped = client.post(RELOAD, headers=AUTH).json()["version"]
        release.set()
        in_flight.join(30)
        monkeypatch.setattr(engine_module, "diagnose", original)
        next_answer = client.get("/v1/diagnose", params={"q": "UserErrorFsFreezeFailed"})
    [answer] = answers
    assert swapped != before
    assert answer.json()["catalog"]["version"] == before == answer.headers[CATALOG_VERSION_HEADER]
    assert answer.json()["diagnosis"]["entry_id"] == "snapshot.fs-freeze-failed"
    assert next_answer.json()["catalog"]["version"] == swapped


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The app's real lifespan in this (main) thread's loop, and a client to it."""
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://errdiag.test") as client:
            yield client


def _settings(catalog: Path, **overrides: object) -> Settings:
    return Settings(_env_file=None, catalog_dir=catalog, **overrides)  # type: ignore[arg-type]


def test_sighup_reloads(catalog: Path) -> None:
    app = create_app(_settings(catalog))

    async def scenario() -> tuple[str, str]:
        async with serving(app) as client:
            reloader = app.state.reloader
            if not reloader.listening:
                pytest.skip("signals cannot be handled here")
            before = (await client.get("/readyz")).json()["version"]
            touch_catalog(catalog, "hup")
            os.kill(os.getpid(), signal.SIGHUP)
            await asyncio.wait_for(reloader.wait_for_attempts(1), 30)
            return before, (await client.get("/readyz")).json()["version"]

    before, after = asyncio.run(scenario())
    assert after != before


def test_watcher_reloads_valid_changes_and_refuses_invalid_ones(catalog: Path) -> None:
    app = create_app(_settings(catalog, watch_catalog=True, watch_interval_seconds=0.1))

    async def scenario() -> tuple[str, str, str, str]:
        async with serving(app) as client:
            reloader = app.state.reloader
            first = (await client.get("/readyz")).json()["version"]
            touch_catalog(catalog, "watch")
            await asyncio.wait_for(reloader.wait_for_attempts(1), 30)
            second = (await client.get("/readyz")).json()["version"]
            break_an_example(catalog)
            await asyncio.wait_for(reloader.wait_for_attempts(2), 30)
            third = (await client.get("/readyz")).json()["version"]
            return first, second, third, (await client.get("/metrics")).text

    first, second, third, metrics = asyncio.run(scenario())
    assert second != first and third == second
    assert metric_value(metrics, "errdiag_catalog_reloads_total", trigger="watch", result="ok") == 1
    assert metric_value(metrics, "errdiag_catalog_reload_failures_total", trigger="watch") == 1


def test_concurrent_reloads_are_serialised(catalog: Path) -> None:
    app = create_app(_settings(catalog, api_keys=[KEY]))

    async def scenario() -> list[int]:
        async with serving(app) as client:
            touch_catalog(catalog, "together")
            answers = await asyncio.gather(*(client.post(RELOAD, headers=AUTH) for _ in range(3)))
            return [a.json()["changed"] for a in answers]

    assert sorted(asyncio.run(scenario())) == [False, False, True]


def test_fingerprint_follows_configmap_symlink_swaps(tmp_path: Path) -> None:
    """A ConfigMap volume: files are links through ``..data``, which the kubelet swaps atomically."""
    for version in ("..v1", "..v2"):
        (tmp_path / version).mkdir()
        (tmp_path / version / "backup.yaml").write_text(f"# {version}\n", encoding="utf-8")
    (tmp_path / "..data").symlink_to("..v1")
    (tmp_path / "backup.yaml").symlink_to("..data/backup.yaml")
    before = catalog_fingerprint(tmp_path)
    (tmp_path / "..data_tmp").symlink_to("..v2")
    os.replace(tmp_path / "..data_tmp", tmp_path / "..data")
    assert catalog_fingerprint(tmp_path) != before
    assert catalog_fingerprint(tmp_path / "missing") != before


@pytest.mark.parametrize("enabled", [True, False])
def test_start_up_and_reloads_keep_parsed_files_where_the_settings_say(catalog: Path, tmp_path: Path, enabled: bool) -> None:
    cache = tmp_path / "parse-cache"
    with make_client(catalog_dir=catalog, api_keys=[KEY], parse_cache_dir=cache, parse_cache=enabled) as client:
        started = sorted(cache.glob("*.json"))
        touch_catalog(catalog, "1")
        assert client.post(RELOAD, headers=AUTH).json()["changed"] is True
    if enabled:
        assert len(started) == len(list(catalog.glob("*.yaml")))
        assert set(started) < set(cache.glob("*.json")) and len(list(cache.glob("*.json"))) == len(started) + 1
    else:
        assert not cache.exists()
