"""Test configuration: make tests/support.py importable as ``support``; keep parsed catalogue files out of the user's cache."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(autouse=True, scope="session")
def _session_parse_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Services and commands started by the tests keep parsed catalogue files in the session's directory."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ERRDIAG_PARSE_CACHE_DIR", str(tmp_path_factory.mktemp("parse-cache")))
        yield
