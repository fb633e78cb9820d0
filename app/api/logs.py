"""Logging for a server: one JSON object (or one readable line) per record, with the request id.

``configure_logging(settings)`` installs one handler on the root logger (replacing the one it
installed before) and routes uvicorn's own loggers through it. The request id of the request being
served is held in a context variable and added to every record logged while serving it.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

from app.settings import Settings

__all__ = ["configure_logging", "request_id_var", "JsonFormatter", "TextFormatter", "ACCESS_LOGGER"]

ACCESS_LOGGER = "errdiag.access"
request_id_var: ContextVar[str | None] = ContextVar("errdiag_request_id", default=None)

# Attributes every LogRecord has; anything else was passed in ``extra=`` and belongs in the line.
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}
# Built once: json.dumps with options builds a new encoder for every line.
_JSON = json.JSONEncoder(ensure_ascii=False, default=str)


def _fields(record: logging.LogRecord) -> dict[str, object]:
    fields = {key: value for key, value in vars(record).items() if key not in _STANDARD_ATTRS}
    fields.setdefault("request_id", request_id_var.get())
    if fields["request_id"] is None:
        del fields["request_id"]
    return fields


@functools.lru_cache(maxsize=4)
def _utc_second(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _timestamp(record: logging.LogRecord) -> str:
    """``2026-11-26T00:16:28.512Z``: the second is formatted once for all the records logged in it."""
    return f"{_utc_second(int(record.created))}.{int(record.msecs):03d}Z"


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", ...extra fields}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": _timestamp(record), "level": record.levelname, "logger": record.name, "message": record.getMessage(),
        }
        line.update(_fields(record))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return _JSON.encode(line)


class TextFormatter(logging.Formatter):
    """``ts LEVEL logger: message key=value ...`` for a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        pairs = " ".join(f"{key}={_quoted(value)}" for key, value in _fields(record).items() if value is not None)
        text = f"{_timestamp(record)} {record.levelname:<7} {record.name}: {record.getMessage()}"
        text = f"{text} {pairs}" if pairs else text
        if record.exc_info:
            text = f"{text}\n{self.formatException(record.exc_info)}"
        return text


def _quoted(value: object) -> str:
    text = str(value)
    return json.dumps(text, ensure_ascii=False) if not text or any(c.isspace() or c in "\"=" for c in text) else text


class _ErrdiagHandler(logging.StreamHandler):
    """The handler ``configure_logging`` installs, told apart from handlers installed by others."""


def configure_logging(settings: Settings) -> None:
    """Send every log record to stdout in the configured format, at the configured level."""
    handler = _ErrdiagHandler(sys.stdout)
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _ErrdiagHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in ("uvicorn", "uvicorn.error"):
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.propagate = True
    for chatty in ("httpx", "httpcore"):  # their INFO lines carry whole URLs, query strings included
        logging.getLogger(chatty).setLevel(max(logging.WARNING, root.level))
    # errdiag writes its own access line (with the request id, route and outcome): uvicorn's would repeat it.
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    access.disabled = True
