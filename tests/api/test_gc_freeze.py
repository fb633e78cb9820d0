"""The served app puts its catalogue out of the garbage collector's reach; a reload releases the old one."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from api_support import copy_catalog
from fastapi.testclient import TestClient
from support import CATALOG_DIR

from app.api.app import SERVED_GEN0_THRESHOLD, create_app
from app.settings import Settings


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.collect()


def _settings(**overrides: object) -> Settings:
    return Settings(_env_file=None, **{"catalog_dir": CATALOG_DIR, **overrides})  # type: ignore[arg-type]


def test_an_app_built_for_tests_leaves_the_collector_alone() -> None:
    before, thresholds = gc.get_freeze_count(), gc.get_threshold()
    with TestClient(create_app(_settings())) as client:
        assert client.get("/readyz").status_code == 200
        assert gc.get_freeze_count() == before
        assert gc.get_threshold() == thresholds


@pytest.mark.usefixtures("unfrozen")
def test_the_served_app_collects_its_youngest_generation_less_often_while_it_serves() -> None:
    thresholds = gc.get_threshold()
    with TestClient(create_app(_settings(), freeze_gc=True)) as client:
        assert client.get("/readyz").status_code == 200
        assert gc.get_threshold() == (SERVED_GEN0_THRESHOLD, *thresholds[1:])
    assert gc.get_threshold() == thresholds  # restored when the app stops


@pytest.mark.usefixtures("unfrozen")
def test_the_served_app_freezes_its_catalogue_and_a_reload_releases_the_old_one(tmp_path) -> None:  # noqa: ANN001
    key = "k" * 32
    app = create_app(_settings(catalog_dir=copy_catalog(tmp_path), api_keys=key), freeze_gc=True)
    with TestClient(app) as client:
        assert gc.get_freeze_count() > 0
        old = weakref.ref(app.state.engine.index)
        answer = client.post("/v1/admin/reload", headers={"Authorization": f"Bearer {key}"})
        assert answer.status_code == 200, answer.text
        assert app.state.engine.index is not old()
        gc.collect()
        assert old() is None  # unfrozen and collected, not kept in the permanent generation
        assert gc.get_freeze_count() > 0
