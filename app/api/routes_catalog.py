"""Catalogue reads (entries, categories) and health probes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import TypeAdapter

from app.api.deps import EngineDep
from app.api.errors import ApiError
from app.api.openapi_docs import error_doc
from app.api.schemas import Category, CategoryList, EntryList, EntrySummary, Health, Ready
from app.engine.model import Entry
from app.engine.normalize import normalize
from app.engine.results import CatalogInfo

__all__ = ["router", "health_router"]

_ENTRY = TypeAdapter(Entry)  # entries are slotted dataclasses (see app.engine.model)

router = APIRouter(prefix="/v1", tags=["catalogue"])
health_router = APIRouter(tags=["health"])
_NOT_FOUND = {404: error_doc("No such entry")}


def _etag(version: str, suffix: str = "") -> str:
    return f'"{version}{suffix}"'


def _cached(request: Request, etag: str, payload: object) -> Response:
    """A JSON answer with its ETag, or 304 when the client already holds this version."""
    if request.headers.get("if-none-match") in (etag, f"W/{etag}"):
        return Response(status_code=304, headers={"ETag": etag})
    return JSONResponse(payload, headers={"ETag": etag, "Cache-Control": "no-cache"})


@router.get("/entries", operation_id="listEntries", response_model=EntryList, summary="List catalogue entries")
def list_entries(
    request: Request, engine: EngineDep,
    category: Annotated[str | None, Query(max_length=60, description="Only this category.")] = None,
    q: Annotated[str | None, Query(max_length=500, description="Only entries whose id, title, codes or messages contain this text.")] = None,
) -> Response:
    index = engine.index
    needle = normalize(q) if q else None
    entries = [e for e in index.catalog if (category is None or e.category == category) and (needle is None or needle in _haystack(e))]
    body = EntryList(
        entries=[EntrySummary(id=e.id, category=e.category, title=e.title, codes=e.codes, retryable=e.retryable) for e in entries],
        total=len(entries),
        catalog=CatalogInfo(version=index.catalog.version, entries=len(index.catalog)),
    )
    return _cached(request, _etag(index.catalog.version, f"-{category or ''}-{q or ''}".encode().hex()[:32]), body.model_dump(mode="json"))


def _haystack(entry: Entry) -> str:
    parts = [entry.id, entry.title.fr, entry.title.en, *entry.codes, *(m.text for m in entry.messages)]
    return normalize(" \n ".join(parts))


@router.get("/entries/{entry_id}", operation_id="getEntry", response_model=Entry, responses=_NOT_FOUND, summary="One catalogue entry, in full")
def get_entry(request: Request, entry_id: str, engine: EngineDep) -> Response:
    index = engine.index
    entry = index.catalog.get(entry_id)
    if entry is None:
        raise ApiError(404, "entry_not_found", f"No entry {entry_id!r} in catalogue {index.catalog.version}. List ids with GET /v1/entries.")
    return _cached(request, _etag(index.catalog.version, f"-{entry_id}"), _ENTRY.dump_python(entry, mode="json"))


@router.get("/categories", operation_id="listCategories", response_model=CategoryList, summary="List categories with their entry counts")
def list_categories(request: Request, engine: EngineDep) -> Response:
    catalog = engine.index.catalog
    counts: dict[str, int] = {}
    for entry in catalog:
        counts[entry.category] = counts.get(entry.category, 0) + 1
    body = CategoryList(
        categories=[Category(id=c, title=t, entries=counts.get(c, 0)) for c, t in sorted(catalog.categories.items())],
        catalog=CatalogInfo(version=catalog.version, entries=len(catalog)),
    )
    return _cached(request, _etag(catalog.version, "-categories"), body.model_dump(mode="json"))


@health_router.get("/healthz", operation_id="health", response_model=Health, summary="The process is alive")
async def health() -> Health:  # async: a probe needs no worker thread
    return Health()


@health_router.get("/readyz", operation_id="ready", response_model=Ready, summary="A catalogue is loaded and serving",
                   responses={503: error_doc("Not ready")})
async def ready(request: Request) -> Ready:
    engine = getattr(request.app.state, "engine", None)
    if engine is None:
        raise ApiError(503, "not_ready", "No catalogue is loaded yet.")
    return Ready(entries=len(engine.index.catalog), version=engine.index.catalog.version)
