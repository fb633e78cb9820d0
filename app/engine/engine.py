"""``Engine``: a loaded catalogue ready to diagnose, swappable in one step for reloads."""

from __future__ import annotations

from pathlib import Path

from app.engine.catalog import load_catalog
from app.engine.checks import check_examples
from app.engine.diagnosis import DiagnoseOptions, diagnose
from app.engine.errors import CatalogValidationError
from app.engine.index import Index, build_index
from app.engine.job import diagnose_items, diagnose_job
from app.engine.model import Lang
from app.engine.payload import ErrorItem
from app.engine.results import DiagnoseResult, MultiDiagnoseResult

__all__ = ["Engine", "load_index"]


def load_index(directory: str | Path, *, options: DiagnoseOptions, check: bool = True) -> Index:
    """Load, validate and index a catalogue; with ``check``, its examples must pass too."""
    index = build_index(load_catalog(directory))
    if check:
        problems = check_examples(index, options)
        if problems:
            raise CatalogValidationError(f"catalogue {str(directory)!r} fails its own examples", problems)
    return index


class Engine:
    """Diagnoses against the current index; ``swap`` replaces it atomically.

    Each call reads ``self.index`` once, so a call in flight finishes on the
    catalogue it started with even if a reload swaps it meanwhile.
    """

    def __init__(self, index: Index, options: DiagnoseOptions = DiagnoseOptions()) -> None:
        self.index = index
        self.options = options

    @classmethod
    def from_directory(cls, directory: str | Path, options: DiagnoseOptions = DiagnoseOptions(), *, check: bool = True) -> Engine:
        return cls(load_index(directory, options=options, check=check), options)

    def swap(self, index: Index) -> None:
        self.index = index

    def diagnose(self, text: str, *, lang: Lang | None = None, accept_language: Lang | None = None, limit: int | None = None) -> DiagnoseResult:
        return diagnose(self.index, text, lang=lang, accept_language=accept_language, options=self._options(limit))

    def diagnose_job(self, document: object, *, lang: Lang | None = None, accept_language: Lang | None = None, limit: int | None = None) -> MultiDiagnoseResult:
        return diagnose_job(self.index, document, lang=lang, accept_language=accept_language, options=self._options(limit))

    def diagnose_items(self, items: list[ErrorItem], *, lang: Lang | None = None, accept_language: Lang | None = None, limit: int | None = None) -> MultiDiagnoseResult:
        return diagnose_items(self.index, items, lang=lang, accept_language=accept_language, options=self._options(limit))

    def _options(self, limit: int | None) -> DiagnoseOptions:
        if limit is None:
            return self.options
        return DiagnoseOptions(threshold=self.options.threshold, limit=limit, max_segments=self.options.max_segments)
