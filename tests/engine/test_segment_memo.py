"""The memo of segment scores: the same answer as without it, found again under other ids, tied to one index."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from support import CATALOG_DIR, ROOT, bundled_index

from app.engine import build_index, diagnose, load_catalog
from app.engine.engine import Engine
from app.engine.matcher import SegmentScores

LINE = "2026-11-20T23:08:29.930Z ERROR [BackupJob {guid}] VM {vm}: Backup failed with an internal error. Please retry the operation in a few minutes."
INPUTS = [
    LINE.format(guid="3c4776be-affb-956e-359c-66c466a5810c", vm="vm-web-01"),
    "Impossible de communiquer avec l’agent en charge de la machine virtuelle pour obtenir l’état de l’instantané.",
    '{"status": "Failed", "errorCode": "UserErrorGuestAgentStatusUnavailable", "message": "VM agent is unable to communicate with Azure Backup"}',
    "Gateway vgw-01 is in failed provisioning state",
    "disk quota exceeded on /var/lib/docker",
]


def test_answers_with_the_memo_equal_answers_without_it() -> None:
    index = bundled_index()
    memo = SegmentScores(64)
    for _round in range(2):  # the second round is answered from the memo
        for text in INPUTS:
            assert diagnose(index, text, memo=memo).model_dump_json() == diagnose(index, text).model_dump_json()
    assert memo.hits > 0 and memo.misses > 0


def test_a_line_seen_under_other_ids_is_found_in_the_memo_and_located_in_the_new_input() -> None:
    index = bundled_index()
    memo = SegmentScores(64)
    first = diagnose(index, INPUTS[0], memo=memo)
    hits = memo.hits
    other = "  " + LINE.format(guid="0f9a1c2e-1111-4a4a-9b9b-123456789abc", vm="sql-prod-17")
    second = diagnose(index, other, memo=memo)
    assert memo.hits > hits  # masked ids and names: the same normalised line
    assert second.diagnosis is not None and first.diagnosis is not None
    assert second.diagnosis.entry_id == first.diagnosis.entry_id
    assert second.model_dump_json() == diagnose(index, other).model_dump_json()
    span, matched_text = second.diagnosis.explanation.span, second.diagnosis.explanation.matched_text or ""
    assert span is not None
    assert other[span.start : span.end].strip() == matched_text  # offsets in the new input, not in the first
    assert "sql-prod-17" in matched_text


def test_scores_of_another_index_are_not_used() -> None:
    memo = SegmentScores(64)
    old, new = bundled_index(), build_index(load_catalog(CATALOG_DIR))
    diagnose(old, INPUTS[1], memo=memo)
    misses = memo.misses
    diagnose(new, INPUTS[1], memo=memo)
    assert memo.misses > misses and memo.hits == 0


def test_the_engine_keeps_a_bounded_memo_and_empties_it_on_swap() -> None:
    engine = Engine(bundled_index(), cache_size=2, memo_size=3)
    assert engine.memo is not None
    for i, text in enumerate([INPUTS[1]] * 3 + INPUTS):
        engine.diagnose(f"{text} {i}")  # a new input each time (past the answer cache), the same wording at first
    assert engine.memo.hits >= 2 and len(engine.memo) == 3
    engine.swap(build_index(load_catalog(CATALOG_DIR)))
    assert len(engine.memo) == 0
    assert Engine(bundled_index(), cache_size=8).memo is None


_ANSWERS = """
import sys
from app.engine import build_index, diagnose, load_catalog
index = build_index(load_catalog(sys.argv[1]))
for text in sys.argv[2:]:
    print(diagnose(index, text).model_dump_json())
"""


def test_answers_do_not_depend_on_string_hashing() -> None:
    # Sums of weights once followed set order, so a runner-up or a span could change from one process to the next.
    texts = [
        "Extension state is not supportive to the backup operation",
        "2026-11-12T20:42:34.389Z ERROR [BackupJob 4e73cc60-45ad-a3a9-1d68-71046ffe7379] La sauvegarde a échoué avec le code "
        "ExtensionFailedOutOfMemoryError sur vm-iis-06",
    ]  # both answered differently under PYTHONHASHSEED 1 and 2 before
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-c", _ANSWERS, str(CATALOG_DIR), *texts], env=env, capture_output=True, text=True, check=True, timeout=120)
        outputs.append([json.loads(line) for line in done.stdout.splitlines()])
    assert len(outputs[0]) == len(texts)
    assert outputs[0] == outputs[1]


def test_without_a_memo_an_input_scores_each_normalised_line_once(monkeypatch) -> None:  # noqa: ANN001
    """Log lines that differ only in what normalisation masks (a quoted name) are scored once per input, with the same answer."""
    from app.engine import matcher

    index = bundled_index()
    lines = [f"2026-11-20 INFO resizing disk 'data{'abcdefghij'[i % 10]}{'xyz'[i % 3]}' of the scale set" for i in range(30)]
    text = "\n".join([*lines, INPUTS[0]])
    scored: list[str] = []
    real = matcher.align
    monkeypatch.setattr(matcher, "align", lambda index, norm, picked, in_scope: scored.append(norm) or real(index, norm, picked, in_scope))
    answer = diagnose(index, text)
    assert len(scored) == len(set(scored))  # no text scored twice
    assert [norm for norm in scored if "resizing disk" in norm] == ["<datetime> info resizing disk <name> of the scale set"]
    assert answer.diagnosis is not None and answer.diagnosis.entry_id == diagnose(index, INPUTS[0]).diagnosis.entry_id
    assert answer.diagnosis.explanation.matched_text in INPUTS[0]
