"""Property-based fuzzing of the live app's OpenAPI document with schemathesis (ASGI, in process).

Every operation (those added later included: the document is read from the app) gets a bounded
number of generated requests, valid and invalid, sent with an admin key; the app runs its real
lifespan. No answer may be a 5xx, every answer must conform to the document (documented status,
content type, headers, body schema, ``Allow`` on 405), and schema-violating requests must be refused.
Run alone with ``pytest -m fuzz``; the bound keeps it well under two minutes.

Not checked: that every schema-valid request is accepted. A valid request is refused on purpose when
it breaks a limit of this server's settings (batch length, text length), reuses an idempotency key with
another body, or lacks a webhook signature: the document lists those answers, and they are checked.
"""

from __future__ import annotations

import pytest
import schemathesis
from api_support import KEY
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    allow_header_conformance,
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from support import CATALOG_DIR

from app.api.app import create_app
from app.settings import Settings

pytestmark = pytest.mark.fuzz

EXAMPLES_PER_OPERATION = 25
CHECKS = [
    not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
    response_schema_conformance, negative_data_rejection, allow_header_conformance,
]

APP = create_app(Settings(_env_file=None, catalog_dir=CATALOG_DIR, api_keys=[KEY]))  # type: ignore[call-arg]
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {KEY}"}, checks=CHECKS)
