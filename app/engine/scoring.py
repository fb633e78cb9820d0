"""Scoring normalised texts against the catalogue's wordings.

A text picks candidate wordings (``pick``, several texts at once) through the token index (rare tokens weigh more; a wording must
share at least a fifth of its weight with the text), then rapidfuzz aligns the clauses of the most
promising candidates inside the text (``align``), stopping once none left can come near the best. The result
depends on the normalised text alone, which is what lets ``match`` keep it in a memo.
"""

from __future__ import annotations

import math
import operator

import numpy as np
from rapidfuzz import fuzz

from app.engine.index import PICK_MIN_IDF, Clause, Index, Term, Variant
from app.engine.normalize import tokenize

__all__ = ["MIN_CONFIDENCE", "Picked", "Wording", "message_confidence", "Scores", "align", "pick"]

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

# A message score's confidence: a steep logistic, set by hand so that low scores carry almost none.
_MIDPOINT, _STEEPNESS = 0.68, 22.0
MIN_CONFIDENCE = 0.01  # a wording that cannot reach this confidence is not aligned: no runner-up, no match comes of it
_LEAST_SCORE = _MIDPOINT - math.log(1.0 / MIN_CONFIDENCE - 1.0) / _STEEPNESS  # the score of that confidence (0.471)


def message_confidence(score: float) -> float:
    """Map a message score to a confidence in [0, 1]."""
    return 1.0 / (1.0 + math.exp(-_STEEPNESS * (score - _MIDPOINT)))


# A segment's scores depend on its normalised text alone: (variant number, score, fuzz, coverage, scoped) per
# aligned variant, and whether the text names the catalogue's domain.
Scores = tuple[tuple[tuple[int, float, float, float, bool], ...], bool]
# A text's tokens and its candidate wordings: (recall, precision, variant number, shared weight) of each.
Wording = tuple[float, float, int, float]
Picked = tuple[set[str], list[Wording]]
_BATCH_CELLS = 1 << 16  # (text, wording) sums counted at once when several texts are picked together (0.5 MB)
_BATCH_MIN = 4  # texts from which picking them together pays (measured: 2 texts take 20% longer together, 4 take 10% less)


def align(index: Index, norm: str, picked: Picked, in_scope: bool) -> Scores:
    """The scores of a text from its candidates (``pick``).

    Whether the text names the domain is only looked at when ``in_scope`` is false.
    """
    tokens, candidates = picked
    scoped = not in_scope and index.scope.holds(norm, tokens)
    if not candidates:
        return (), scoped
    return _align_best(index, norm, candidates, tokens), scoped


def pick(index: Index, norms: list[str]) -> list[Picked]:
    """Each text's tokens and candidate wordings: those holding a fifth of their weight in it, the best eight.

    The texts of a log are picked together, a few numpy calls for all of them rather than a dozen
    for each: their sums per wording are counted in one array of (text, wording) cells, at most
    ``_BATCH_CELLS`` at a time. A text's candidates are the same whether it is picked alone or with
    others: its cells hold the same sums, added in the same order.
    """
    rows = []
    for norm in norms:
        tokens = set(tokenize(norm))
        # In a fixed order: sums of floats depend on it, and the answer must not vary with string hashing.
        terms = [term for term in map(index.terms.get, sorted(tokens)) if term is not None and term.idf >= PICK_MIN_IDF]
        rows.append((tokens, terms))
    per_chunk = max(1, _BATCH_CELLS // max(1, len(index.variants)))
    candidates: list[list[Wording]] = []
    if len(rows) < _BATCH_MIN or per_chunk < _BATCH_MIN:
        for _tokens, terms in rows:
            candidates += _candidates(index, [terms])
    else:
        for start in range(0, len(rows), per_chunk):
            candidates += _candidates(index, [terms for _tokens, terms in rows[start : start + per_chunk]])
    return [(tokens, found) for (tokens, _terms), found in zip(rows, candidates, strict=True)]


def _candidates(index: Index, rows: list[list[Term]]) -> list[list[Wording]]:
    """The candidate wordings of each text (see ``Wording``), given its weighted terms."""
    found: list[list[Wording]] = [[] for _ in rows]
    live = [i for i, terms in enumerate(rows) if terms]
    if not live:
        return found
    count = len(index.variants)
    terms = [t for i in live for t in rows[i]]
    holders = np.concatenate([t.variants for t in terms])
    # Each term's idf once per variant holding it: repeated here rather than stored per term (a third of
    # a 100,000-entry query's time went to concatenating stored copies, and they weighed 28 MB).
    weights = np.repeat([t.idf for t in terms], [len(t.variants) for t in terms])
    if len(live) == 1:  # one text (most short messages): the same steps on one row, with fewer numpy calls
        row = live[0]
        shared = np.bincount(holders, weights=weights, minlength=count)
        recall = shared * index.inverse_weights
        (best,) = (recall >= _MIN_COVERAGE).nonzero()  # np.flatnonzero without its wrapper
        if len(best) > _CANDIDATES_PER_SEGMENT:
            best = _best_eight(recall, best)
        if len(best):
            found[row] = _listed(rows[row], recall[best].tolist(), shared[best].tolist(), best.tolist())
        return found
    # Each text its own row of cells.
    lengths = [sum(len(t.variants) for t in rows[i]) for i in live]
    holders = holders + np.repeat(np.arange(0, len(live) * count, count, dtype=np.int64), lengths)
    shared = np.bincount(holders, weights=weights, minlength=len(live) * count).reshape(len(live), count)
    recall = shared * index.inverse_weights
    texts, wordings = (recall >= _MIN_COVERAGE).nonzero()
    sizes = np.bincount(texts, minlength=len(live)).tolist()
    if max(sizes) > _CANDIDATES_PER_SEGMENT:
        # Past eight, a text's best eight among its own candidates, as when picked alone.
        pieces, end = [], 0
        for row, size in enumerate(sizes):
            start, end = end, end + size
            piece = wordings[start:end]
            if size > _CANDIDATES_PER_SEGMENT:
                piece = _best_eight(recall[row], piece)
                sizes[row] = _CANDIDATES_PER_SEGMENT
            pieces.append(piece)
        wordings = np.concatenate(pieces)
        texts = np.repeat(np.arange(len(live)), sizes)
    recalls, sums, numbers = recall[texts, wordings].tolist(), shared[texts, wordings].tolist(), wordings.tolist()
    end = 0
    for row, size in zip(live, sizes, strict=True):
        start, end = end, end + size
        if size:
            found[row] = _listed(rows[row], recalls[start:end], sums[start:end], numbers[start:end])
    return found


def _best_eight(recall: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """The candidates (wording numbers) of the eight highest recalls, in argpartition's order."""
    return candidates[(-recall[candidates]).argpartition(_CANDIDATES_PER_SEGMENT)[:_CANDIDATES_PER_SEGMENT]]


def _listed(terms: list[Term], recalls: list[float], sums: list[float], numbers: list[int]) -> list[Wording]:
    """(recall, precision, variant number, shared weight) per candidate: precision is the share of the text's weight the wording holds."""
    evidence = max(sum([t.idf for t in terms]), _MIN_EVIDENCE)
    return [(r, s / evidence, i, s) for r, s, i in zip(recalls, sums, numbers, strict=True)]


def _align_best(index: Index, norm: str, candidates: list[Wording], tokens: set[str]) -> tuple[tuple[int, float, float, float, bool], ...]:
    """Align candidates, most promising first; stop once none left can come near the best, or reach MIN_CONFIDENCE.

    A wording whose best possible score (``limit``) is under MIN_CONFIDENCE's is not aligned: it could
    only be a runner-up at a confidence of 0.000-0.009, and aligning such wordings took about a tenth
    of a short message's time and most of a log's (its noise lines). The evaluation reports are the
    same without them. (Dropping the aligned wordings that score under it would not be: a weak hit
    still ranks the right entry first in some unmatched inputs.)
    """
    planned = []
    variants = index.variants
    for recall, precision, vi, shared in candidates:
        variant = variants[vi]
        clauses = variant.clauses
        if variant.weight < _GENERIC_VARIANT:
            # Compared whole (see _fine_score): its clauses are not aligned, so their bounds are not needed.
            alignment, bounds = 1.0, [(0.0, c) for c in clauses]
        elif variant.whole and not clauses[0].faint:
            # Its one clause holds the tokens that picked it, no other: their weight in the text is the
            # variant's, summed in the same order (``_clause_bound`` sums them so), so it is not summed again.
            alignment = _held(shared, clauses[0])
            bounds = [(alignment, clauses[0])]
        else:
            bounds = [(_clause_bound(c, tokens), c) for c in clauses]
            alignment = max(bounds, key=_FIRST)[0]
        limit = _W_FUZZ * alignment + _W_RECALL * min(recall, 1.0) + _W_PRECISION * min(precision, 1.0)
        planned.append((limit, recall, precision, vi, bounds))
    planned.sort(key=_FIRST, reverse=True)
    hits: list[tuple[int, float, float, float, bool]] = []
    best = 0.0
    for limit, recall, precision, vi, bounds in planned:
        if limit < _LEAST_SCORE:
            break  # it, and those after it, cannot reach MIN_CONFIDENCE
        if len(hits) >= _ALWAYS_ALIGNED and limit < best - _PRUNE_MARGIN:
            break
        # Sorted only for the candidates aligned; stable, so equal bounds keep the clauses' order.
        clauses = sorted(bounds, key=_FIRST, reverse=True) if len(bounds) > 1 else bounds
        hit = _fine_score(variants[vi], vi, norm, clauses, recall, precision)
        hits.append(hit)
        if hit[1] > best:
            best = hit[1]
    return tuple(hits)

def _clause_bound(clause: Clause, tokens: set[str]) -> float:
    """A clause's score with a perfect alignment (see ``_held``), from the weight of its tokens in the segment.

    Summed in the tokens' order, as ``pick`` sums a variant's: exact sums are not needed, a sum that
    does not vary with string hashing is.
    """
    present = tokens.intersection(clause.weights)
    if not present:
        return 0.0
    weights = clause.weights
    return _held(sum([weights[t] for t in sorted(present)]), clause)


def _held(shared: float, clause: Clause) -> float:
    """Discounted when the segment holds little of the clause, or the clause is advice."""
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
