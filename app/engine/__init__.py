"""The matching engine: a plain library that knows nothing of HTTP or settings.

The API and the CLI are thin clients of it.
"""

from __future__ import annotations

from app.engine.catalog import Catalog, load_catalog
from app.engine.checks import check_examples
from app.engine.diagnosis import DiagnoseOptions, diagnose
from app.engine.engine import Engine, load_index
from app.engine.errors import CatalogError, CatalogValidationError, EngineError
from app.engine.index import Index, build_index
from app.engine.job import diagnose_items, diagnose_job
from app.engine.normalize import normalize
from app.engine.payload import ErrorItem, JobContext, read_errors
from app.engine.results import DiagnoseResult, MultiDiagnoseResult
from app.engine.ticket import read_ticket, ticket_language

__all__ = [
    "Catalog", "CatalogError", "CatalogValidationError", "DiagnoseOptions", "DiagnoseResult",
    "Engine", "EngineError", "ErrorItem", "Index", "JobContext", "MultiDiagnoseResult",
    "build_index", "check_examples", "diagnose", "diagnose_items", "diagnose_job", "load_catalog",
    "load_index", "normalize", "read_errors", "read_ticket", "ticket_language",
]
