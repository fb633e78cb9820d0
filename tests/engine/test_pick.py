"""Candidate picking: texts picked together get what each gets alone."""

from __future__ import annotations

import dataclasses
import random

import pytest
from support import bundled_index

from app.engine import scoring
from app.engine.cache import IndexCache
from app.engine.normalize import normalize, tokenize
from app.engine.scoring import pick
from bench.inputs import error_wordings, log_text


def _log_norms(seed: int) -> list[str]:
    index = bundled_index()
    rng = random.Random(seed)
    wordings = [text for _eid, text in error_wordings(index)]
    log = log_text(rng, 6000, rng.sample(wordings, 3))
    return [normalize(line) for line in log.splitlines()] + ["", "zzz unknown words only", *rng.sample(wordings, 20)]


@pytest.mark.parametrize("cells", [1, 1500, 1 << 16])  # one text at a time, six, all at once
def test_texts_picked_together_get_the_candidates_each_gets_alone(monkeypatch: pytest.MonkeyPatch, cells: int) -> None:
    index = bundled_index()
    norms = _log_norms(5)
    alone = [pick(index, [norm])[0] for norm in norms]
    monkeypatch.setattr(scoring, "_BATCH_CELLS", cells)
    together = pick(index, norms)
    assert together == alone
    assert sum(len(candidates) > 0 for _tokens, candidates in together) > len(norms) // 2
    assert max(len(candidates) for _tokens, candidates in together) == 8  # some texts had more than eight: cut alike


def test_candidates_are_the_wordings_holding_a_fifth_of_their_weight_best_first_eight() -> None:
    index = bundled_index()
    norm = normalize(next(m.text for e in index.catalog for m in e.messages if m.lang == "en"))
    tokens, candidates = pick(index, [norm])[0]
    assert tokens == set(tokenize(norm))
    recalls = {vi: recall for recall, _precision, vi, _shared in candidates}
    assert all(recall >= 0.2 for recall in recalls.values())
    # No wording left out holds more of its weight than a wording kept.
    shared = {vi: sum(index.terms[t].idf for t in tokens if t in index.terms and index.terms[t].idf >= 0.15
                      and vi in index.terms[t].variants) for vi in range(len(index.variants))}
    recall_of = {vi: shared[vi] / index.variants[vi].weight for vi in shared if index.variants[vi].weight}
    left_out = [r for vi, r in recall_of.items() if vi not in recalls and r >= 0.2]
    assert len(candidates) <= 8
    assert not left_out or max(left_out) <= min(recalls.values()) + 1e-6


def test_peeking_at_the_memo_counts_no_lookup() -> None:
    index = bundled_index()
    memo: IndexCache[int] = IndexCache(4, admission=True)
    memo.put("a", index, 1)  # not admitted: "a" was never looked up
    assert memo.peek("a", index) is None
    assert memo.get("a", index) is None and memo.get("a", index) is None
    memo.put("a", index, 1)
    hits, misses = memo.hits, memo.misses
    assert memo.peek("a", index) == 1
    assert memo.peek("a", dataclasses.replace(index)) is None  # another index (a catalogue swapped in)
    assert (memo.hits, memo.misses) == (hits, misses)


def test_a_whole_clause_bound_read_from_the_picked_weight_is_the_bound_summed_from_the_clause() -> None:
    """The shortcut of _align_best for a variant of one clause: the same float, not merely close."""
    index = bundled_index()
    norms = _log_norms(9)
    compared = 0
    for (tokens, candidates) in pick(index, norms):
        for _recall, _precision, vi, shared in candidates:
            variant = index.variants[vi]
            if variant.whole and not variant.clauses[0].faint:
                assert scoring._held(shared, variant.clauses[0]) == scoring._clause_bound(variant.clauses[0], tokens)
                compared += 1
    assert compared > 50
