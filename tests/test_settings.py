"""Settings computed rather than read: where the parse cache goes, and how it is turned off."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.settings import Settings


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in ("ERRDIAG_PARSE_CACHE", "ERRDIAG_PARSE_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return monkeypatch


def test_the_parse_cache_is_in_the_user_cache_directory_by_default(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert Settings(_env_file=None).parse_cache_path == tmp_path / "home" / ".cache" / "errdiag"
    env.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert Settings(_env_file=None).parse_cache_path == tmp_path / "xdg" / "errdiag"
    env.setenv("XDG_CACHE_HOME", "relative/cache")  # invalid for the XDG specification: ignored
    assert Settings(_env_file=None).parse_cache_path == tmp_path / "home" / ".cache" / "errdiag"


def test_the_parse_cache_can_be_moved_or_turned_off(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("ERRDIAG_PARSE_CACHE_DIR", str(tmp_path / "cache"))
    assert Settings(_env_file=None).parse_cache_path == tmp_path / "cache"
    env.setenv("ERRDIAG_PARSE_CACHE", "false")
    assert Settings(_env_file=None).parse_cache_path is None
    env.setenv("ERRDIAG_PARSE_CACHE", "true")
    env.setenv("ERRDIAG_PARSE_CACHE_DIR", "")
    assert Settings(_env_file=None).parse_cache_path is None
