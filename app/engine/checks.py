"""Self-tests of a catalogue: every entry's examples must resolve to that entry."""

from __future__ import annotations

from app.engine.diagnosis import DiagnoseOptions, diagnose
from app.engine.index import Index

__all__ = ["check_examples"]


def check_examples(index: Index, options: DiagnoseOptions = DiagnoseOptions()) -> list[str]:
    """One problem line per example that does not diagnose to its own entry with ``matched: true``."""
    problems = []
    for entry in index.catalog:
        for i, example in enumerate(entry.examples):
            result = diagnose(index, example.text, options=options)
            got = result.diagnosis.entry_id if result.diagnosis else None
            if got != entry.id:
                nearest = result.diagnosis or (result.alternatives[0] if result.alternatives else None)
                detail = f"{nearest.entry_id} ({nearest.confidence:.2f})" if nearest else "nothing"
                file = index.catalog.files.get(entry.id, "?")
                problems.append(f"{file}: entry {entry.id!r}, field examples.{i}: resolves to {detail}, not to its entry")
    return problems
