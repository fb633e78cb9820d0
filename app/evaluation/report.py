"""The evaluation report: one model for JSON, one aligned plain-text rendering."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from pydantic import BaseModel

from app.evaluation.metrics import Bucket, Group, Metrics, Rate

__all__ = ["Report", "format_report"]

_CONFUSION_ROWS = 25
_COVERAGE_NAMES = 12
_WIDTH = 100


class Report(BaseModel):
    """errdiag and the baseline, measured on the same cases in the same run."""

    catalog_version: str
    catalog_entries: int
    files: list[str]
    threshold: float
    baseline_cutoff: float
    baseline_description: str
    expected_counts: dict[str, int]  # entry id -> positive cases that accept it
    errdiag: Metrics
    baseline: Metrics

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    @property
    def under_covered(self) -> dict[str, int]:
        """Catalogue entries that fewer than two positive cases expect."""
        return {e: n for e, n in sorted(self.expected_counts.items()) if n < 2}


def format_report(report: Report) -> str:
    """The report as aligned plain-text tables, errdiag beside the baseline."""
    m = report.errdiag
    header = [
        f"errdiag evaluation: catalogue {report.catalog_version} ({report.catalog_entries} entries)",
        f"corpus: {m.cases} cases ({m.positives} positive, {m.negatives} negative) from {', '.join(report.files)}",
        f"errdiag: matched when confidence >= {report.threshold:g}",
        f"baseline: {report.baseline_description}",
        _coverage(report),
    ]
    body = [
        *_summary(report.errdiag, report.baseline),
        "",
        *_groups("language", report.errdiag.by_lang, report.baseline.by_lang),
        "",
        *_groups("form", report.errdiag.by_form, report.baseline.by_form),
        "",
        *_calibration(report.errdiag.calibration, report.baseline.calibration),
        "",
        *_confusion("errdiag", report.errdiag),
        "",
        *_confusion("baseline", report.baseline),
    ]
    return "\n".join([*(_wrap(line) for line in header), "", *body]) + "\n"


def _wrap(line: str) -> str:
    return textwrap.fill(line, _WIDTH, subsequent_indent="    ", break_on_hyphens=False)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    """Columns padded to their widest cell; ``align`` holds one l or r per column (default: l then r)."""
    align = align or "l" + "r" * (len(headers) - 1)
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if a == "l" else str(c).rjust(w) for c, w, a in zip(cells, widths, align, strict=True)
        ).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def _rate(rate: Rate) -> str:
    return "-" if rate.value is None else f"{rate.value:.3f} ({rate.k}/{rate.n})"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _coverage(report: Report) -> str:
    missing = report.under_covered
    if not missing:
        return "coverage: every catalogue entry is expected by at least 2 positive cases"
    listed = ", ".join(f"{e} ({n})" for e, n in list(missing.items())[:_COVERAGE_NAMES])
    more = f", and {len(missing) - _COVERAGE_NAMES} more" if len(missing) > _COVERAGE_NAMES else ""
    return f"coverage: {len(missing)} entries expected by fewer than 2 positive cases: {listed}{more}"


def _summary(ours: Metrics, base: Metrics) -> list[str]:
    rows = [
        ("top-1 accuracy (positives)", ours.top1, base.top1),
        ("top-3 recall (positives)", ours.top3, base.top3),
        ("false-positive rate (negatives)", ours.false_positive, base.false_positive),
        ("precision of matched", ours.precision, base.precision),
        ("recall of matched", ours.recall, base.recall),
    ]
    return ["Summary", *_table(["", "errdiag", "baseline"], [(name, _rate(a), _rate(b)) for name, a, b in rows])]


def _groups(title: str, ours: list[Group], base: list[Group]) -> list[str]:
    mine, theirs = {g.name: g for g in ours}, {g.name: g for g in base}
    rows = []
    for name in sorted(mine.keys() | theirs.keys()):
        a, b = mine.get(name), theirs.get(name)
        sizes = (str(g.n), str(g.top1.n), str(g.false_positive.n)) if (g := a or b) else ("",) * 3
        rows.append((
            name, *sizes, _rate(a.top1) if a else "-", _rate(b.top1) if b else "-",
            _rate(a.false_positive) if a else "-", _rate(b.false_positive) if b else "-",
        ))
    headers = [title, "n", "pos", "neg", "top-1 errdiag", "top-1 baseline", "FP errdiag", "FP baseline"]
    return [f"By {title}", *_table(headers, rows)]


def _calibration(ours: list[Bucket], base: list[Bucket]) -> list[str]:
    def cells(b: Bucket) -> tuple[str, ...]:
        return str(b.n), _num(b.mean_confidence), _num(b.accuracy), "FLAG" if b.flagged else ""

    rows = [
        (f"[{a.low:.1f}, {a.high:.1f}{']' if a.high == 1.0 else ')'}", *cells(a), "|", *cells(b))
        for a, b in zip(ours, base, strict=True)
    ]
    headers = ["confidence", "n", "mean", "acc", "flag", "|", "base n", "mean", "acc", "flag"]
    return [
        "Calibration (top-1 confidence; flag: n >= 20 and |accuracy - mean| > 0.10)",
        *_table(headers, rows),
    ]


def _confusion(name: str, metrics: Metrics) -> list[str]:
    pairs = metrics.confusion
    title = f"Confusions, {name} (top-1 errors on positives, matches on negatives): {sum(c.count for c in pairs)}"
    if not pairs:
        return [title, "  none"]
    rows = [(str(c.count), c.expected, "->", c.got, c.example) for c in pairs[:_CONFUSION_ROWS]]
    lines = [title, *_table(["count", "expected", "", "got", "example"], rows, "rllll")]
    if len(pairs) > _CONFUSION_ROWS:
        lines.append(f"... and {len(pairs) - _CONFUSION_ROWS} more pairs (see --json)")
    return lines
