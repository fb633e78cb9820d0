"""From ranked candidates to a diagnosis in the caller's language."""

from __future__ import annotations

from dataclasses import dataclass

from app.engine.index import Index
from app.engine.matcher import Candidate, MatchTrace, SegmentScores, match
from app.engine.model import Entry, Lang
from app.engine.normalize import guess_language, normalize, tokenize
from app.engine.results import (
    Alternative,
    CatalogInfo,
    DiagnoseResult,
    Diagnosis,
    DiagnosisDoc,
    DiagnosisStep,
    Explanation,
    Span,
    trusted,
)

__all__ = ["DiagnoseOptions", "diagnose", "decide", "choose_language", "describe_entry", "MATCHED_TEXT_MAX"]

# Results are built with ``trusted`` (a leaner model_construct): their values come from the validated catalogue and the
# matcher, so validating them again on every call would only cost time.

MATCHED_TEXT_MAX = 300  # characters of the input quoted by an explanation


@dataclass(frozen=True)
class DiagnoseOptions:
    """How a diagnosis is made; the service fills it from its settings."""

    threshold: float = 0.6
    limit: int = 3
    max_segments: int = 2000


def diagnose(
    index: Index,
    text: str,
    *,
    lang: Lang | None = None,
    accept_language: Lang | None = None,
    options: DiagnoseOptions = DiagnoseOptions(),
    memo: SegmentScores | None = None,
    trace: MatchTrace | None = None,
) -> DiagnoseResult:
    """Diagnose ``text`` against ``index``: the best entry if its confidence reaches the threshold.

    ``memo``: scores of segments already seen (see ``match``); the answer is the same without it.
    ``trace``: filled with what the ranking rests on (see ``match``).
    """
    trace = trace if trace is not None else MatchTrace()
    ranked = match(index, text, max_segments=options.max_segments, memo=memo, trace=trace)
    top, matched = decide(ranked, options)
    answer_lang = choose_language(text, lang, top if matched else None, accept_language, norm=trace.norm)
    others = ranked[1:] if matched else ranked
    return trusted(
        DiagnoseResult,
        matched=matched,
        lang=answer_lang,
        diagnosis=describe_entry(index, top, answer_lang) if matched else None,
        alternatives=[_alternative(index, c, answer_lang) for c in others[: options.limit]],
        catalog=trusted(CatalogInfo, version=index.catalog.version, entries=len(index.catalog)),
    )


def decide(ranked: list[Candidate], options: DiagnoseOptions) -> tuple[Candidate | None, bool]:
    """The best candidate, and whether its confidence reaches the threshold (``matched``)."""
    top = ranked[0] if ranked else None
    return top, top is not None and top.confidence >= options.threshold


_GUESS_CHARS = 5000  # the language of an input is guessed from its start


def choose_language(
    text: str, lang: Lang | None, top: Candidate | None, fallback: Lang | None, *, norm: str | None = None
) -> Lang:
    """``lang`` if given, else the language of the matched wording or of the input, else ``fallback``, else English.

    ``norm``: ``text`` normalised, when the caller has it (``MatchTrace.norm``).
    """
    if lang:
        return lang
    if top is not None and top.message is not None and top.message.score >= 0.5:
        return top.message.variant.lang  # type: ignore[return-value]
    if norm is None or len(text) > _GUESS_CHARS:
        norm = normalize(text[:_GUESS_CHARS])
    guessed = guess_language(tokenize(norm))
    return guessed or fallback or "en"  # type: ignore[return-value]


def describe_entry(index: Index, candidate: Candidate, lang: Lang) -> Diagnosis:
    entry = index.catalog.entries[candidate.entry_id]
    causes, steps, docs = _localized(index, entry, lang)
    return trusted(
        Diagnosis,
        entry_id=entry.id,
        category=entry.category,
        title=entry.title.get(lang),
        codes=list(entry.codes),
        confidence=round(candidate.confidence, 3),
        retryable=entry.retryable,
        retry_after_seconds=entry.retry_after_seconds,
        causes=list(causes),
        steps=list(steps),
        docs=list(docs),
        related=list(entry.related),
        explanation=explain(candidate),
    )


def _localized(index: Index, entry: Entry, lang: Lang) -> tuple:
    """Causes, steps and docs of an entry in one language, built once per index."""
    key = (entry.id, lang)
    if key not in index.localized:
        index.localized[key] = (
            tuple(c.get(lang) for c in entry.causes),
            tuple(
                trusted(DiagnosisStep, position=i, kind=s.kind, text=s.text(lang), command=s.command)
                for i, s in enumerate(entry.steps, start=1)
            ),
            tuple(trusted(DiagnosisDoc, title=d.title.get(lang), url=d.url) for d in entry.docs),
        )
    return index.localized[key]


def _alternative(index: Index, candidate: Candidate, lang: Lang) -> Alternative:
    entry = index.catalog.entries[candidate.entry_id]
    return trusted(
        Alternative,
        entry_id=entry.id,
        category=entry.category,
        title=entry.title.get(lang),
        confidence=round(candidate.confidence, 3),
        explanation=explain(candidate),
    )


def explain(candidate: Candidate) -> Explanation:
    msg, code = candidate.message, candidate.code
    span = None
    matched_text = None
    if code is not None and (msg is None or candidate.method == "code"):
        span = trusted(Span, start=code.start, end=code.end)
        matched_text = code.code
    elif msg is not None:
        span = trusted(Span, start=msg.segment.start, end=msg.segment.end)
        matched_text = msg.segment.text.strip()[:MATCHED_TEXT_MAX]
    return trusted(
        Explanation,
        method=candidate.method,  # type: ignore[arg-type]
        code=code.code if code else None,
        variant=msg.variant.text if msg else None,
        variant_lang=msg.variant.lang if msg else None,  # type: ignore[arg-type]
        span=span,
        matched_text=matched_text,
        json_path=msg.segment.path if msg else None,
        score=round(msg.score, 3) if msg else 0.0,
        note=candidate.note,
    )
