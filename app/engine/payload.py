"""Reading job-failure payloads: where the errors are, and the job they belong to.

Understood shapes, tried in this order on every JSON object met:

* Azure Backup job resource: ``properties.errorDetails[]`` (``errorCode``,
  ``errorString``, ``errorTitle``, ``recommendations``), job facts in
  ``properties`` (``operation``, ``entityFriendlyName``, ``status``...).
* A list of jobs: ``{"value": [...]}`` or a bare JSON array.
* The ARM error envelope: ``{"error": {"code", "message", "details": [...]}}``.
* PowerShell job details: ``ErrorDetails[]`` (``ErrorCode``, ``ErrorMessage``,
  ``Recommendations``), job facts at the top level (``JobId``, ``Operation``...).
* Anything else: every string of the document is scanned.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from app.engine.segments import json_strings

__all__ = ["JobContext", "ErrorItem", "read_errors"]

_MAX_DEPTH = 64


@dataclass(frozen=True)
class JobContext:
    """Facts of the job an error belongs to (all optional)."""

    job_id: str | None = None
    operation: str | None = None
    entity: str | None = None
    status: str | None = None
    start_time: str | None = None
    end_time: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass(frozen=True)
class ErrorItem:
    """One error found in a payload, with where it was and its job."""

    path: str
    code: str | None
    message: str
    recommendations: list[str] = field(default_factory=list)
    context: JobContext = field(default_factory=JobContext)

    @property
    def text(self) -> str:
        """What the matcher reads: the code and the message together."""
        return " ".join(p for p in (self.code, self.message) if p)


def read_errors(document: object) -> list[ErrorItem]:
    """Every error of a job payload, in document order; falls back to all of its strings."""
    items = list(_walk(document, "$", JobContext(), 0))
    if items:
        return items
    return [ErrorItem(path, None, text) for path, text in json_strings(document)]


def _walk(node: object, path: str, context: JobContext, depth: int) -> Iterator[ErrorItem]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, list):
        for i, child in enumerate(node):
            yield from _walk(child, f"{path}[{i}]", context, depth + 1)
        return
    if not isinstance(node, dict):
        return
    context = _context(node, context)
    found = False
    for reader in (_azure_job, _arm_envelope, _powershell_job):
        for item in reader(node, path, context):
            found = True
            yield item
    if found:
        return
    for key, child in node.items():
        if isinstance(child, (dict, list)):
            yield from _walk(child, f"{path}.{key}", context, depth + 1)


def _str(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _strings(value: object) -> list[str]:
    if isinstance(value, list):
        return [s for s in (_str(v) for v in value) if s]
    single = _str(value)
    return [single] if single else []


def _context(node: dict, outer: JobContext) -> JobContext:
    props = node.get("properties") if isinstance(node.get("properties"), dict) else {}
    def pick(*keys: str) -> str | None:
        for source in (props, node):
            for key in keys:
                value = _str(source.get(key))
                if value:
                    return value
        return None
    job_id = pick("JobId", "jobId") or (_str(node.get("name")) if props else None) or pick("activityId", "ActivityId")
    return JobContext(
        job_id=job_id or outer.job_id,
        operation=pick("operation", "Operation") or outer.operation,
        entity=pick("entityFriendlyName", "WorkloadName", "workloadName") or outer.entity,
        status=pick("status", "Status") or outer.status,
        start_time=pick("startTime", "StartTime") or outer.start_time,
        end_time=pick("endTime", "EndTime") or outer.end_time,
    )


def _azure_job(node: dict, path: str, context: JobContext) -> Iterator[ErrorItem]:
    props = node.get("properties")
    base = f"{path}.properties" if isinstance(props, dict) else path
    holder = props if isinstance(props, dict) else node
    details = holder.get("errorDetails")
    if not isinstance(details, list):
        return
    for i, detail in enumerate(details):
        if isinstance(detail, dict):
            message = " ".join(_strings(detail.get("errorTitle")) + _strings(detail.get("errorString")))
            code = _str(detail.get("errorCode"))
            if code or message:
                recs = _strings(detail.get("recommendations"))
                yield ErrorItem(f"{base}.errorDetails[{i}]", code, message, recs, context)


def _arm_envelope(node: dict, path: str, context: JobContext) -> Iterator[ErrorItem]:
    error = node.get("error")
    if isinstance(error, dict):
        yield from _arm_error(error, f"{path}.error", context, 0)


def _arm_error(error: dict, path: str, context: JobContext, depth: int) -> Iterator[ErrorItem]:
    code, message = _str(error.get("code")), _str(error.get("message"))
    details = error.get("details")
    nested = isinstance(details, list) and any(isinstance(d, dict) for d in details)
    if (code or message) and not (nested and code in (None, "BadRequest", "Conflict", "InternalServerError")):
        yield ErrorItem(path, code, message or "", [], context)
    if nested and depth < _MAX_DEPTH:
        for i, detail in enumerate(details):
            if isinstance(detail, dict):
                yield from _arm_error(detail, f"{path}.details[{i}]", context, depth + 1)


def _powershell_job(node: dict, path: str, context: JobContext) -> Iterator[ErrorItem]:
    details = node.get("ErrorDetails")
    if not isinstance(details, list):
        return
    for i, detail in enumerate(details):
        if isinstance(detail, dict):
            code = _str(detail.get("ErrorCode"))
            message = _str(detail.get("ErrorMessage")) or ""
            if code or message:
                recs = _strings(detail.get("Recommendations"))
                yield ErrorItem(f"{path}.ErrorDetails[{i}]", code, message, recs, context)
