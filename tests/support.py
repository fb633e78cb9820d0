"""Shared helpers for the tests: the bundled catalogue, seed tables parsed from the source article."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from app.engine import Index, build_index, load_catalog

ROOT = Path(__file__).resolve().parent.parent
CATALOG_DIR = ROOT / "catalog"
DATA = Path(__file__).resolve().parent / "data"
SEED = DATA / "seed"


@cache
def bundled_index() -> Index:
    return build_index(load_catalog(CATALOG_DIR))


def seed_ids() -> dict[str, list[str]]:
    """entry-ids.md: table name -> ids in row order, and 'sections' -> section ids."""
    tables: dict[str, list[str]] = {}
    current = None
    for line in (SEED / "entry-ids.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            tables[current] = []
        elif current and line.startswith("| ") and "." in line.split("|")[1] and not line.startswith("| id"):
            tables[current].append(line.split("|")[1].strip())
    return tables


_TAG = re.compile(r"<[^>]+>")


def seed_rows() -> list[tuple[str, str]]:
    """(entry id, French error message) for every table row of the seed article, in order."""
    ids = [i for table, rows in seed_ids().items() if table.startswith("Table") for i in rows]
    messages = []
    for line in (SEED / "backup-azure-vms-troubleshoot.fr.md").read_text(encoding="utf-8").splitlines():
        cells = line.split("|")
        if len(cells) >= 4 and line.startswith("| ") and not line.startswith("| ---") and "Détails de l" not in line:
            messages.append(_TAG.sub(" ", cells[2]).strip())
    assert len(ids) == len(messages) == 28, (len(ids), len(messages))
    return list(zip(ids, messages, strict=True))


def english_rows() -> list[tuple[str, str]]:
    """(entry id, 2016 English message) from section 1 of the error-codes reference."""
    rows = []
    in_section = False
    for line in (SEED / "azure-backup-error-codes.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            in_section = line.startswith("## 1.")
        elif in_section and line.startswith("| `"):
            cells = [c.strip() for c in line.split("|")]
            rows.append((cells[1].strip("`"), cells[4]))
    return rows


def coded_rows() -> list[tuple[str, str]]:
    """(code, entry id) for every code that sections 2 and 4 map to a seed entry."""
    rows = []
    section = ""
    for line in (SEED / "azure-backup-error-codes.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:5]
        elif section in ("2.", "4.") and line.startswith("| `"):
            cells = [c.strip() for c in line.split("|")]
            target = re.match(r"`([a-z-]+\.[a-z0-9-]+)`", cells[3])
            cell = cells[1].strip("`").replace(" (sic)", "")
            codes = [part.strip() for part in re.split(r" / |, ", cell)]
            if target and all(re.fullmatch(r"[A-Za-z0-9]+", c) for c in codes):
                rows.extend((code, target.group(1)) for code in codes)
    return rows
