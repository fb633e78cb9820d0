"""``Engine``: a loaded catalogue ready to diagnose, swappable in one step for reloads."""

from __future__ import annotations

from pathlib import Path

from app.engine.cache import IndexCache
from app.engine.catalog import load_catalog
from app.engine.checks import check_examples
from app.engine.diagnosis import DiagnoseOptions, diagnose
from app.engine.errors import CatalogValidationError
from app.engine.index import Index, build_index
from app.engine.job import diagnose_items, diagnose_job
from app.engine.matcher import MatchTrace, SegmentScores
from app.engine.model import Lang
from app.engine.payload import ErrorItem
from app.engine.results import DiagnoseResult, MultiDiagnoseResult
from app.engine.shapes import Shapes, shape_of, template_of

__all__ = ["Engine", "ResultCache", "load_index"]

CACHE_MAX_CHARS = 4000  # longer inputs (logs, tickets) are rarely repeated word for word: not cached


def load_index(directory: str | Path, *, options: DiagnoseOptions, check: bool = True, parse_cache: Path | None = None) -> Index:
    """Load, validate and index a catalogue; with ``check``, its examples must pass too (``parse_cache``: see ``load_catalog``)."""
    index = build_index(load_catalog(directory, parse_cache=parse_cache))
    if check:
        problems = check_examples(index, options)
        if problems:
            raise CatalogValidationError(f"catalogue {str(directory)!r} fails its own examples", problems)
    return index


class ResultCache(IndexCache[DiagnoseResult]):
    """The latest answers to short inputs, by exact input: the same error reaches a service many times
    (every VM of a failed policy, every retry of a job, every on-call engineer pasting it).

    An answer is kept from the second time its input is seen, and once the cache is full, only in
    place of one asked for less often of late: inputs seen once (most of them carry a request number
    or a timestamp) would only churn it (see ``IndexCache``).
    """

    def __init__(self, size: int) -> None:
        super().__init__(size, admission=True)


class Engine:
    """Diagnoses against the current index; ``swap`` replaces it atomically.

    Each call reads ``self.index`` once, so a call in flight finishes on the
    catalogue it started with even if a reload swaps it meanwhile.
    """

    def __init__(
        self, index: Index, options: DiagnoseOptions = DiagnoseOptions(), *, cache_size: int = 0, memo_size: int = 0,
        shape_size: int = 0,
    ) -> None:
        self.index = index
        self.options = options
        self.cache = ResultCache(cache_size) if cache_size > 0 else None
        # Scores of the segments seen lately (see ``match``): small, untracked by the garbage collector once
        # it has seen them (tuples of numbers), unlike answers, so many more of them can be kept.
        self.memo = SegmentScores(memo_size) if memo_size > 0 else None
        # Answers by input shape (``app.engine.shapes``): the same error with other numbers and GUIDs.
        self.shapes = Shapes(shape_size) if shape_size > 0 else None

    @classmethod
    def from_directory(
        cls, directory: str | Path, options: DiagnoseOptions = DiagnoseOptions(), *, check: bool = True,
        cache_size: int = 0, memo_size: int = 0, shape_size: int = 0, parse_cache: Path | None = None,
    ) -> Engine:
        index = load_index(directory, options=options, check=check, parse_cache=parse_cache)
        return cls(index, options, cache_size=cache_size, memo_size=memo_size, shape_size=shape_size)

    def swap(self, index: Index) -> None:
        self.index = index
        for cache in (self.cache, self.memo, self.shapes):
            if cache is not None:
                cache.clear()

    def diagnose(self, text: str, *, lang: Lang | None = None, accept_language: Lang | None = None, limit: int | None = None) -> DiagnoseResult:
        """The diagnosis of ``text``; a short input seen recently on this catalogue, or one of the same shape, is not matched again.

        Cached answers are shared: callers must not change them (results are treated as immutable).
        """
        index = self.index
        cache = self.cache if len(text) <= CACHE_MAX_CHARS else None
        key = (text, lang, accept_language, limit)
        result = cache.get(key, index) if cache is not None else None
        if result is None:
            result = self._diagnose(index, text, (lang, accept_language, limit))
            if cache is not None:
                cache.put(key, index, result)
        return result

    def _diagnose(self, index: Index, text: str, asked: tuple[Lang | None, Lang | None, int | None]) -> DiagnoseResult:
        """Answer from the template of the input's shape if there is one, else match (and keep a template)."""
        lang, accept_language, limit = asked
        options = self._options(limit)
        shape = shape_of(text, max_chars=CACHE_MAX_CHARS) if self.shapes is not None else None
        if shape is None:
            return diagnose(index, text, lang=lang, accept_language=accept_language, options=options, memo=self.memo)
        key = (shape, *asked)
        result = self.shapes.answer(key, index, text)  # type: ignore[union-attr]
        if result is None:
            trace = MatchTrace()
            result = diagnose(index, text, lang=lang, accept_language=accept_language, options=options, memo=self.memo, trace=trace)
            template = template_of(index, result, text, trace, max_segments=options.max_segments)
            if template is not None:
                self.shapes.put(key, index, template)  # type: ignore[union-attr]
        return result

    def diagnose_job(self, document: object, *, lang: Lang | None = None, accept_language: Lang | None = None, limit: int | None = None) -> MultiDiagnoseResult:
        return diagnose_job(self.index, document, lang=lang, accept_language=accept_language, options=self._options(limit), memo=self.memo)

    def diagnose_items(self, items: list[ErrorItem], *, lang: Lang | None = None, accept_language: Lang | None = None, limit: int | None = None) -> MultiDiagnoseResult:
        return diagnose_items(self.index, items, lang=lang, accept_language=accept_language, options=self._options(limit), memo=self.memo)

    def _options(self, limit: int | None) -> DiagnoseOptions:
        if limit is None:
            return self.options
        return DiagnoseOptions(threshold=self.options.threshold, limit=limit, max_segments=self.options.max_segments)
