"""The ASGI entry point for servers: ``uvicorn app.api.main:app``. Settings come from the environment."""

from __future__ import annotations

from app.api.app import create_app

app = create_app()
