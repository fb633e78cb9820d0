"""The ASGI entry point for servers: ``uvicorn app.api.main:app``. Settings come from the environment.

A wrong setting stops the process here, before any request, with one line per wrong setting naming
its ``ERRDIAG_`` variable. The exit status is uvicorn's "start-up failure" (3), so that a
``--workers`` supervisor stops instead of restarting workers that can only fail the same way.
Logging is configured from the settings.

The cyclic garbage collector is paused while the app is imported and built: modules, models and
routes all stay, and the collector's passes over them would only cost time (1 to 2 % of a start).
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from app.settings import Settings

__all__ = ["app", "settings"]

_STARTUP_FAILURE = 3  # uvicorn.config.STARTUP_FAILURE


def _build() -> tuple[Settings, FastAPI]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        from app.api.app import create_app
        from app.api.logs import configure_logging
        from app.settings import settings_or_exit

        settings = settings_or_exit(_STARTUP_FAILURE)
        configure_logging(settings)
        return settings, create_app(settings, freeze_gc=True)
    finally:
        if collecting:
            gc.enable()


settings, app = _build()
