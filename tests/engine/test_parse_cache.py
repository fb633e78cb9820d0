"""The parse cache: an unchanged YAML file is read back from JSON, and nothing a load returns or reports changes."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
import yaml
from support import CATALOG_DIR

import app.engine.parse_cache as parse_cache_module
from app.engine import Catalog, CatalogError, load_catalog
from app.engine.catalog import _LOADER
from app.engine.parse_cache import ParseCache, _same

YAML_FILES = len(list(CATALOG_DIR.glob("*.yaml")))


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, target)
    return target


def _forbid_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, parsing YAML fails the test: what loads must come from the cache."""
    monkeypatch.setattr(yaml, "load", lambda *args, **kwargs: pytest.fail("YAML was parsed"))


def _same_catalogue(a: Catalog, b: Catalog) -> bool:
    return (a.meta, a.entries, a.categories, a.version, a.files) == (b.meta, b.entries, b.categories, b.version, b.files)


def _problems(directory: Path, cache: Path | None) -> str:
    with pytest.raises(CatalogError) as info:
        load_catalog(directory, parse_cache=cache)
    return str(info.value)


def test_an_unchanged_catalogue_is_read_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    plain = load_catalog(CATALOG_DIR)
    first = load_catalog(CATALOG_DIR, parse_cache=cache)
    assert len(list(cache.glob("*.json"))) == YAML_FILES
    _forbid_yaml(monkeypatch)
    second = load_catalog(CATALOG_DIR, parse_cache=cache)
    assert _same_catalogue(first, plain) and _same_catalogue(second, plain)


def test_a_changed_file_is_parsed_again(catalog_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = load_catalog(catalog_copy, parse_cache=cache)
    path = catalog_copy / "jobs.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('en: "Jobs"', 'en: "Backup jobs"'), encoding="utf-8")
    after = load_catalog(catalog_copy, parse_cache=cache)
    assert before.categories["jobs"].en == "Jobs" and after.categories["jobs"].en == "Backup jobs"
    assert after.version != before.version and len(list(cache.glob("*.json"))) == YAML_FILES + 1


@pytest.mark.parametrize("damage", [b"", b'{"category": "jo', b"\xff\xfe not json", b"[1, 2"])
def test_a_damaged_cache_file_is_a_miss_and_is_written_again(tmp_path: Path, damage: bytes) -> None:
    cache = tmp_path / "cache"
    expected = load_catalog(CATALOG_DIR, parse_cache=cache)
    files = sorted(cache.glob("*.json"))
    for path in files:
        path.write_bytes(damage)
    assert _same_catalogue(load_catalog(CATALOG_DIR, parse_cache=cache), expected)
    assert sorted(cache.glob("*.json")) == files and all(path.read_bytes() != damage for path in files)


def test_an_unwritable_cache_directory_only_means_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    catalog = load_catalog(CATALOG_DIR, parse_cache=blocker / "cache")
    assert _same_catalogue(catalog, load_catalog(CATALOG_DIR))


def test_invalid_yaml_is_reported_as_without_the_cache(catalog_copy: Path, tmp_path: Path) -> None:
    (catalog_copy / "policy.yaml").write_text("entries: [unclosed\n", encoding="utf-8")
    cache = tmp_path / "cache"
    without = _problems(catalog_copy, None)
    assert "policy.yaml: not valid YAML" in without
    assert _problems(catalog_copy, cache) == without == _problems(catalog_copy, cache)


def test_a_value_json_cannot_keep_is_parsed_every_time_with_the_same_problems(catalog_copy: Path, tmp_path: Path) -> None:
    meta = catalog_copy / "catalog.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace('version: "2026.11"', "version: 2026-11-01"), encoding="utf-8")
    cache = tmp_path / "cache"
    without = _problems(catalog_copy, None)
    assert "catalog.yaml: field version" in without
    assert _problems(catalog_copy, cache) == without
    assert len(list(cache.glob("*.json"))) == YAML_FILES - 1  # every file but the one holding a date


@pytest.mark.parametrize("text", [
    "{1: a}", "when: 2026-11-01", "at: 2026-11-01 10:00:00", "!!set {a, b}", "x: .nan", "x: .inf", "!!binary aGVsbG8=",
    "&a [*a]", "[[1], {3: c}]",
])
def test_documents_json_would_change_are_not_kept(tmp_path: Path, text: str) -> None:
    cache = ParseCache(tmp_path, loader=_LOADER)
    expected = yaml.load(text, Loader=_LOADER)  # noqa: S506
    loaded = cache.load(text.encode())
    assert type(loaded) is type(expected) and repr(loaded) == repr(expected)  # NaN is not equal to itself, nor is a recursive list
    assert list(tmp_path.iterdir()) == []


def test_a_kept_document_comes_back_with_its_types(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = ParseCache(tmp_path, loader=_LOADER)
    raw = "flags: [true, 1, 1.0, null, '1', é]".encode()
    assert cache.load(raw) == {"flags": [True, 1, 1.0, None, "1", "é"]}
    _forbid_yaml(monkeypatch)
    flags = cache.load(raw)["flags"]  # type: ignore[index]
    assert flags == [True, 1, 1.0, None, "1", "é"] and [type(value) for value in flags] == [bool, int, float, type(None), str, str]


def test_same_tells_types_apart() -> None:
    assert _same({"a": [1, True, 1.0, "x", None]}, {"a": [1, True, 1.0, "x", None]})
    assert not _same(True, 1) and not _same(1, 1.0) and not _same(1, True)
    assert not _same({"a": [1]}, {"a": [1.0]}) and not _same({1: "a"}, {"1": "a"}) and not _same([1, 2], [1])


def test_cache_files_are_readable_by_other_users(tmp_path: Path) -> None:
    """An image fills the cache at build time, as root, for the user it runs as."""
    previous = os.umask(0o022)
    try:
        ParseCache(tmp_path, loader=_LOADER).load(b"a: 1")
    finally:
        os.umask(previous)
    [path] = tmp_path.iterdir()
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_the_directory_keeps_the_newest_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_cache_module, "MAX_FILES", 2)
    cache = ParseCache(tmp_path, loader=_LOADER)
    written = []
    for n in range(3):
        cache.load(f"n: {n}".encode())
        [new] = set(tmp_path.iterdir()) - set(written)
        os.utime(new, ns=(n * 10**9, n * 10**9))  # written in this order, whatever the clock's resolution
        written.append(new)
    assert sorted(tmp_path.iterdir()) == sorted(written[1:])
