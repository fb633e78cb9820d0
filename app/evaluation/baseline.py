"""The naive baseline errdiag must beat: one fuzzy match of the whole input against raw catalogue messages."""

from __future__ import annotations

from rapidfuzz import fuzz, process, utils

from app.engine import Catalog

__all__ = ["Baseline", "BASELINE_CUTOFF", "BASELINE_DESCRIPTION"]

BASELINE_CUTOFF = 80.0
BASELINE_DESCRIPTION = (
    "rapidfuzz process.extractOne(text, messages, scorer=fuzz.WRatio, processor=utils.default_process) "
    "over every raw catalogue message; matched when score >= {cutoff:g}; confidence = score/100"
)


class Baseline:
    """Ranks entries by the WRatio of their best raw message against the whole input."""

    def __init__(self, catalog: Catalog, cutoff: float = BASELINE_CUTOFF) -> None:
        pairs = [(entry.id, msg.text) for entry in catalog for msg in entry.messages]
        self.cutoff = cutoff
        self._entry_ids = [entry_id for entry_id, _ in pairs]
        self._messages = [text for _, text in pairs]

    def rank(self, text: str, limit: int = 3) -> tuple[bool, tuple[tuple[str, float], ...]]:
        """(matched, up to ``limit`` distinct entries with confidence), best first.

        One ``process.extract`` pass scores every message; its first row is what
        ``process.extractOne`` returns (same scorer and processor, ties to the first message).
        """
        scored = process.extract(text, self._messages, scorer=fuzz.WRatio, processor=utils.default_process, limit=None)
        ranked: list[tuple[str, float]] = []
        for _, score, index in scored:
            entry_id = self._entry_ids[index]
            if all(entry_id != seen for seen, _ in ranked):
                ranked.append((entry_id, score / 100.0))
                if len(ranked) == limit:
                    break
        matched = bool(scored) and scored[0][1] >= self.cutoff
        return matched, tuple(ranked)
