"""Generated catalogue artefacts: ``catalog/schema.json`` and ``catalog/published-ids.txt``.

Run ``python -m app.engine.schema [catalog_dir]`` after changing the model or adding entries;
tests fail when either file drifts, and when a published id disappears.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app.engine.catalog import load_catalog
from app.engine.model import CategoryFile

__all__ = ["schema_json", "published_ids", "SCHEMA_FILE", "IDS_FILE", "read_ids"]

SCHEMA_FILE = "schema.json"
IDS_FILE = "published-ids.txt"


def schema_json() -> str:
    schema = CategoryFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "errdiag catalogue file (one category)"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def published_ids(directory: Path) -> str:
    ids = sorted(load_catalog(directory).entries)
    header = "# Published entry ids: a public contract. Add ids; never remove or rename one.\n"
    return header + "".join(f"{i}\n" for i in ids)


def read_ids(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")}


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else Path("catalog")
    (directory / SCHEMA_FILE).write_text(schema_json(), encoding="utf-8")
    ids_path = directory / IDS_FILE
    previous = read_ids(ids_path.read_text(encoding="utf-8")) if ids_path.exists() else set()
    text = published_ids(directory)
    removed = previous - read_ids(text)
    if removed:
        raise SystemExit(f"refusing to unpublish ids: {', '.join(sorted(removed))}")
    ids_path.write_text(text, encoding="utf-8")
    print(f"wrote {directory / SCHEMA_FILE} and {ids_path}")


if __name__ == "__main__":
    main()
