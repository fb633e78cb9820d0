"""Answers by input shape: the same error with other digits and GUIDs gets the answer it would get if matched afresh."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pytest
import yaml
from support import CATALOG_DIR, ROOT, bundled_index

from app.engine import build_index, diagnose, load_catalog
from app.engine.encoded import json_of, requoted_json
from app.engine.engine import CACHE_MAX_CHARS, Engine
from app.engine.matcher import CodeWatch
from app.engine.shapes import shape_of

LINE = "2026-11-20T23:08:29.930Z ERROR [BackupJob {guid}] request {n}: Backup failed with an internal error. Please retry the operation in a few minutes."
GUIDS = ("3c4776be-a1fb-956e-359c-66c466a5810c", "0F9A1C2E-1111-4A4A-9B9B-123456789ABC")


def shape(text: str) -> bytes | None:
    return shape_of(text, max_chars=CACHE_MAX_CHARS)


def engine() -> Engine:
    return Engine(bundled_index(), shape_size=64)


def fresh(text: str) -> str:
    return diagnose(bundled_index(), text).model_dump_json()


def test_inputs_that_differ_by_digits_and_guids_share_a_shape_of_their_length() -> None:
    first, second = LINE.format(guid=GUIDS[0], n=4711), LINE.format(guid=GUIDS[1], n=8150)
    assert shape(first) == shape(second)
    assert len(shape(first) or b"") == len(first.encode())
    assert shape(first) != shape(LINE.format(guid=GUIDS[0], n=47110))  # another length: offsets would move
    assert shape(first) != shape(first.replace("internal", "external"))


NIL = b"00000000-0000-0000-0000-000000000000"


@pytest.mark.parametrize("text", [
    "job 3c4776be-affb-956e-359c-66c466a5810c failed",  # a group without a digit: kept as it is, like a word
    "job 3c4776be-a1fb-956e-359c-66c466a5810cé failed",  # bordered by a non-ASCII letter, which folding may change
])
def test_guids_that_could_be_read_otherwise_are_not_zeroed(text: str) -> None:
    assert NIL in (shape(f"job {GUIDS[0]} failed") or b"")
    assert NIL not in (shape(text) or b"")


def test_json_documents_and_long_inputs_have_no_shape() -> None:
    assert shape('  {"message": "Backup failed"}') is None
    assert shape("[1, 2]") is None
    assert shape("x" * (CACHE_MAX_CHARS + 1)) is None
    assert shape("Backup failed") is not None


def test_an_input_of_a_known_shape_is_answered_from_its_template_quoting_itself() -> None:
    local = engine()
    first = LINE.format(guid=GUIDS[0], n=4711)
    second = LINE.format(guid=GUIDS[1], n=8150).replace("2026", "2025")  # another GUID (in capitals), other digits
    assert shape(first) == shape(second)
    local.diagnose(first)
    local.diagnose(first.replace("4711", "4712"))  # the second of its shape: its template is kept
    answer = local.diagnose(second)
    assert local.shapes is not None and local.shapes.hits == 1
    assert answer.model_dump_json() == fresh(second)
    assert answer.diagnosis is not None and answer.diagnosis.explanation.span is not None
    span, quoted = answer.diagnosis.explanation.span, answer.diagnosis.explanation.matched_text or ""
    assert "request 8150" in quoted and second[span.start : span.end].strip() == quoted


def test_a_message_wrapped_over_lines_is_quoted_whole_again() -> None:
    wrapped = "Backup failed with an internal error.\nPlease retry the operation in a few minutes. (request {})"
    local = engine()
    local.diagnose(wrapped.format(1234))
    local.diagnose(wrapped.format(1235))
    answer = local.diagnose(wrapped.format(5678))
    assert local.shapes is not None and local.shapes.hits == 1
    assert answer.model_dump_json() == fresh(wrapped.format(5678))


def test_a_template_is_kept_from_the_second_input_of_its_shape_so_inputs_seen_once_push_none_out() -> None:
    local = Engine(bundled_index(), shape_size=2)
    local.diagnose(LINE.format(guid=GUIDS[0], n=1111))
    assert local.shapes is not None and len(local.shapes) == 0
    local.diagnose(LINE.format(guid=GUIDS[0], n=1112))
    assert len(local.shapes) == 1
    for word in ("alpha", "bravo", "charlie", "delta", "echo"):  # five new shapes, each seen once
        local.diagnose(f"Backup failed on {word} with an internal error (request 1)")
    local.diagnose(LINE.format(guid=GUIDS[1], n=1113))
    assert local.shapes.hits == 1 and len(local.shapes) == 1


def test_a_code_written_in_digits_is_checked_in_every_input() -> None:
    # 320001 is a documented code; 320002 is not. Both inputs have one shape, not one answer.
    local = engine()
    coded, uncoded = "Job 1234 failed with error 320001", "Job 1234 failed with error 320002"
    local.diagnose(coded)
    local.diagnose(coded.replace("1234", "1235"))
    answer = local.diagnose(uncoded)
    assert local.shapes is not None and local.shapes.hits == 0
    assert answer.model_dump_json() == fresh(uncoded)
    assert local.diagnose("Job 9876 failed with error 320001").model_dump_json() == fresh("Job 9876 failed with error 320001")
    assert local.shapes.hits == 0  # the template is now the uncoded input's, whose codes differ again


def test_only_code_tokens_holding_a_digit_are_read_again_unless_the_first_input_had_several_codes() -> None:
    index = bundled_index()
    one = CodeWatch.of(index, "GuestAgentSnapshotTaskStatusError on job 123456 at 2026-11-20")
    assert one.spans is not None and len(one.spans) == 2  # "123456" and "2026" (shorter tokens are no codes)
    assert one.unchanged(index, "GuestAgentSnapshotTaskStatusError on job 654321 at 2025-01-02")
    assert not one.unchanged(index, "GuestAgentSnapshotTaskStatusError on job 320001 at 2025-01-02")  # a documented code
    for several in ("GuestAgentSnapshotTaskStatusError then ExtensionOperationFailed on job 123456",
                    "error 320001 on job 1234"):  # two codes; a code holding a digit
        watch = CodeWatch.of(index, several)
        assert watch.spans is None and not watch.unchanged(index, several)


def test_digits_left_by_normalisation_do_not_matter_when_no_word_of_the_catalogue_holds_one() -> None:
    # "V2" is no number a mask takes; the bundled catalogue's words hold no digit, so "V3" scores as "V2" does.
    local = engine()
    assert bundled_index().digit_blind
    for n, version in ((12, 2), (34, 3), (56, 4)):
        text = f"UserErrorVmNotFoundV{version}: the VM was not found (request {n})"
        assert local.diagnose(text).model_dump_json() == fresh(text)
    assert local.shapes is not None and local.shapes.hits == 1


def test_a_catalogue_whose_wording_holds_a_digit_gets_no_template_where_a_digit_is_left(tmp_path: Path) -> None:
    target = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, target)
    path = target / "backup.yaml"
    wording = "Backup failed with an internal error - Please retry"
    assert wording in path.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace(wording, "Backup failed with an internal error on node1 - Please retry"), encoding="utf-8")
    index = build_index(load_catalog(target))
    assert not index.digit_blind
    texts = [f"request 1{n}: Backup failed with an internal error on node{n}" for n in (1, 2, 3)]
    scores = {diagnose(index, text).diagnosis.explanation.score for text in texts}  # type: ignore[union-attr]
    assert len(scores) > 1  # node1 is the wording's: the digit decides the score
    local = Engine(index, shape_size=64)
    for text in texts:
        assert local.diagnose(text).model_dump_json() == diagnose(index, text).model_dump_json()
    assert local.shapes is not None and len(local.shapes) == 0 and local.shapes.hits == 0


def test_templates_are_tied_to_their_index_and_emptied_on_swap() -> None:
    local = engine()
    local.diagnose(LINE.format(guid=GUIDS[0], n=1111))
    local.diagnose(LINE.format(guid=GUIDS[0], n=1112))
    assert local.shapes is not None and len(local.shapes) == 1
    local.swap(build_index(load_catalog(CATALOG_DIR)))
    assert len(local.shapes) == 0
    local.diagnose(LINE.format(guid=GUIDS[0], n=2222))
    local.diagnose(LINE.format(guid=GUIDS[0], n=2223))
    assert local.shapes.hits == 0 and len(local.shapes) == 1
    assert Engine(bundled_index()).shapes is None


_HEX = "0123456789abcdef"
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _sibling(text: str, rng: random.Random) -> str:
    """``text`` with other digits and GUIDs (each group keeps a digit): an input of the same shape, or close to it."""
    def guid(match: re.Match[str]) -> str:
        groups = []
        for group in match.group().split("-"):
            other = "".join(rng.choice(_HEX) for _ in group)
            groups.append(other if any(c.isdigit() for c in other) else "0" + other[1:])
        return "-".join(groups)

    return re.sub(r"[0-9]", lambda _: rng.choice("0123456789"), _GUID.sub(guid, text))


def _corpus() -> list[str]:
    cases = yaml.safe_load((ROOT / "tests" / "eval" / "cases-positive.yaml").read_text(encoding="utf-8"))["cases"]
    index = bundled_index()
    examples = [example.text for entry in index.catalog for example in entry.examples]
    return [case["text"] for case in cases] + examples


def test_on_the_evaluation_corpus_and_the_catalogue_examples_templates_answer_as_matching_does() -> None:
    rng, local = random.Random(7), Engine(bundled_index(), shape_size=10_000)
    compared = 0
    for text in _corpus():
        for other in (text, _sibling(text, rng), _sibling(text, rng)):
            if shape(other) is not None and shape(other) == shape(text):
                assert local.diagnose(other).model_dump_json() == fresh(other), other
                compared += 1
    assert local.shapes is not None and local.shapes.hits > 200 and compared > 600


def test_the_json_of_an_answer_from_a_template_is_the_encoders() -> None:
    local = engine()
    for n in (1111, 1112, 8150):  # the third is answered from the template, and its JSON derived from the template's
        answer = local.diagnose(LINE.format(guid=GUIDS[0], n=n))
        assert json_of(answer) == answer.model_dump_json().encode()
    assert local.shapes is not None and local.shapes.hits == 1


@pytest.mark.parametrize(("old", "occurrences", "derived"), [
    ("request 1111 failed", 1, True),
    ("request 1111 failed", 2, False),  # a field more than known holds the text: left to the encoder
    (", request 1111", 1, False),  # could be read across two strings
    ("entry_id", 1, False),  # a key
])
def test_json_is_derived_only_where_each_occurrence_is_one_known_field(old: str, occurrences: int, derived: bool) -> None:
    encoded = json.dumps({"entry_id": "x", "matched_text": old, "other": "a"}, separators=(",", ":")).encode()
    result = requoted_json(encoded, old, old.replace("1111", "2222"), occurrences)
    assert (result is not None) is derived
    if result is not None:
        assert json.loads(result)["matched_text"] == old.replace("1111", "2222")
