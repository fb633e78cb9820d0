"""Ranking catalogue entries against an input, in layers.

1. Error codes: a documented code in the input names its entry outright
   (an entry's weak codes, printed by other errors too, only support a message match).
2. Messages: each segment of the input picks candidate variants through the
   token index (rare tokens weigh more), then rapidfuzz aligns each candidate's
   core wording inside the segment.

Both layers feed one ranking of entries; ``Candidate.score`` is in [0, 1].
"""

from __future__ import annotations

import math
import operator
import re
from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz import fuzz

from app.engine.cache import IndexCache
from app.engine.index import Clause, Index, Variant, code_key
from app.engine.normalize import normalize, tokenize
from app.engine.segments import ERRORISH as _ERRORISH
from app.engine.segments import Segment, split_segments

__all__ = ["Candidate", "CodeHit", "SegmentScores", "match"]

_CODE_TOKEN = re.compile(r"[A-Za-z0-9_]{4,}")
_MIN_IDF = 0.15
_RARE_IDF = 2.0
_WORD = re.compile(r"[a-z0-9+]+")
_CANDIDATES_PER_SEGMENT = 8
_ALWAYS_ALIGNED = 3  # candidates aligned whatever their bound (the best and runners-up)
_PRUNE_MARGIN = 0.3  # skip candidates whose best possible score is this far below the best found
_MIN_COVERAGE = 0.2
_W_FUZZ, _W_RECALL, _W_PRECISION = 0.5, 0.2, 0.3
_CODE_TIER = 1.01  # any entry named by a code ranks above every message-only candidate
_WEAK_CODE_SUPPORT = 0.3  # message confidence from which a weak code counts
_CLAUSE_WEIGHT = 7.0  # idf weight a clause needs to decide alone (about three rare words)
_ADVICE_WEIGHT = 0.6  # a segment that matches only advice ("please wait and retry") proves little
_CLAUSE_SHARE = 0.6  # share of a clause's weight a segment must hold to count fully
_GENERIC_VARIANT = 7.9  # idf weight under which a wording is too generic to be found inside other text
_THIN_COVERAGE = 0.35  # share of a wording under which an input outside the domain proves nothing
_OUT_OF_SCOPE = 0.25  # confidence factor of such a match: far under any threshold, kept as a runner-up
_SCOPE_NOTE = (
    "the input names nothing of this catalogue's domain (see its scope), and the wording that matched "
    "does, or the input holds little of it: the resemblance alone is not trusted"
)
_SETTLED = 0.9  # a line matched this well: its sentences and quotes are not scored on their own
_MIN_EVIDENCE = 10.0  # idf weight below which a segment cannot be fully "explained" (a few words prove little)
_FIRST = operator.itemgetter(0)
_MEMO_MAX_CHARS = 2000  # longer segments (a JSON string holding a whole log) are scored without the memo

# A segment's scores depend on its normalised text alone: (variant number, score, fuzz, coverage, scoped) per
# aligned variant, and whether the text names the catalogue's domain.
_Scores = tuple[tuple[tuple[int, float, float, float, bool], ...], bool]
SegmentScores = IndexCache[_Scores]


@dataclass(frozen=True, slots=True)
class CodeHit:
    code: str  # as written in the input
    start: int
    end: int
    weak: bool


@dataclass(frozen=True, slots=True)
class MessageHit:
    variant: Variant
    segment: Segment
    score: float
    fuzz: float
    coverage: float
    scoped: bool = False  # the wording that matched names the catalogue's domain
    trust: float = 1.0  # factor on the confidence: below 1 when the input does not name the catalogue's domain


@dataclass(frozen=True, slots=True)
class Candidate:
    """One entry with the evidence that ranks it."""

    entry_id: str
    score: float
    confidence: float
    method: str  # "code", "message" or "code+message"
    code: CodeHit | None = None
    message: MessageHit | None = None
    note: str | None = None


def match(index: Index, text: str, *, max_segments: int = 2000, memo: SegmentScores | None = None) -> list[Candidate]:
    """All entries with any evidence in ``text``, best first.

    ``memo`` keeps the scores of segments already seen: the same line reaches a service again and again
    with other VM names, ids, dates and numbers, which normalisation masks, so its scores are found, not
    computed. The ranking is the same with or without it.
    """
    codes = _find_codes(index, text)
    segments = split_segments(text, max_segments=max_segments, relevant=lambda s: _relevant(index, s))
    messages, in_scope = _best_messages(index, segments, memo)
    if index.scope and not in_scope and not any(not hit.weak for hit in codes.values()):
        messages = {eid: _out_of_scope(hit) for eid, hit in messages.items()}
    ranked = _combine(codes, messages)
    return _annotate_conflict(ranked, messages)


def _out_of_scope(hit: MessageHit) -> MessageHit:
    """An input naming nothing of the catalogue's domain: distrust a match on a domain wording, or on little of one."""
    if hit.scoped or hit.coverage < _THIN_COVERAGE:
        return replace(hit, trust=_OUT_OF_SCOPE)
    return hit


def _relevant(index: Index, text: str) -> bool:
    """Cheap test used when an input has too many segments: does it hold rare catalogue words?"""
    rare = sum(index.idf.get(t, 0.0) >= _RARE_IDF for t in _WORD.findall(text.casefold()))
    return rare >= 2 or bool(_ERRORISH.search(text))


def _find_codes(index: Index, text: str) -> dict[str, CodeHit]:
    hits: dict[str, CodeHit] = {}
    folded = text.casefold()
    present = set(_CODE_TOKEN.findall(folded))
    known = sorted((present & index.codes.keys()) | (present & index.weak_codes.keys()), key=folded.find)
    for key in known:
        token = re.search(rf"(?<![A-Za-z0-9_]){re.escape(key)}(?![A-Za-z0-9_])", folded)
        if token is None:
            continue
        for weak, table in ((False, index.codes), (True, index.weak_codes)):
            for entry_id in table.get(key, ()):
                current = hits.get(entry_id)
                if current is None or (current.weak and not weak):
                    hits[entry_id] = CodeHit(text[token.start() : token.end()], token.start(), token.end(), weak)
    return hits


def _best_messages(index: Index, segments: list[Segment], memo: SegmentScores | None) -> tuple[dict[str, MessageHit], bool]:
    """The best hit per entry, and whether any segment names the catalogue's domain."""
    best: dict[str, MessageHit] = {}
    in_scope = not index.scope
    settled = -1  # end of the last line whose own best hit leaves its parts nothing to add
    for segment in segments:
        if segment.part and segment.end <= settled and in_scope:
            continue
        hits, scoped = _score_segment(index, segment, in_scope, memo)
        in_scope = in_scope or scoped
        for hit in hits:
            current = best.get(hit.variant.entry_id)
            if current is None or hit.score > current.score:
                best[hit.variant.entry_id] = hit
        if not segment.part and hits and max(h.score for h in hits) >= _SETTLED:
            settled = segment.end
    return best, in_scope


def _score_segment(index: Index, segment: Segment, in_scope: bool, memo: SegmentScores | None) -> tuple[list[MessageHit], bool]:
    """The variants aligned in a segment, and whether it names the catalogue's domain (needed until one does)."""
    norm = normalize(segment.text)
    if memo is None or len(norm) > _MEMO_MAX_CHARS:
        scores = _score_text(index, norm, in_scope)
    else:
        scores = memo.get(norm, index)
        if scores is None:
            scores = _score_text(index, norm, False)
            memo.put(norm, index, scores)
    fine, scoped = scores
    variants = index.variants
    return [MessageHit(variants[vi], segment, score, ratio, recall, sc) for vi, score, ratio, recall, sc in fine], scoped


def _score_text(index: Index, norm: str, in_scope: bool) -> _Scores:
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
    best = np.flatnonzero(recall >= _MIN_COVERAGE)
    if len(best) > _CANDIDATES_PER_SEGMENT:
        best = best[np.argpartition(-recall[best], _CANDIDATES_PER_SEGMENT)[:_CANDIDATES_PER_SEGMENT]]
    if not len(best):
        return (), scoped
    evidence = max(sum(t.idf for t in picking), _MIN_EVIDENCE)
    candidates = [(r, s / evidence, i) for r, s, i in zip(recall[best].tolist(), shared[best].tolist(), best.tolist(), strict=True)]
    return _align_best(index, norm, candidates, tokens), scoped


def _align_best(
    index: Index, norm: str, candidates: list[tuple[float, float, int]], tokens: set[str]
) -> tuple[tuple[int, float, float, float, bool], ...]:
    """Align candidates, most promising first; stop once none left can come near the best."""
    planned = []
    for recall, precision, vi in candidates:
        variant = index.variants[vi]
        bounds = [(_clause_bound(c, tokens), c) for c in variant.clauses]
        alignment = 1.0 if variant.weight < _GENERIC_VARIANT else max(bounds, key=_FIRST)[0]
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
    shared = math.fsum([w for t, w in clause.weights.items() if t in tokens])  # exact: the same whatever the order
    if not shared:
        return 0.0
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


def message_confidence(score: float) -> float:
    """Map a message score to a confidence: a steep logistic, set by hand so that low scores carry almost none."""
    return 1.0 / (1.0 + math.exp(-22.0 * (score - 0.68)))


def _combine(codes: dict[str, CodeHit], messages: dict[str, MessageHit]) -> list[Candidate]:
    sharers: dict[str, int] = defaultdict(int)
    for hit in codes.values():
        sharers[code_key(hit.code)] += 0 if hit.weak else 1
    candidates = []
    for entry_id in set(codes) | set(messages):
        code, msg = codes.get(entry_id), messages.get(entry_id)
        candidates.append(_candidate(entry_id, code, msg, sharers[code_key(code.code)] if code else 0))
    # Equal scores (entries sharing a wording) are ordered by id, so the answer never depends on hashing.
    return sorted(candidates, key=lambda c: (-c.score, -c.confidence, c.entry_id))


def _candidate(entry_id: str, code: CodeHit | None, msg: MessageHit | None, sharers: int) -> Candidate:
    msg_score = msg.score if msg else 0.0
    msg_conf = message_confidence(msg_score) * msg.trust if msg else 0.0
    if code is None or (code.weak and msg_conf < _WEAK_CODE_SUPPORT):
        note = _SCOPE_NOTE if msg is not None and msg.trust < 1.0 else None
        return Candidate(entry_id, msg_score, msg_conf, "message", None, msg, note)
    method = "code+message" if msg_conf >= 0.5 else "code"
    if code.weak:
        # A code other errors print too, with this entry's wording: as strong as an owned code.
        return Candidate(entry_id, _CODE_TIER + msg_score, 0.6 + 0.4 * msg_conf, method, code, msg)
    if sharers <= 1:
        return Candidate(entry_id, _CODE_TIER + msg_score, max(0.97, msg_conf), method, code, msg)
    # A code shared by several entries: the message decides between them.
    return Candidate(entry_id, _CODE_TIER + msg_score, 0.5 + 0.49 * msg_conf, method, code, msg)


def _annotate_conflict(ranked: list[Candidate], messages: dict[str, MessageHit]) -> list[Candidate]:
    if not ranked or ranked[0].code is None or ranked[0].code.weak or not messages:
        return ranked
    top = ranked[0]
    best_msg = max(messages.values(), key=lambda h: h.score)
    if best_msg.variant.entry_id != top.entry_id and message_confidence(best_msg.score) >= 0.6:
        note = (
            f"the error code {top.code.code} names this entry; the message resembles "
            f"{best_msg.variant.entry_id} (score {best_msg.score:.2f}), but a code outranks wording"
        )
        ranked[0] = replace(top, note=note)
    return ranked
