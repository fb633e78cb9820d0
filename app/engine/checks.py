"""Self-tests of a catalogue: every entry's examples must resolve to that entry."""

from __future__ import annotations

from app.engine.diagnosis import DiagnoseOptions, decide
from app.engine.index import Index
from app.engine.matcher import match

__all__ = ["check_examples"]


def check_examples(index: Index, options: DiagnoseOptions = DiagnoseOptions()) -> list[str]:
    """One problem line per example that does not diagnose to its own entry with ``matched: true``.

    The ranking alone decides, by the rule ``diagnose`` applies (``decide``): building the answers
    would only cost start-up time.
    """
    problems = []
    for entry in index.catalog:
        for i, example in enumerate(entry.examples):
            top, matched = decide(match(index, example.text, max_segments=options.max_segments), options)
            if matched and top.entry_id == entry.id:
                continue
            detail = f"{top.entry_id} ({top.confidence:.2f})" if top else "nothing"
            file = index.catalog.files.get(entry.id, "?")
            problems.append(f"{file}: entry {entry.id!r}, field examples.{i}: resolves to {detail}, not to its entry")
    return problems
