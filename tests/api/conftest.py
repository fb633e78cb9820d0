from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from support import CATALOG_DIR

from app.api.app import create_app
from app.settings import Settings


def make_client(**overrides: object) -> TestClient:
    settings = Settings(_env_file=None, **{"catalog_dir": CATALOG_DIR, **overrides})  # type: ignore[call-arg, arg-type]
    return TestClient(create_app(settings))


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with make_client() as c:
        yield c
