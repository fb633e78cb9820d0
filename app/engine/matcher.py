"""Ranking catalogue entries against an input, in layers.

1. Error codes: a documented code in the input names its entry outright
   (an entry's weak codes, printed by other errors too, only support a message match).
2. Messages: each segment of the input is scored against the catalogue's wordings
   (``app.engine.scoring``); the scores of a segment seen before come from the memo.

Both layers feed one ranking of entries; ``Candidate.score`` is in [0, 1].
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

from app.engine.cache import IndexCache
from app.engine.index import Index, Variant, code_key
from app.engine.normalize import holds_digit, normalize_all
from app.engine.scoring import Picked, Scores, align, message_confidence, pick
from app.engine.segments import ERRORISH as _ERRORISH
from app.engine.segments import Segment, split_segments

__all__ = ["Candidate", "CodeHit", "CodeWatch", "MatchTrace", "SegmentScores", "find_codes", "match"]

_CODE_TOKEN = re.compile(r"[A-Za-z0-9_]{4,}")
_RARE_IDF = 2.0
_WORD = re.compile(r"[a-z0-9+]+")
_CODE_TIER = 1.01  # any entry named by a code ranks above every message-only candidate
_WEAK_CODE_SUPPORT = 0.3  # message confidence from which a weak code counts
_THIN_COVERAGE = 0.35  # share of a wording under which an input outside the domain proves nothing
_OUT_OF_SCOPE = 0.25  # confidence factor of such a match: far under any threshold, kept as a runner-up
_SCOPE_NOTE = (
    "the input names nothing of this catalogue's domain (see its scope), and the wording that matched "
    "does, or the input holds little of it: the resemblance alone is not trusted"
)
_SETTLED = 0.9  # a line matched this well: its sentences and quotes are not scored on their own
_MEMO_MAX_CHARS = 2000  # longer segments (a JSON string holding a whole log) are scored without the memo

SegmentScores = IndexCache[Scores]  # by normalised segment text (see ``match``)


@dataclass(frozen=True, slots=True)
class CodeHit:
    code: str  # as written in the input
    start: int
    end: int
    weak: bool


# MessageHit and Candidate are not frozen: a frozen dataclass sets each field through object.__setattr__ (2.5 times
# the cost of building one, and a log builds hundreds). Nothing changes them once built; ``replace`` makes new ones.
@dataclass(slots=True)
class MessageHit:
    variant: Variant
    segment: Segment
    score: float
    fuzz: float
    coverage: float
    scoped: bool = False  # the wording that matched names the catalogue's domain
    trust: float = 1.0  # factor on the confidence: below 1 when the input does not name the catalogue's domain


@dataclass(slots=True)
class Candidate:
    """One entry with the evidence that ranks it."""

    entry_id: str
    score: float
    confidence: float
    method: str  # "code", "message" or "code+message"
    code: CodeHit | None = None
    message: MessageHit | None = None
    note: str | None = None


@dataclass(slots=True)
class MatchTrace:
    """What a ranking rests on besides the catalogue, for a caller that reuses it (``app.engine.shapes``).

    ``codes``: the code hits; ``segments``: how many segments were kept; ``digits``: whether a digit
    was left in a scored segment once normalised (a number no mask took, as in "V2"); ``norm``: the
    normalised input when it was read as one segment, itself (``diagnose`` guesses its language from it).
    """

    codes: dict[str, CodeHit] = field(default_factory=dict)
    segments: int = 0
    digits: bool = False
    norm: str | None = None


def match(
    index: Index, text: str, *, max_segments: int = 2000, memo: SegmentScores | None = None, trace: MatchTrace | None = None
) -> list[Candidate]:
    """All entries with any evidence in ``text``, best first.

    ``memo`` keeps the scores of segments already seen: the same line reaches a service again and again
    with other VM names, ids, dates and numbers, which normalisation masks, so its scores are found, not
    computed. The ranking is the same with or without it. ``trace``, when given, is filled with what
    the ranking rests on (see ``MatchTrace``).
    """
    codes = find_codes(index, text)
    segments = split_segments(text, max_segments=max_segments, relevant=lambda s: _relevant(index, s))
    if trace is not None:
        trace.codes, trace.segments = codes, len(segments)
    messages, in_scope, norms = _best_messages(index, segments, memo, trace)
    if trace is not None and len(segments) == 1 and segments[0].text == text:
        trace.norm = norms[0]
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


def find_codes(index: Index, text: str) -> dict[str, CodeHit]:
    """The catalogue's error codes written in ``text``, by entry (an owned code wins over a weak one)."""
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


@dataclass(frozen=True, slots=True)
class CodeWatch:
    """Where the codes of an input of one shape may differ from those of the input the shape was first seen with.

    Inputs of one shape differ only in their digits and in the letters of GUIDs whose every group holds
    a digit, and so do their case-folded texts, at the same places. Their code tokens without a digit
    are therefore the same, at the same places: only a token holding a digit can be a code in one input
    and not in another. ``spans``: where such tokens are. ``None`` asks for the codes to be found again
    in full: when the first input had a code holding a digit, or more than one code (then the order in
    which codes are found, by where each first appears, decides between two codes of one entry, and a
    GUID's letters can change that order).
    """

    spans: tuple[tuple[int, int], ...] | None

    @classmethod
    def of(cls, index: Index, text: str) -> CodeWatch:
        tokens = list(_CODE_TOKEN.finditer(text.casefold()))
        known = {m.group() for m in tokens if _is_code(index, m.group())}
        if len(known) > 1 or any(map(holds_digit, known)):
            return cls(None)
        return cls(tuple(m.span() for m in tokens if holds_digit(m.group())))

    def unchanged(self, index: Index, text: str) -> bool:
        """True when ``text``, of the same shape, has provably the same code hits; False: find them to know."""
        if self.spans is None:
            return False
        folded = text.casefold()
        return not any(_is_code(index, folded[start:end]) for start, end in self.spans)


def _is_code(index: Index, token: str) -> bool:
    return token in index.codes or token in index.weak_codes


def _best_messages(
    index: Index, segments: list[Segment], memo: SegmentScores | None, trace: MatchTrace | None
) -> tuple[dict[str, MessageHit], bool, list[str | None]]:
    """The best hit per entry, whether any segment names the catalogue's domain, the segments' normalised texts (None: unread)."""
    best: dict[str, MessageHit] = {}
    in_scope = not index.scope
    settled = -1  # end of the last line whose own best hit leaves its parts nothing to add
    seen: dict[str, Scores] = {}  # this input's segments by normalised text: log lines differing only in what is masked
    texts = _Texts(index, segments, memo, seen)
    for position, segment in enumerate(segments):
        if segment.part and segment.end <= settled and in_scope:
            continue
        norm = texts.norm(position)
        hits, scoped = _score_segment(index, segment, norm, in_scope, memo if memo is not None else seen, texts.picked, trace)
        in_scope = in_scope or scoped
        for hit in hits:
            current = best.get(hit.variant.entry_id)
            if current is None or hit.score > current.score:
                best[hit.variant.entry_id] = hit
        if not segment.part and hits and max(h.score for h in hits) >= _SETTLED:
            settled = segment.end
    return best, in_scope, texts.norms


class _Texts:
    """The normalised texts of an input's segments and the candidates of those not scored yet, prepared a run at a time.

    Lines first, all together (``normalize_all``, ``scoring.pick``); the parts of a line (its sentences
    and quotes, which follow it) when the first of them is needed: a line matched well enough leaves
    them unread. ``picked``: candidates by normalised text, for the texts that neither the memo nor this
    input's scores held when they were read.
    """

    def __init__(self, index: Index, segments: list[Segment], memo: SegmentScores | None, seen: dict[str, Scores]) -> None:
        self.index, self.segments, self.memo, self.seen = index, segments, memo, seen
        self.norms: list[str | None] = [None] * len(segments)
        self.picked: dict[str, Picked] = {}
        self._prepare([i for i, segment in enumerate(segments) if not segment.part])

    def norm(self, position: int) -> str:
        norm = self.norms[position]
        if norm is None:
            end = position
            while end < len(self.segments) and self.segments[end].part:
                end += 1
            self._prepare(range(position, end))
            norm = self.norms[position]
        return norm  # type: ignore[return-value]

    def _prepare(self, positions: list[int] | range) -> None:
        norms = normalize_all([self.segments[i].text for i in positions])
        for i, norm in zip(positions, norms, strict=True):
            self.norms[i] = norm
        memo, index = self.memo, self.index
        todo = [
            norm for norm in dict.fromkeys(norms)
            if norm not in self.picked and norm not in self.seen
            and (memo is None or len(norm) > _MEMO_MAX_CHARS or memo.peek(norm, index) is None)
        ]
        self.picked.update(zip(todo, pick(index, todo), strict=True))


def _score_segment(
    index: Index, segment: Segment, norm: str, in_scope: bool, memo: SegmentScores | dict[str, Scores],
    picked: dict[str, Picked], trace: MatchTrace | None,
) -> tuple[list[MessageHit], bool]:
    """The variants aligned in a segment (``norm``: its normalised text), and whether it names the catalogue's domain.

    ``memo``: the engine's memo, or a dict of this input's segments. Scores put in the dict were computed
    with the ``in_scope`` of their time: whether a text names the domain is only looked at until a
    segment does, and ``in_scope`` never turns false again within an input. ``picked``: the candidates
    of the texts the memo did not hold when the input was read.
    """
    if trace is not None and not trace.digits:
        trace.digits = holds_digit(norm)
    if isinstance(memo, dict):
        scores = memo.get(norm)
        if scores is None:
            scores = memo[norm] = _scores(index, norm, in_scope, picked)
    elif len(norm) > _MEMO_MAX_CHARS:
        scores = _scores(index, norm, in_scope, picked)
    else:
        scores = memo.get(norm, index)
        if scores is None:
            scores = _scores(index, norm, False, picked)
            memo.put(norm, index, scores)
    fine, scoped = scores
    variants = index.variants
    return [MessageHit(variants[vi], segment, score, ratio, recall, sc) for vi, score, ratio, recall, sc in fine], scoped


def _scores(index: Index, norm: str, in_scope: bool, picked: dict[str, Picked]) -> Scores:
    found = picked.get(norm)
    if found is None:  # the memo held it when the input was read, and has let it go since
        found = picked[norm] = pick(index, [norm])[0]
    return align(index, norm, found, in_scope)


def _combine(codes: dict[str, CodeHit], messages: dict[str, MessageHit]) -> list[Candidate]:
    sharers: dict[str, int] = defaultdict(int)
    for hit in codes.values():
        sharers[code_key(hit.code)] += 0 if hit.weak else 1
    candidates = []
    for entry_id in set(codes) | set(messages):
        code, msg = codes.get(entry_id), messages.get(entry_id)
        if msg is None and code is not None and code.weak:
            continue  # a weak code only supports a message match: alone, it is no evidence
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
