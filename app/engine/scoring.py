"""Scoring one normalised text against the catalogue's wordings.

The text picks candidate wordings through the token index (rare tokens weigh more; a wording must
share at least a fifth of its weight with the text), then rapidfuzz aligns the clauses of the most
promising candidates inside the text, stopping once none left can come near the best. The result
depends on the normalised text alone, which is what lets ``match`` keep it in a memo.
"""

from __future__ import annotations

import math
import operator

import numpy as np
from rapidfuzz import fuzz

from app.engine.index import Clause, Index, Variant
from app.engine.normalize import tokenize

__all__ = ["Scores", "score_text"]

_MIN_IDF = 0.15
_CANDIDATES_PER_SEGMENT = 8
_ALWAYS_ALIGNED = 3  # candidates aligned whatever their bound (the best and runners-up)
_PRUNE_MARGIN = 0.3  # skip candidates whose best possible score is this far below the best found
_MIN_COVERAGE = 0.2
_W_FUZZ, _W_RECALL, _W_PRECISION = 0.5, 0.2, 0.3
_CLAUSE_WEIGHT = 7.0  # idf weight a clause needs to decide alone (about three rare words)
_ADVICE_WEIGHT = 0.6  # a segment that matches only advice ("please wait and retry") proves little
_CLAUSE_SHARE = 0.6  # share of a clause's weight a segment must hold to count fully
_GENERIC_VARIANT = 7.9  # idf weight under which a wording is too generic to be found inside other text
_MIN_EVIDENCE = 10.0  # idf weight below which a segment cannot be fully "explained" (a few words prove little)
_FIRST = operator.itemgetter(0)

# A segment's scores depend on its normalised text alone: (variant number, score, fuzz, coverage, scoped) per
# aligned variant, and whether the text names the catalogue's domain.
Scores = tuple[tuple[tuple[int, float, float, float, bool], ...], bool]


def score_text(index: Index, norm: str, in_scope: bool) -> Scores:
    """Rank variants by the share of their weight the text holds, then align the best few.

    Whether the text names the domain is only looked at when ``in_scope`` is false.
    """
    tokens = set(tokenize(norm))
    scoped = not in_scope and index.scope.holds(norm, tokens)
    # In a fixed order: sums of floats depend on it, and the answer must not vary with string hashing.
    picking = [term for term in map(index.terms.get, sorted(tokens)) if term is not None and term.idf >= _MIN_IDF]
    if not picking:
        return (), scoped
    shared = np.bincount(
        np.concatenate([t.variants for t in picking]),
        weights=np.concatenate([t.variant_weights for t in picking]),
        minlength=len(index.variants),
    )
    recall = shared * index.inverse_weights
    (best,) = (recall >= _MIN_COVERAGE).nonzero()  # np.flatnonzero without its wrapper (2 us of a segment's 25)
    if len(best) > _CANDIDATES_PER_SEGMENT:
        best = best[np.argpartition(-recall[best], _CANDIDATES_PER_SEGMENT)[:_CANDIDATES_PER_SEGMENT]]
    if not len(best):
        return (), scoped
    evidence = max(sum([t.idf for t in picking]), _MIN_EVIDENCE)
    candidates = [(r, s / evidence, i) for r, s, i in zip(recall[best].tolist(), shared[best].tolist(), best.tolist(), strict=True)]
    return _align_best(index, norm, candidates, tokens), scoped


def _align_best(
    index: Index, norm: str, candidates: list[tuple[float, float, int]], tokens: set[str]
) -> tuple[tuple[int, float, float, float, bool], ...]:
    """Align candidates, most promising first; stop once none left can come near the best."""
    planned = []
    for recall, precision, vi in candidates:
        variant = index.variants[vi]
        if variant.weight < _GENERIC_VARIANT:
            # Compared whole (see _fine_score): its clauses are not aligned, so their bounds are not needed.
            alignment, bounds = 1.0, [(0.0, c) for c in variant.clauses]
        else:
            bounds = [(_clause_bound(c, tokens), c) for c in variant.clauses]
            alignment = max(bounds, key=_FIRST)[0]
        limit = _W_FUZZ * alignment + _W_RECALL * min(recall, 1.0) + _W_PRECISION * min(precision, 1.0)
        planned.append((limit, recall, precision, vi, bounds))
    planned.sort(key=_FIRST, reverse=True)
    hits: list[tuple[int, float, float, float, bool]] = []
    best = 0.0
    for limit, recall, precision, vi, bounds in planned:
        if len(hits) >= _ALWAYS_ALIGNED and limit < best - _PRUNE_MARGIN:
            break
        # Sorted only for the candidates aligned; stable, so equal bounds keep the clauses' order.
        clauses = sorted(bounds, key=_FIRST, reverse=True) if len(bounds) > 1 else bounds
        hit = _fine_score(index.variants[vi], vi, norm, clauses, recall, precision)
        hits.append(hit)
        best = max(best, hit[1])
    return tuple(hits)


def _clause_bound(clause: Clause, tokens: set[str]) -> float:
    """A clause's score with a perfect alignment: discounted when the segment holds little of it, or it is advice."""
    present = tokens.intersection(clause.weights)
    if not present:
        return 0.0
    shared = math.fsum(map(clause.weights.__getitem__, present))  # exact: the same whatever the order
    held = min(1.0, shared / (_CLAUSE_SHARE * clause.weight)) * min(1.0, shared / _CLAUSE_WEIGHT)
    return held * (_ADVICE_WEIGHT if clause.advice else 1.0)


def _fine_score(
    variant: Variant, vi: int, norm: str, clauses: list[tuple[float, Clause]], recall: float, precision: float
) -> tuple[int, float, float, float, bool]:
    """Align the variant's clauses (with their bounds, best first) inside the segment; the best counts.

    A clause counts in proportion to the weight of its words that the segment
    holds, so neither a clause of common words nor a segment holding one word
    of a clause ("ERROR:") can score high.
    ``recall`` is the share of the variant's weight present in the segment
    (truncated inputs hold less of it); ``precision`` the share of the
    segment's known words that the variant explains (words the catalogue
    never uses, such as VM names, weigh nothing).
    """
    if variant.weight < _GENERIC_VARIANT:
        # A wording of a few common words ("Command execution failed.") must be the whole segment.
        ratio = fuzz.ratio(variant.core, norm.strip(" .:"), processor=None) / 100.0
        scoped = any(c.scoped for _b, c in clauses)
    else:
        ratio, scoped = _best_clause(clauses, norm)
    score = _W_FUZZ * ratio + _W_RECALL * min(recall, 1.0) + _W_PRECISION * min(precision, 1.0)
    return vi, score, ratio, recall, scoped


def _best_clause(clauses: list[tuple[float, Clause]], norm: str) -> tuple[float, bool]:
    """The best clause score, and whether that clause names the domain; a clause is aligned only if its bound can beat the best so far."""
    best, scoped = 0.0, False
    for bound, clause in clauses:
        if bound <= best:
            break
        score = fuzz.partial_ratio(clause.text, norm, processor=None, score_cutoff=best * 100 / bound) / 100.0 * bound
        if score > best:
            best, scoped = score, clause.scoped
    return best, scoped
