"""Diagnosing every distinct error of a job payload or of a free text holding several errors."""

from __future__ import annotations

from collections.abc import Sequence

from app.engine.diagnosis import DiagnoseOptions, diagnose
from app.engine.index import Index
from app.engine.matcher import SegmentScores
from app.engine.model import Lang
from app.engine.normalize import guess_language, normalize, tokenize
from app.engine.payload import ErrorItem, read_errors
from app.engine.results import CatalogInfo, FoundError, MultiDiagnoseResult

__all__ = ["diagnose_job", "diagnose_items"]

_MESSAGE_MAX = 500


def diagnose_job(
    index: Index,
    document: object,
    *,
    lang: Lang | None = None,
    accept_language: Lang | None = None,
    options: DiagnoseOptions = DiagnoseOptions(),
    memo: SegmentScores | None = None,
) -> MultiDiagnoseResult:
    """Diagnose each error of a parsed JSON job payload; errors naming the same entry are merged."""
    return diagnose_items(index, read_errors(document), lang=lang, accept_language=accept_language, options=options, memo=memo)


def diagnose_items(
    index: Index,
    items: Sequence[ErrorItem],
    *,
    lang: Lang | None = None,
    accept_language: Lang | None = None,
    options: DiagnoseOptions = DiagnoseOptions(),
    memo: SegmentScores | None = None,
) -> MultiDiagnoseResult:
    if lang is None:
        sample = " ".join(item.text for item in items)[:5000]
        lang = guess_language(tokenize(normalize(sample)))  # type: ignore[assignment]
    found: dict[str, FoundError] = {}
    for item in items:
        result = diagnose(index, item.text, lang=lang, accept_language=accept_language, options=options, memo=memo)
        key = result.diagnosis.entry_id if result.diagnosis else f"unmatched:{item.text.strip().casefold()}"
        if key in found:
            found[key].paths.append(item.path)
            continue
        found[key] = FoundError(
            paths=[item.path],
            code=item.code,
            message=item.message[:_MESSAGE_MAX],
            context=item.context.as_dict(),
            matched=result.matched,
            diagnosis=result.diagnosis,
            alternatives=result.alternatives,
        )
    errors = _keep_meaningful(list(found.values()))
    answer_lang = lang or _first_lang(errors) or accept_language or "en"
    return MultiDiagnoseResult(
        matched=any(e.matched for e in errors),
        lang=answer_lang,
        errors=errors,
        catalog=CatalogInfo(version=index.catalog.version, entries=len(index.catalog)),
    )


def _keep_meaningful(errors: list[FoundError]) -> list[FoundError]:
    """Unmatched strings that carry no code are noise once something matched."""
    if any(e.matched for e in errors):
        return [e for e in errors if e.matched or e.code]
    return errors


def _first_lang(errors: list[FoundError]) -> Lang | None:
    for error in errors:
        if error.diagnosis and error.diagnosis.explanation.variant_lang:
            return error.diagnosis.explanation.variant_lang
    return None
