"""Figures computed from predictions, whichever matcher made them."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, computed_field

__all__ = [
    "Prediction", "Rate", "Confusion", "Group", "Bucket", "Metrics", "compute_metrics",
    "calibration", "BUCKET_EDGES", "CALIBRATION_MIN_N", "CALIBRATION_TOLERANCE",
]

BUCKET_EDGES = tuple(i / 10 for i in range(1, 10))  # ten buckets: [0,0.1) ... [0.9,1.0]
CALIBRATION_MIN_N = 20
CALIBRATION_TOLERANCE = 0.10
NONE_LABEL = "(none)"
NEGATIVE_LABEL = "(negative)"


@dataclass(frozen=True, slots=True)
class Prediction:
    """What a matcher answered for one case: ``ranked`` is (entry id, confidence), best first."""

    case_id: str
    expect: tuple[str, ...]
    lang: str
    form: str
    matched: bool
    ranked: tuple[tuple[str, float], ...]

    @property
    def negative(self) -> bool:
        return not self.expect

    @property
    def top1(self) -> str | None:
        return self.ranked[0][0] if self.ranked else None

    @property
    def confidence(self) -> float:
        """Confidence of the top-1 candidate; 0 when there is none."""
        return self.ranked[0][1] if self.ranked else 0.0

    @property
    def correct(self) -> bool:
        """Top-1 is an expected entry (never for a negative)."""
        return self.top1 is not None and self.top1 in self.expect

    @property
    def correct_top3(self) -> bool:
        return any(entry_id in self.expect for entry_id, _ in self.ranked[:3])


class Rate(BaseModel):
    """``k`` out of ``n``; ``value`` is None when ``n`` is 0."""

    k: int
    n: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def value(self) -> float | None:
        return self.k / self.n if self.n else None


class Confusion(BaseModel):
    expected: str  # the expected ids joined by "|", or "(negative)"
    got: str  # the top-1 entry id, or "(none)"
    count: int
    example: str
    cases: list[str]


class Group(BaseModel):
    name: str
    n: int
    top1: Rate
    false_positive: Rate


class Bucket(BaseModel):
    low: float
    high: float
    n: int
    mean_confidence: float | None
    accuracy: float | None
    flagged: bool


class Metrics(BaseModel):
    cases: int
    positives: int
    negatives: int
    top1: Rate
    top3: Rate
    false_positive: Rate
    precision: Rate
    recall: Rate
    confusion: list[Confusion]
    by_lang: list[Group]
    by_form: list[Group]
    calibration: list[Bucket]


def compute_metrics(predictions: Sequence[Prediction]) -> Metrics:
    """Every figure of the report for one matcher."""
    pos = [p for p in predictions if not p.negative]
    neg = [p for p in predictions if p.negative]
    true_pos = sum(p.matched and p.correct for p in pos)
    return Metrics(
        cases=len(predictions),
        positives=len(pos),
        negatives=len(neg),
        top1=Rate(k=sum(p.correct for p in pos), n=len(pos)),
        top3=Rate(k=sum(p.correct_top3 for p in pos), n=len(pos)),
        false_positive=Rate(k=sum(p.matched for p in neg), n=len(neg)),
        precision=Rate(k=true_pos, n=sum(p.matched for p in predictions)),
        recall=Rate(k=true_pos, n=len(pos)),
        confusion=confusion(predictions),
        by_lang=breakdown(predictions, lambda p: p.lang),
        by_form=breakdown(predictions, lambda p: p.form),
        calibration=calibration(predictions),
    )


def confusion(predictions: Sequence[Prediction]) -> list[Confusion]:
    """Top-1 errors on positives and matches on negatives, most frequent first."""
    cases: dict[tuple[str, str], list[str]] = {}
    for p in predictions:
        if p.correct or (p.negative and not p.matched):
            continue
        pair = ("|".join(p.expect) or NEGATIVE_LABEL, p.top1 or NONE_LABEL)
        cases.setdefault(pair, []).append(p.case_id)
    ordered = sorted(cases.items(), key=lambda item: (-len(item[1]), item[0]))
    return [Confusion(expected=e, got=g, count=len(ids), example=ids[0], cases=ids) for (e, g), ids in ordered]


def breakdown(predictions: Sequence[Prediction], key: Callable[[Prediction], str]) -> list[Group]:
    """Top-1 and false-positive rate per value of ``key``, by name."""
    groups: dict[str, list[Prediction]] = {}
    for p in predictions:
        groups.setdefault(key(p), []).append(p)
    return [
        Group(
            name=name,
            n=len(members),
            top1=Rate(k=sum(p.correct for p in members if not p.negative), n=sum(not p.negative for p in members)),
            false_positive=Rate(k=sum(p.matched for p in members if p.negative), n=sum(p.negative for p in members)),
        )
        for name, members in sorted(groups.items())
    ]


def calibration(predictions: Sequence[Prediction]) -> list[Bucket]:
    """Mean top-1 confidence against observed accuracy, per tenth of confidence."""
    members: list[list[Prediction]] = [[] for _ in range(len(BUCKET_EDGES) + 1)]
    for p in predictions:
        members[bisect.bisect_right(BUCKET_EDGES, p.confidence)].append(p)
    edges = (0.0, *BUCKET_EDGES, 1.0)
    return [_bucket(edges[i], edges[i + 1], group) for i, group in enumerate(members)]


def _bucket(low: float, high: float, members: list[Prediction]) -> Bucket:
    n = len(members)
    mean = sum(p.confidence for p in members) / n if n else None
    accuracy = sum(p.correct for p in members) / n if n else None
    flagged = (
        n >= CALIBRATION_MIN_N and mean is not None and accuracy is not None
        and abs(accuracy - mean) > CALIBRATION_TOLERANCE
    )
    return Bucket(low=low, high=high, n=n, mean_confidence=mean, accuracy=accuracy, flagged=flagged)
