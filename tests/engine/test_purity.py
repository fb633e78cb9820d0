"""The engine is a library: it imports neither the web framework nor the service settings."""

from __future__ import annotations

import subprocess
import sys

import app.engine


def test_engine_imports_no_http_or_settings() -> None:
    code = (
        "import sys, app.engine\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('fastapi', 'starlette', 'uvicorn', 'pydantic_settings')"
        " or m == 'app.settings' or m.startswith('app.api')]\n"
        "print(','.join(sorted(bad)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_surface_is_curated() -> None:
    assert sorted(app.engine.__all__) == sorted(set(app.engine.__all__))
    for name in app.engine.__all__:
        assert hasattr(app.engine, name), name
    assert {"Engine", "diagnose", "diagnose_job", "load_catalog", "build_index", "CatalogError"} <= set(app.engine.__all__)
