"""The app's path templates and their methods, for requests the router did not (or could not) route."""

from __future__ import annotations

import re

from fastapi import FastAPI
from starlette.routing import compile_path

__all__ = ["template_for", "allowed_methods"]

_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _templates(app: FastAPI) -> list[tuple[re.Pattern[str], str, tuple[str, ...]]]:
    """(pattern, template, methods) of every documented path, built once from the OpenAPI document."""
    cached = getattr(app.state, "path_templates", None)
    if cached is None:
        paths = app.openapi().get("paths", {})
        cached = app.state.path_templates = [
            (compile_path(template)[0], template, tuple(m.upper() for m in operations if m in _HTTP_METHODS))
            for template, operations in paths.items()
        ]
    return cached


def template_for(app: FastAPI, path: str) -> str | None:
    """The documented template ``path`` falls under (``/v1/entries/{entry_id}``), or None."""
    return next((template for pattern, template, _ in _templates(app) if pattern.match(path)), None)


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method documented for ``path`` (HEAD too where GET is: the server answers it)."""
    methods = {m for pattern, _, ms in _templates(app) if pattern.match(path) for m in ms}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)
