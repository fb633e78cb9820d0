"""The held-out corpora: measured against the targets of the main corpus, guarded against regressions.

tests/eval-holdout/ (200 cases) was written after the engine was first tuned, by an author who did
not run the engine; its false positives then shaped the catalogue's scope, so it is a tuning set now.
tests/eval-holdout-2/ (270 cases) was written blind while the scope was built and first run after it
was committed: it is the one not tuned on. The README reports both.
"""

from __future__ import annotations

import pytest
from support import CATALOG_DIR, ROOT

from app.evaluation import run

pytestmark = pytest.mark.eval

CORPORA = {"holdout": ("eval-holdout", 200, 80), "holdout-2": ("eval-holdout-2", 270, 150)}


@pytest.fixture(scope="module", params=sorted(CORPORA))
def corpus(request):  # noqa: ANN001, ANN201
    folder, cases, negatives = CORPORA[request.param]
    return run(CATALOG_DIR, ROOT / "tests" / folder, 0.6), cases, negatives


def test_holdout_has_positives_and_negatives(corpus) -> None:  # noqa: ANN001
    report, cases, negatives = corpus
    assert report.errdiag.cases >= cases and report.errdiag.negatives >= negatives


def test_holdout_top1_meets_the_target(corpus) -> None:  # noqa: ANN001
    top1 = corpus[0].errdiag.top1.value
    assert top1 is not None and top1 >= 0.97


def test_holdout_false_positives_meet_the_target(corpus) -> None:  # noqa: ANN001
    # holdout: 1 of 80 today (1.25 %); holdout-2: 0 of 150. One more on holdout-2 is 0.67 %.
    rate = corpus[0].errdiag.false_positive.value
    assert rate is not None and rate <= 0.0125


def test_holdout_calibration_holds(corpus) -> None:  # noqa: ANN001
    assert not [b for b in corpus[0].errdiag.calibration if b.flagged]
