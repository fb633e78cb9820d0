"""The evaluation harness: metric arithmetic on hand-made predictions, and the real corpus (marker ``eval``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rapidfuzz import fuzz, process, utils

from app.engine import Catalog, DiagnoseOptions, build_index, load_catalog
from app.evaluation import (
    DEFAULT_CATALOG_DIR,
    DEFAULT_EVAL_DIR,
    Baseline,
    Case,
    EvaluationError,
    Metrics,
    Prediction,
    Report,
    check_expectations,
    compute_metrics,
    format_report,
    load_cases,
    main,
    run,
)
from app.evaluation.metrics import Group
from app.evaluation.runner import predict


def pred(case_id: str, expect: tuple[str, ...], matched: bool, ranked: list[tuple[str, float]],
         lang: str = "en", form: str = "bare") -> Prediction:
    return Prediction(case_id, expect, lang, form, matched, tuple(ranked))


# Nine predictions; the expected figures below are worked out by hand from this table.
#   id  expect   matched  ranked (top-1 first)                    lang form    top-1 ok  top-3 ok
#   p1  a        yes      a .95                                   en   bare    yes       yes  (true positive)
#   p2  b        yes      c .85, b .30                            fr   ticket  no        yes
#   p3  a|b      no       b .45, c .20                            en   ticket  yes       yes  (not matched)
#   p4  c        no       (nothing)                               en   log     no        no
#   p5  -        yes      a .70                                   fr   log     (false positive)
#   p6  -        no       b .15                                   en   log
#   p7  -        no       (nothing)                               fr   bare
#   p8  d        yes      x .90, y .80, z .70, d .60              en   cli     no        no   (d is 4th)
#   p9  b        yes      c .88                                   fr   cli     no        no
PREDICTIONS = [
    pred("p1", ("a",), True, [("a", 0.95)], "en", "bare"),
    pred("p2", ("b",), True, [("c", 0.85), ("b", 0.30)], "fr", "ticket"),
    pred("p3", ("a", "b"), False, [("b", 0.45), ("c", 0.20)], "en", "ticket"),
    pred("p4", ("c",), False, [], "en", "log"),
    pred("p5", (), True, [("a", 0.70)], "fr", "log"),
    pred("p6", (), False, [("b", 0.15)], "en", "log"),
    pred("p7", (), False, [], "fr", "bare"),
    pred("p8", ("d",), True, [("x", 0.90), ("y", 0.80), ("z", 0.70), ("d", 0.60)], "en", "cli"),
    pred("p9", ("b",), True, [("c", 0.88)], "fr", "cli"),
]


@pytest.fixture(scope="module")
def metrics() -> Metrics:
    return compute_metrics(PREDICTIONS)


def test_counts(metrics: Metrics) -> None:
    assert (metrics.cases, metrics.positives, metrics.negatives) == (9, 6, 3)


def test_top1_and_top3_on_positives(metrics: Metrics) -> None:
    assert (metrics.top1.k, metrics.top1.n) == (2, 6)  # p1, p3
    assert metrics.top1.value == pytest.approx(1 / 3)
    assert (metrics.top3.k, metrics.top3.n) == (3, 6)  # p1, p2, p3


def test_false_positive_rate_on_negatives(metrics: Metrics) -> None:
    assert (metrics.false_positive.k, metrics.false_positive.n) == (1, 3)  # p5
    assert metrics.false_positive.value == pytest.approx(1 / 3)


def test_precision_and_recall_of_matched(metrics: Metrics) -> None:
    # matched: p1 p2 p5 p8 p9; of them only p1 is a true positive
    assert (metrics.precision.k, metrics.precision.n) == (1, 5)
    assert metrics.precision.value == pytest.approx(0.2)
    assert (metrics.recall.k, metrics.recall.n) == (1, 6)


def test_confusion_pairs_most_frequent_first(metrics: Metrics) -> None:
    pairs = [(c.expected, c.got, c.count, c.example, c.cases) for c in metrics.confusion]
    assert pairs == [
        ("b", "c", 2, "p2", ["p2", "p9"]),
        ("(negative)", "a", 1, "p5", ["p5"]),
        ("c", "(none)", 1, "p4", ["p4"]),
        ("d", "x", 1, "p8", ["p8"]),
    ]


def test_breakdown_by_language_and_form(metrics: Metrics) -> None:
    def rows(groups: list[Group]) -> dict[str, tuple[int, ...]]:
        return {g.name: (g.n, g.top1.k, g.top1.n, g.false_positive.k, g.false_positive.n) for g in groups}

    assert rows(metrics.by_lang) == {"en": (5, 2, 4, 0, 1), "fr": (4, 0, 2, 1, 2)}
    assert rows(metrics.by_form) == {
        "bare": (2, 1, 1, 0, 1), "cli": (2, 0, 2, 0, 0), "log": (3, 0, 1, 1, 2), "ticket": (2, 1, 2, 0, 0),
    }
    cli = next(g for g in metrics.by_form if g.name == "cli")
    assert cli.false_positive.value is None


def test_calibration_buckets(metrics: Metrics) -> None:
    table = {round(b.low * 10): (b.n, b.mean_confidence, b.accuracy) for b in metrics.calibration}
    assert len(metrics.calibration) == 10
    assert table[0] == (2, 0.0, 0.0)  # p4 and p7 have no candidate: confidence 0
    assert table[1] == (1, pytest.approx(0.15), 0.0)  # a negative is never correct
    assert table[4] == (1, pytest.approx(0.45), 1.0)  # p3: top-1 right though not matched
    assert table[7] == (1, pytest.approx(0.70), 0.0)  # 0.70 opens [0.7, 0.8)
    assert table[8] == (2, pytest.approx(0.865), 0.0)  # p2, p9
    assert table[9] == (2, pytest.approx(0.925), 0.5)  # p1 and p8 (0.90 opens the last bucket)
    for empty in (2, 3, 5, 6):
        assert table[empty] == (0, None, None)
    assert not any(b.flagged for b in metrics.calibration)


@pytest.mark.parametrize(
    ("n", "correct", "flagged"),
    [(20, 16, True), (19, 15, False), (20, 18, False)],  # acc .80 vs .95; too few; acc .90 vs .95
)
def test_calibration_flag(n: int, correct: int, flagged: bool) -> None:
    preds = [pred(f"c{i}", ("a",), True, [("a" if i < correct else "b", 0.95)]) for i in range(n)]
    last = compute_metrics(preds).calibration[9]
    assert (last.n, last.flagged) == (n, flagged)


def test_confidence_one_falls_in_last_bucket() -> None:
    assert compute_metrics([pred("x", ("a",), True, [("a", 1.0)])]).calibration[9].n == 1


def test_format_report_shows_both_matchers(metrics: Metrics) -> None:
    report = Report(
        catalog_version="t", catalog_entries=4, files=["a.yaml"], threshold=0.6, baseline_cutoff=80.0,
        baseline_description="fake", expected_counts={"a": 2, "b": 3, "c": 1, "d": 1},
        errdiag=metrics, baseline=compute_metrics(PREDICTIONS[:3]),
    )
    text = format_report(report)
    assert "0.333 (2/6)" in text and "0.500 (1/2)" in text  # errdiag and baseline top-1
    assert "2 entries expected by fewer than 2 positive cases: c (1), d (1)" in text
    assert json.loads(report.to_json())["errdiag"]["precision"] == {"k": 1, "n": 5, "value": 0.2}


# ---------------------------------------------------------------- loading the corpus

def write(directory: Path, name: str, body: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(body, encoding="utf-8")


CASE = "  - {{id: {id}, expect: [{expect}], lang: en, form: bare, text: {text!r}}}\n"


def test_load_cases_in_file_order(tmp_path: Path) -> None:
    write(tmp_path, "b.yaml", "cases:\n" + CASE.format(id="n1", expect="", text="all good"))
    write(tmp_path, "a.yaml", "cases:\n" + CASE.format(id="p1", expect="x.y", text="boom"))
    corpus = load_cases(tmp_path)
    assert corpus.files == ("a.yaml", "b.yaml")
    assert [(c.id, c.negative) for c in corpus.cases] == [("p1", False), ("n1", True)]


def test_load_cases_reports_every_defect(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "cases:\n" + CASE.format(id="p1", expect="x.y", text="boom")
          + "  - {id: p2, expect: [], lang: de, form: bare, text: t}\n"
          + "  - {id: p3, expect: [], lang: en, form: bare, text: t, note: extra}\n")
    write(tmp_path, "b.yaml", "cases:\n" + CASE.format(id="p1", expect="", text="again"))
    write(tmp_path, "c.yaml", "cases: [unclosed\n")
    with pytest.raises(EvaluationError) as info:
        load_cases(tmp_path)
    problems = "\n".join(info.value.problems)
    assert "case 'p2', field lang" in problems
    assert "case 'p3', field note" in problems
    assert "c.yaml: not valid YAML" in problems


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "cases:\n" + CASE.format(id="p1", expect="", text="one"))
    write(tmp_path, "b.yaml", "cases:\n" + CASE.format(id="p1", expect="", text="two"))
    with pytest.raises(EvaluationError, match="case 'p1': duplicate id"):
        load_cases(tmp_path)


def test_no_case_files(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="no case files"):
        load_cases(tmp_path / "missing")


def test_check_expectations_names_unknown_ids() -> None:
    cases = [Case(id="p1", expect=["x.known", "x.gone"], lang="en", form="bare", text="t"),
             Case(id="p2", expect=["x.known", "x.known"], lang="fr", form="bare", text="t")]
    assert check_expectations(cases, ["x.known"]) == [
        "case 'p1': unknown entry id 'x.gone'", "case 'p2': an entry id is listed twice in expect",
    ]


# ---------------------------------------------------------------- matchers and command line

@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(DEFAULT_CATALOG_DIR)


def test_baseline_finds_a_verbatim_message(catalog: Catalog) -> None:
    entry = next(iter(catalog))
    matched, ranked = Baseline(catalog).rank(entry.messages[0].text)
    assert matched and ranked[0] == (entry.id, 1.0)
    assert len({e for e, _ in ranked}) == len(ranked) == 3


@pytest.mark.parametrize("text", ["Protection could not be enabled for vm-01 (size 512 MB).", "UserErrorVmNotFoundV2", "zz"])
def test_baseline_top1_is_extract_one(catalog: Catalog, text: str) -> None:
    messages = [m.text for e in catalog for m in e.messages]
    owners = [e.id for e in catalog for _ in e.messages]
    _, score, index = process.extractOne(text, messages, scorer=fuzz.WRatio, processor=utils.default_process)
    assert Baseline(catalog).rank(text)[1][0] == (owners[index], score / 100)


def test_baseline_below_cutoff_is_not_matched(catalog: Catalog) -> None:
    matched, ranked = Baseline(catalog).rank("zzqx")
    assert not matched and ranked[0][1] < 0.8


def test_predict_puts_the_diagnosis_first(catalog: Catalog) -> None:
    case = Case(id="p", expect=["vm-state.restore-point-collection-deleted"], lang="en", form="code-only",
                text="UserErrorRpCollectionDeleted")
    prediction = predict(build_index(catalog), case, DiagnoseOptions(threshold=0.6, limit=3))
    assert prediction.matched and prediction.correct and prediction.confidence >= 0.6


def test_main_prints_report_and_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entry = "vm-state.restore-point-collection-deleted"
    write(tmp_path / "eval", "cases.yaml", "cases:\n"
          + CASE.format(id="p1", expect=entry, text="UserErrorRpCollectionDeleted")
          + CASE.format(id="n1", expect="", text="The weather is fine today."))
    out = tmp_path / "report.json"
    code = main(["--eval-dir", str(tmp_path / "eval"), "--threshold", "0.6", "--json", str(out)])
    assert code == 0
    assert "Summary" in capsys.readouterr().out
    assert json.loads(out.read_text())["errdiag"]["cases"] == 2


def test_main_refuses_unknown_entry_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "cases.yaml", "cases:\n" + CASE.format(id="p1", expect="backup.nope", text="x"))
    assert main(["--eval-dir", str(tmp_path)]) == 2
    assert "unknown entry id 'backup.nope'" in capsys.readouterr().err


# ---------------------------------------------------------------- the real corpus

@pytest.fixture(scope="module")
def real() -> Report:
    return run(DEFAULT_CATALOG_DIR, DEFAULT_EVAL_DIR, DiagnoseOptions().threshold)


@pytest.mark.eval
class TestRealCorpus:
    """Targets of the engine on tests/eval/ (issue 3); messages carry the figures."""

    def test_size(self, real: Report) -> None:
        cases, negatives = real.errdiag.cases, real.errdiag.negatives
        assert cases >= 400 and negatives >= 150, f"{cases} cases of which {negatives} negatives"

    def test_every_entry_expected_twice(self, real: Report) -> None:
        missing = real.under_covered
        assert not missing, f"{len(missing)} entries expected fewer than twice: {missing}"

    def test_top1_accuracy(self, real: Report) -> None:
        top1 = real.errdiag.top1
        worst = [(c.expected, c.got, c.count) for c in real.errdiag.confusion[:10]]
        ok = top1.value is not None and top1.value >= 0.97
        assert ok, f"top-1 {top1.value} ({top1.k}/{top1.n}); most frequent confusions {worst}"

    def test_false_positive_rate(self, real: Report) -> None:
        fp = real.errdiag.false_positive
        fired = [(c.got, c.cases) for c in real.errdiag.confusion if c.expected == "(negative)"]
        ok = fp.value is not None and fp.value <= 0.01
        assert ok, f"false-positive rate {fp.value} ({fp.k}/{fp.n}): {fired}"

    def test_calibration(self, real: Report) -> None:
        flagged = [(b.low, b.n, b.mean_confidence, b.accuracy) for b in real.errdiag.calibration if b.flagged]
        assert not flagged, f"miscalibrated buckets (low, n, mean confidence, accuracy): {flagged}"

    def test_beats_baseline(self, real: Report) -> None:
        ours, base = real.errdiag, real.baseline
        top1, base_top1 = ours.top1.value or 0.0, base.top1.value or 0.0
        fp, base_fp = ours.false_positive.value or 0.0, base.false_positive.value or 0.0
        better = top1 > base_top1 and (fp < base_fp or ours.false_positive.k == 0)
        assert better, f"top-1 {top1:.3f} vs baseline {base_top1:.3f}; FP {fp:.3f} vs baseline {base_fp:.3f}"
