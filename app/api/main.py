"""The ASGI entry point for servers: ``uvicorn app.api.main:app``. Settings come from the environment.

A wrong setting stops the process here, before any request, with one line per wrong setting naming
its ``ERRDIAG_`` variable. The exit status is uvicorn's "start-up failure" (3), so that a
``--workers`` supervisor stops instead of restarting workers that can only fail the same way.
Logging is configured from the settings.
"""

from __future__ import annotations

import sys

from pydantic import ValidationError

from app.api.app import create_app
from app.api.logs import configure_logging
from app.settings import Settings, describe_settings_error

_STARTUP_FAILURE = 3  # uvicorn.config.STARTUP_FAILURE


def _settings_or_exit() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        for line in describe_settings_error(exc):
            print(f"errdiag: {line}", file=sys.stderr)
        raise SystemExit(_STARTUP_FAILURE) from None


settings = _settings_or_exit()
configure_logging(settings)
app = create_app(settings)
