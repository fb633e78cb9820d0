"""What a request produced, noted by the route for the access log and the metrics.

Routes call ``note_outcome(request, result, received)``; the request middleware reads
``request.state.outcome`` once the answer is sent. The engine knows nothing of this.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from app.engine.results import DiagnoseResult, Diagnosis, MultiDiagnoseResult

__all__ = ["Outcome", "DiagnosisOutcome", "note_outcome", "outcome_of"]


@dataclass(frozen=True, slots=True)
class DiagnosisOutcome:
    """One diagnosis: the entry it names (the nearest one when nothing matched) and its confidence."""

    matched: bool
    entry_id: str | None
    category: str | None
    confidence: float


Input = str | bytes | list[str] | None


@dataclass(frozen=True, slots=True)
class Outcome:
    diagnoses: tuple[DiagnosisOutcome, ...]
    received: Input = None  # the input as received; made text only if it is logged
    catalog_version: str | None = None  # the catalogue that answered (a reload may have swapped it since)

    def input_text(self) -> str | None:
        if isinstance(self.received, bytes):
            return self.received.decode("utf-8", "replace")
        if isinstance(self.received, list):
            return "\n".join(self.received)
        return self.received

    def best(self) -> DiagnosisOutcome | None:
        """The matched diagnosis with the highest confidence, else the nearest miss."""
        if not self.diagnoses:
            return None
        return max(self.diagnoses, key=lambda d: (d.matched, d.confidence))


def _one(matched: bool, diagnosis: Diagnosis | None, alternatives: list) -> DiagnosisOutcome:  # noqa: ANN001
    if diagnosis is not None and matched:
        return DiagnosisOutcome(True, diagnosis.entry_id, diagnosis.category, diagnosis.confidence)
    nearest = diagnosis or (alternatives[0] if alternatives else None)
    if nearest is None:
        return DiagnosisOutcome(False, None, None, 0.0)
    return DiagnosisOutcome(False, nearest.entry_id, nearest.category, nearest.confidence)


def outcome_of(results: DiagnoseResult | MultiDiagnoseResult | list[DiagnoseResult], received: Input = None) -> Outcome:
    """The outcome of one result, of every error of a multi-result, or of every result of a batch."""
    if isinstance(results, DiagnoseResult):
        found, version = [_one(results.matched, results.diagnosis, results.alternatives)], results.catalog.version
    elif isinstance(results, MultiDiagnoseResult):
        found, version = [_one(e.matched, e.diagnosis, e.alternatives) for e in results.errors], results.catalog.version
    else:
        found = [_one(r.matched, r.diagnosis, r.alternatives) for r in results]
        version = results[0].catalog.version if results else None
    return Outcome(tuple(found), received, version)


def note_outcome(request: Request, results: DiagnoseResult | MultiDiagnoseResult | list[DiagnoseResult], received: Input = None) -> None:
    """Record what this request produced (and its input, logged only when ERRDIAG_LOG_INPUT is set)."""
    request.state.outcome = outcome_of(results, received)
