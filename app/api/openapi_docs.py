"""OpenAPI fragments: request bodies that accept several media types, error and text responses."""

from __future__ import annotations

import json

from fastapi import FastAPI

from app.api.errors import ErrorResponse
from app.api.schemas import BatchRequest, DiagnoseRequest

__all__ = ["DIAGNOSE_BODY", "JOB_BODY", "BATCH_BODY", "ERRORS", "TEXT_RESPONSES", "error_doc", "use_one_error_shape"]

_JOB_EXAMPLE = {
    "id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/vault-prod/backupJobs/5b1a9f0e-3c2d-4e6f-8a7b-9c0d1e2f3a4b",
    "name": "5b1a9f0e-3c2d-4e6f-8a7b-9c0d1e2f3a4b",
    "type": "Microsoft.RecoveryServices/vaults/backupJobs",
    "properties": {
        "jobType": "AzureIaaSVMJob", "entityFriendlyName": "vm-sql-01", "backupManagementType": "AzureIaasVM",
        "operation": "Backup", "status": "Failed",
        "startTime": "2026-11-24T01:00:12Z", "endTime": "2026-11-24T01:32:40Z",
        "errorDetails": [{
            "errorCode": "UserErrorGuestAgentStatusUnavailable",
            "errorString": "VM Agent unable to communicate with Azure Backup",
            "errorTitle": "", "recommendations": ["Ensure the VM agent is running and the VM has outbound connectivity."],
        }],
    },
}


def _json(model: type) -> dict:
    return {"schema": model.model_json_schema(), "examples": {"default": {"value": model.model_config["json_schema_extra"]["examples"][0]}}}


DIAGNOSE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": _json(DiagnoseRequest),
            "text/plain": {
                "schema": {"type": "string", "description": "The message, or a whole log (`curl --data-binary @job.log`)."},
                "example": "2026-11-24T01:32:40Z ERROR vm-sql-01: Copying VHDs from backup vault timed out",
            },
        },
    }
}

JOB_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {
            "schema": {"type": ["object", "array"], "description": "An Azure Backup job, a {\"value\": [...]} job list, an ARM error envelope, PowerShell job details, or any JSON object or array."},
            "example": _JOB_EXAMPLE,
        }},
    }
}

BATCH_BODY = {"requestBody": {"required": True, "content": {"application/json": _json(BatchRequest)}}}

_ERROR_EXAMPLES = {
    400: ("invalid_json", "The body is not valid JSON: Expecting value: line 1 column 1 (char 0). Check quotes, commas and brackets."),
    401: ("unauthorized", "A valid API key is required: send Authorization: Bearer <key>."),
    413: ("body_too_large", "The body is larger than the limit of 1048576 bytes (setting ERRDIAG_MAX_BODY_BYTES)."),
    415: ("unsupported_media_type", "Content-Type 'application/xml' is not supported here; send application/json or text/plain."),
    422: ("invalid_request", "Invalid field 'message': Field required."),
}

_ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}


def error_doc(description: str, example: tuple[str, str] | None = None) -> dict:
    """A documented error response: the one error shape, by reference, with an example ``(code, message)``.

    Not ``{"model": ErrorResponse}``: FastAPI would build a validator of the model for every route and
    status that documents it (55 of them, some 20 ms of start-up), only to write this reference;
    ``use_one_error_shape`` adds the schema itself to the document.
    """
    media: dict = {"schema": dict(_ERROR_REF)}
    if example is not None:
        media["example"] = {"error": {"code": example[0], "message": example[1]}}
    return {"description": description, "content": {"application/json": media}}


ERRORS = {status: error_doc(code.replace("_", " "), (code, message)) for status, (code, message) in _ERROR_EXAMPLES.items()}

TEXT_RESPONSES = {
    200: {
        "description": "The diagnosis (JSON by default; plain text with `Accept: text/plain` or `?format=text`; Markdown with `?format=markdown`).",
        "content": {
            "text/plain": {"schema": {"type": "string"}},
            "text/markdown": {"schema": {"type": "string"}},
        },
    }
}


def use_one_error_shape(app: FastAPI) -> None:
    """Make the generated document tell the truth about errors on every route, those added later included.

    FastAPI documents its own 422 body (``HTTPValidationError``), but the handlers answer the one
    error shape; with ERRDIAG_REQUIRE_API_KEY every ``/v1/`` route can answer 401; and a ``limit``
    is bounded by this server's ERRDIAG_MAX_LIMIT, not by the models' hard ceiling of 100.
    """
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            document = generate()
            _fix_error_responses(document)
            _document_max_limit(document, app.state.settings.max_limit)
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


def _fix_error_responses(document: dict) -> None:
    ref = dict(_ERROR_REF)
    components = document.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorResponse" not in components:
        schema = ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(schema.pop("$defs"), ErrorResponse=schema)
    for path, operations in document.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            validation = responses.get("422", {}).get("content", {}).get("application/json", {}).get("schema", {})
            if validation.get("$ref", "").endswith("/HTTPValidationError"):
                responses["422"] = {"description": "A parameter or field is invalid (it is named)", "content": {"application/json": {"schema": ref}}}
            if path.startswith("/v1/") and "401" not in responses:
                responses["401"] = {"description": "An API key is required (ERRDIAG_REQUIRE_API_KEY)", "content": {"application/json": {"schema": ref}}}
    for name in ("HTTPValidationError", "ValidationError"):
        if f'"#/components/schemas/{name}"' not in json.dumps(document.get("paths", {})):
            components.pop(name, None)


def _document_max_limit(node: object, max_limit: int) -> None:
    """Set ``maximum`` of every ``limit`` (query parameter or body field) documented with the ceiling of 100."""
    if isinstance(node, list):
        for child in node:
            _document_max_limit(child, max_limit)
        return
    if not isinstance(node, dict):
        return
    limits = [node["schema"]] if node.get("name") == "limit" and node.get("in") == "query" else []
    limits += [node["properties"]["limit"]] if isinstance(node.get("properties"), dict) and "limit" in node["properties"] else []
    for schema in limits:
        for variant in [schema, *schema.get("anyOf", [])]:
            if variant.get("maximum") == 100:
                variant["maximum"] = max_limit
    for child in node.values():
        _document_max_limit(child, max_limit)
