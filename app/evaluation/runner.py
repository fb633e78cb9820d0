"""Running the corpus through errdiag and the baseline, and the ``errdiag eval`` command line."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from app.engine import CatalogError, DiagnoseOptions, Index, build_index, diagnose, load_catalog
from app.evaluation.baseline import BASELINE_DESCRIPTION, Baseline
from app.evaluation.cases import Case, EvaluationError, check_expectations, load_cases
from app.evaluation.metrics import Prediction, compute_metrics
from app.evaluation.report import Report, format_report
from app.settings import DEFAULT_CATALOG_DIR

__all__ = ["run", "main", "predict", "DEFAULT_CATALOG_DIR", "DEFAULT_EVAL_DIR", "DEFAULT_THRESHOLD"]

DEFAULT_EVAL_DIR = Path(__file__).resolve().parents[2] / "tests" / "eval"
DEFAULT_THRESHOLD = DiagnoseOptions().threshold
_TOP_K = 3


def run(catalog_dir: str | Path, eval_dir: str | Path, threshold: float = DEFAULT_THRESHOLD) -> Report:
    """Evaluate errdiag and the baseline on every case of ``eval_dir``."""
    catalog = load_catalog(catalog_dir)
    corpus = load_cases(eval_dir)
    problems = check_expectations(corpus.cases, catalog.entries)
    if problems:
        raise EvaluationError(f"evaluation corpus {str(eval_dir)!r} names unknown entries", problems)
    index = build_index(catalog)
    options = DiagnoseOptions(threshold=threshold, limit=_TOP_K)
    baseline = Baseline(catalog)
    ours = [predict(index, case, options) for case in corpus.cases]
    theirs = [_prediction(case, *baseline.rank(case.text, _TOP_K)) for case in corpus.cases]
    expected = Counter(e for case in corpus.cases for e in set(case.expect))
    return Report(
        catalog_version=catalog.version,
        catalog_entries=len(catalog),
        files=list(corpus.files),
        threshold=threshold,
        baseline_cutoff=baseline.cutoff,
        baseline_description=BASELINE_DESCRIPTION.format(cutoff=baseline.cutoff),
        expected_counts={entry_id: expected[entry_id] for entry_id in catalog.entries},
        errdiag=compute_metrics(ours),
        baseline=compute_metrics(theirs),
    )


def predict(index: Index, case: Case, options: DiagnoseOptions) -> Prediction:
    """errdiag's answer to one case: the diagnosis (if matched) then the alternatives."""
    result = diagnose(index, case.text, options=options)
    ranked = [(a.entry_id, a.confidence) for a in result.alternatives]
    if result.diagnosis is not None:
        ranked.insert(0, (result.diagnosis.entry_id, result.diagnosis.confidence))
    return _prediction(case, result.matched, tuple(ranked))


def _prediction(case: Case, matched: bool, ranked: Sequence[tuple[str, float]]) -> Prediction:
    return Prediction(
        case_id=case.id, expect=tuple(case.expect), lang=case.lang, form=case.form,
        matched=matched, ranked=tuple(ranked),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Print the evaluation report; 0 once it is printed, 2 when the catalogue or corpus is invalid."""
    parser = argparse.ArgumentParser(prog="errdiag eval", description="Measure errdiag against the labelled corpus.")
    parser.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG_DIR, help="catalogue directory")
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR, help="directory of case files (*.yaml)")
    parser.add_argument("--threshold", type=_unit_float, default=DEFAULT_THRESHOLD, help="confidence for matched")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the report as JSON to PATH")
    args = parser.parse_args(argv)
    try:
        report = run(args.catalog, args.eval_dir, args.threshold)
    except (CatalogError, EvaluationError) as exc:
        print(f"errdiag eval: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(format_report(report))
    if args.json is not None:
        args.json.write_text(report.to_json() + "\n", encoding="utf-8")
    return 0


def _unit_float(value: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1")
    return number
