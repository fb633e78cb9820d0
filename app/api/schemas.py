"""Request and response bodies of the API that are not engine results."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.engine.model import Entry, Localized
from app.engine.results import CatalogInfo, DiagnoseResult

__all__ = ["DiagnoseRequest", "BatchRequest", "BatchResult", "EntryList", "EntrySummary", "Category", "CategoryList", "Health", "Ready"]

Lang = Literal["fr", "en"]


class DiagnoseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"message": "Could not communicate with the VM agent for snapshot status. VM: vm-sql-01", "lang": "en", "limit": 3},
    ]})

    message: str = Field(min_length=1, description="The error message, log excerpt or ticket text.")
    lang: Lang | None = Field(default=None, description="Language of the answer; default: the language of the input.")
    limit: int | None = Field(default=None, ge=0, le=100, strict=True, description="How many runners-up to return (at most ERRDIAG_MAX_LIMIT).")


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"messages": ["Copying VHDs from backup vault timed out", "La machine virtuelle n’existe pas"], "limit": 1},
    ]})

    messages: list[str] = Field(min_length=1, description="Messages to diagnose, answered in the same order.")
    lang: Lang | None = None
    limit: int | None = Field(default=None, ge=0, le=100, strict=True, description="How many runners-up to return (at most ERRDIAG_MAX_LIMIT).")


class BatchResult(BaseModel):
    results: list[DiagnoseResult]
    catalog: CatalogInfo


class EntrySummary(BaseModel):
    id: str
    category: str
    title: Localized
    codes: list[str]
    retryable: bool


class EntryList(BaseModel):
    entries: list[EntrySummary]
    total: int
    catalog: CatalogInfo


class Category(BaseModel):
    id: str
    title: Localized
    entries: int


class CategoryList(BaseModel):
    categories: list[Category]
    catalog: CatalogInfo


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    entries: int
    version: str


EntryDetail = Entry
