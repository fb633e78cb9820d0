"""Helpers for the API tests: reading Prometheus samples, editing a copy of the catalogue."""

from __future__ import annotations

import shutil
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from support import CATALOG_DIR

__all__ = ["metric_value", "copy_catalog", "break_an_example", "touch_catalog", "KEY", "OTHER_KEY"]

KEY = "test-key-0123456789abcdef"
OTHER_KEY = "other-key-fedcba9876543210"
_AN_EXAMPLE = "vm-sql-02: Could not perform the operation as VM no longer exists."


def metric_value(exposition: str, sample_name: str, **labels: str) -> float | None:
    """The value of the sample ``sample_name`` whose labels include ``labels``, or None."""
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == sample_name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return None


def copy_catalog(target: Path) -> Path:
    """A copy of the bundled catalogue's YAML files in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for path in CATALOG_DIR.glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


def touch_catalog(directory: Path, marker: str) -> None:
    """A valid edit that changes the catalogue's version."""
    with (directory / "backup.yaml").open("a", encoding="utf-8") as handle:
        handle.write(f"\n# edit {marker}\n")


def break_an_example(directory: Path) -> None:
    """An edit that passes the schema but fails the examples check."""
    path = directory / "backup.yaml"
    text = path.read_text(encoding="utf-8")
    assert _AN_EXAMPLE in text
    path.write_text(text.replace(_AN_EXAMPLE, "vm-sql-02: the weather is fine today and nothing failed."), encoding="utf-8")
