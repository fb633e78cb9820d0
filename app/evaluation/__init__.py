"""Measuring errdiag on the labelled corpus in ``tests/eval/``, beside a naive fuzzy baseline.

``run(catalog_dir, eval_dir, threshold)`` returns a ``Report``; ``format_report``
renders it as text and ``Report.to_json`` as JSON; ``main`` is the command line.
"""

from __future__ import annotations

from app.evaluation.baseline import BASELINE_CUTOFF, Baseline
from app.evaluation.cases import Case, Corpus, EvaluationError, check_expectations, load_cases
from app.evaluation.metrics import Metrics, Prediction, Rate, compute_metrics
from app.evaluation.report import Report, format_report
from app.evaluation.runner import DEFAULT_CATALOG_DIR, DEFAULT_EVAL_DIR, DEFAULT_THRESHOLD, main, run

__all__ = [
    "BASELINE_CUTOFF", "Baseline", "Case", "Corpus", "DEFAULT_CATALOG_DIR", "DEFAULT_EVAL_DIR",
    "DEFAULT_THRESHOLD", "EvaluationError", "Metrics", "Prediction", "Rate", "Report",
    "check_expectations", "compute_metrics", "format_report", "load_cases", "main", "run",
]
