"""Loading a catalogue directory into memory, with every defect reported at once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from app.engine.errors import CatalogError
from app.engine.gcpause import gc_paused
from app.engine.model import CatalogMeta, CategoryFile, Entry, Localized
from app.engine.parse_cache import ParseCache

__all__ = ["Catalog", "load_catalog", "META_FILE"]

META_FILE = "catalog.yaml"
SCHEMA_NAME = "schema.json"  # the generated JSON Schema, not a category file
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Catalog:
    """A loaded catalogue: entries by id, categories, and a content version."""

    meta: CatalogMeta
    entries: dict[str, Entry]
    categories: dict[str, Localized]
    version: str
    files: dict[str, str] = field(default_factory=dict)  # entry id -> file name

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)


def load_catalog(directory: str | Path, *, parse_cache: Path | None = None) -> Catalog:
    """Load and validate every category file of ``directory`` (see ``_load_catalog``).

    ``parse_cache``: a directory where the parsed form of the YAML files is kept, so that loading them
    again unchanged reads JSON instead of parsing YAML (see ``app.engine.parse_cache``); the catalogue,
    and the problems reported, are the same with or without it.
    """
    cache = ParseCache(parse_cache, loader=_LOADER) if parse_cache is not None else None
    with gc_paused():
        return _load_catalog(directory, cache)


def _load_catalog(directory: str | Path, cache: ParseCache | None) -> Catalog:
    """Load and validate every ``*.yaml`` and ``*.json`` category file of ``directory``; raise CatalogError listing all defects."""
    root = Path(directory)
    if not root.is_dir():
        raise CatalogError(f"catalogue directory {str(root)!r} does not exist")
    problems: list[str] = []
    digest = hashlib.sha256()
    meta = _load_meta(root, problems, digest, cache)
    files: list[tuple[str, CategoryFile]] = []
    for path in sorted([*root.glob("*.yaml"), *root.glob("*.json")]):
        if path.name in (META_FILE, SCHEMA_NAME):
            continue
        raw = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + raw)
        parsed = _parse(path.name, raw, CategoryFile, problems, cache)
        if parsed is not None:
            files.append((path.name, parsed))
    if not files and not problems:
        problems.append(f"{root}: no category files (*.yaml, *.json) found")
    catalog = _assemble(meta, files, problems)
    if problems or catalog is None:
        raise CatalogError(f"catalogue {str(root)!r} is invalid", problems)
    return Catalog(
        meta=catalog[0],
        entries=catalog[1],
        categories=catalog[2],
        version=f"{catalog[0].version}+{digest.hexdigest()[:12]}",
        files=catalog[3],
    )


def _load_meta(root: Path, problems: list[str], digest: hashlib._Hash, cache: ParseCache | None) -> CatalogMeta | None:
    path = root / META_FILE
    if not path.is_file():
        problems.append(f"{META_FILE}: missing (it names the catalogue and its version)")
        return None
    raw = path.read_bytes()
    digest.update(raw)
    return _parse(META_FILE, raw, CatalogMeta, problems, cache)


def _parse(name: str, raw: bytes, model: type, problems: list[str], cache: ParseCache | None):  # noqa: ANN202
    try:
        # Category files are YAML (reviewed by people) or JSON (generated, and much faster to parse).
        data = json.loads(raw) if name.endswith(".json") else _parse_yaml(raw, cache)
    except (yaml.YAMLError, ValueError) as exc:
        problems.append(f"{name}: not valid {'JSON' if name.endswith('.json') else 'YAML'}: {exc}")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(f"{name}: {_locate(data, err['loc'])}: {err['msg']}" for err in exc.errors())
        return None


def _parse_yaml(raw: bytes, cache: ParseCache | None) -> object:
    return cache.load(raw) if cache is not None else yaml.load(raw, Loader=_LOADER)  # noqa: S506


def _locate(data: object, loc: tuple) -> str:
    """Turn a pydantic error location into 'entry <id>, field a.b' when it points into an entry."""
    if len(loc) >= 2 and loc[0] == "entries" and isinstance(loc[1], int) and isinstance(data, dict):
        entries = data.get("entries") or []
        entry_id = entries[loc[1]].get("id", f"#{loc[1]}") if loc[1] < len(entries) and isinstance(entries[loc[1]], dict) else f"#{loc[1]}"
        rest = ".".join(str(p) for p in loc[2:]) or "(entry)"
        return f"entry {entry_id!r}, field {rest}"
    return "field " + (".".join(str(p) for p in loc) or "(document)")


def _assemble(meta, files, problems):  # noqa: ANN001, ANN202
    entries: dict[str, Entry] = {}
    where: dict[str, str] = {}
    categories: dict[str, Localized] = {}
    for name, cat in files:
        if cat.category in categories:
            problems.append(f"{name}: category {cat.category!r} is already defined in another file")
        categories[cat.category] = cat.title
        for entry in cat.entries:
            if entry.id in entries:
                problems.append(f"{name}: entry {entry.id!r}: duplicate id (also in {where[entry.id]})")
                continue
            entries[entry.id] = entry
            where[entry.id] = name
    for entry_id, entry in entries.items():
        for rel in entry.related:
            if rel not in entries:
                problems.append(f"{where[entry_id]}: entry {entry_id!r}, field related: unknown id {rel!r}")
    if meta is None:
        return None
    return meta, entries, categories, where
