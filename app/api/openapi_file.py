"""The committed OpenAPI document (openapi/openapi.json) is generated here."""

from __future__ import annotations

import json

from app.api.app import create_app
from app.settings import Settings

__all__ = ["openapi_json"]


def openapi_json() -> str:
    """The OpenAPI document, stable across runs (sorted keys, fixed indentation); no catalogue is loaded."""
    return json.dumps(create_app(Settings()).openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
