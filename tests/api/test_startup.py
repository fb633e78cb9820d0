"""A wrong setting stops ``uvicorn app.api.main:app`` before it serves, naming the ERRDIAG_ variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from support import ROOT


@pytest.mark.parametrize(("variable", "value"), [
    ("ERRDIAG_THRESHOLD", "2"),
    ("ERRDIAG_LOG_FORMAT", "xml"),
    ("ERRDIAG_API_KEYS", "too-short"),
    ("ERRDIAG_CATALOG_DIR", "/nonexistent/catalog"),
])
def test_uvicorn_refuses_a_wrong_setting(variable: str, value: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ERRDIAG_")} | {variable: value}
    done = subprocess.run(
        [sys.executable, "-m", "uvicorn", "app.api.main:app", "--host", "127.0.0.1", "--port", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 3  # uvicorn's start-up failure: a --workers supervisor stops too
    assert f"errdiag: invalid setting {variable}:" in done.stderr
    assert "Traceback" not in done.stderr and "too-short" not in done.stderr
