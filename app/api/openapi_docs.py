"""OpenAPI fragments: request bodies that accept several media types, error and text responses."""

from __future__ import annotations

from app.api.errors import ErrorResponse
from app.api.schemas import BatchRequest, DiagnoseRequest

__all__ = ["DIAGNOSE_BODY", "JOB_BODY", "BATCH_BODY", "ERRORS", "TEXT_RESPONSES"]

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
            "schema": {"type": "object", "description": "An Azure Backup job, a {\"value\": [...]} job list, an ARM error envelope, PowerShell job details, or any JSON."},
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

ERRORS = {
    status: {
        "model": ErrorResponse,
        "description": code.replace("_", " "),
        "content": {"application/json": {"example": {"error": {"code": code, "message": message}}}},
    }
    for status, (code, message) in _ERROR_EXAMPLES.items()
}

TEXT_RESPONSES = {
    200: {
        "description": "The diagnosis (JSON by default; plain text with `Accept: text/plain` or `?format=text`; Markdown with `?format=markdown`).",
        "content": {
            "text/plain": {"schema": {"type": "string"}},
            "text/markdown": {"schema": {"type": "string"}},
        },
    }
}
