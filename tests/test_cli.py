"""The ``errdiag`` command."""

from __future__ import annotations

from pathlib import Path

from support import CATALOG_DIR
from typer.testing import CliRunner

from app.cli import cli


def test_catalog_check_fills_the_parse_cache(tmp_path: Path) -> None:
    """What the image's build runs so that the service starts on a warm cache (see the Dockerfile)."""
    cache = tmp_path / "cache"
    result = CliRunner().invoke(cli, ["catalog", "check", str(CATALOG_DIR)], env={"ERRDIAG_PARSE_CACHE_DIR": str(cache)})
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")
    assert len(list(cache.glob("*.json"))) == len(list(CATALOG_DIR.glob("*.yaml")))
