"""Admin endpoints (an API key is always required): catalogue reload."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from app.api.errors import ApiError, ErrorBody
from app.api.openapi_docs import error_doc
from app.api.reload import CatalogReloader
from app.api.security import AdminKeyDep
from app.engine import CatalogError

__all__ = ["router", "ReloadResult", "ReloadErrorResponse"]

router = APIRouter(prefix="/v1/admin", tags=["admin"], dependencies=[AdminKeyDep])


class ReloadResult(BaseModel):
    status: str = Field(default="reloaded", examples=["reloaded"])
    changed: bool = Field(description="False when the files on disk held the catalogue already in service.")
    previous_version: str = Field(examples=["2026.11+6a4db6485d07"])
    version: str = Field(description="The catalogue now in service.", examples=["2026.11+0c9e2d41b7aa"])
    entries: int
    duration_ms: float = Field(description="Time to load, validate and swap in the catalogue.")


class ReloadErrorBody(ErrorBody):
    problems: list[str] = Field(default_factory=list, description="Every defect found: file, entry and field, or the failing example.")
    version: str | None = Field(default=None, description="The catalogue still in service.")


class ReloadErrorResponse(BaseModel):
    error: ReloadErrorBody


_RESPONSES = {
    401: error_doc("No API key, or a wrong one (`WWW-Authenticate: Bearer`)."),
    403: error_doc("Admin endpoints are disabled: ERRDIAG_API_KEYS is not set."),
    422: {"model": ReloadErrorResponse, "description": "The catalogue on disk is invalid: refused, the old one keeps serving."},
    503: error_doc("No catalogue is loaded yet."),
}


def _hide_directory(text: str, directory: Path) -> str:
    """Catalogue problems name files relative to the catalogue, never the server's directories."""
    for form in {str(directory.resolve()), str(directory)}:
        text = text.replace(form, "<catalog>")
    return text


@router.post(
    "/reload", operation_id="reloadCatalog", response_model=ReloadResult, responses=_RESPONSES,
    summary="Load, validate and swap in the catalogue on disk (the old one serves until then, and stays if the new one fails)",
)
async def reload_catalog(request: Request) -> ReloadResult | JSONResponse:
    reloader: CatalogReloader | None = getattr(request.app.state, "reloader", None)
    if reloader is None:
        raise ApiError(503, "not_ready", "No catalogue is loaded yet.")
    try:
        report = await reloader.reload("api")
    except CatalogError as exc:
        problems = [_hide_directory(p, reloader.directory) for p in exc.problems[:200]]
        message = _hide_directory(str(exc).split("\n", 1)[0], reloader.directory)
        body = ReloadErrorBody(code="catalog_invalid", message=f"The catalogue was refused and the one in service kept: {message}.",
                               problems=problems, version=reloader.engine.index.catalog.version)
        return JSONResponse(ReloadErrorResponse(error=body).model_dump(), status_code=422)
    return ReloadResult(changed=report.changed, previous_version=report.previous_version, version=report.version,
                        entries=report.entries, duration_ms=round(report.seconds * 1000, 1))
