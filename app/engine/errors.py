"""Exceptions raised by the engine.

    EngineError
    └── CatalogError        a catalogue directory cannot be loaded
        └── CatalogValidationError   it loaded, but entries or examples are wrong

Each carries a list of ``problems``: one human-readable line per defect, naming
the file, the entry and the field, so that one run reports all of them.
"""

from __future__ import annotations

__all__ = ["EngineError", "CatalogError", "CatalogValidationError"]


class EngineError(Exception):
    """Base of every error the engine raises."""


class CatalogError(EngineError):
    """Raised when a catalogue directory is missing, unreadable or invalid."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        detail = "".join(f"\n  - {p}" for p in self.problems)
        super().__init__(f"{message}{detail}")


class CatalogValidationError(CatalogError):
    """Raised when a catalogue loads but its examples do not resolve to their entries."""
