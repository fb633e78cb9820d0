"""Logging for a server: one JSON object (or one readable line) per record, with the request id.

``configure_logging(settings)`` installs one handler on the root logger (replacing the one it
installed before) and routes uvicorn's own loggers through it. The request id of the request being
served is held in a context variable and added to every record logged while serving it.
``log_fields`` logs a line of fields (the access log: one per request) as ``logger.log`` would, and
writes it straight to that handler when the JSON handler is the only one the record would reach.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
import time
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from pydantic_core import to_json

from app.settings import Settings

__all__ = ["configure_logging", "log_fields", "request_id_var", "JsonFormatter", "TextFormatter", "ACCESS_LOGGER"]

ACCESS_LOGGER = "errdiag.access"
request_id_var: ContextVar[str | None] = ContextVar("errdiag_request_id", default=None)

# Attributes every LogRecord has; anything else was passed in ``extra=`` and belongs in the line.
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


def _json(line: dict[str, object]) -> str:
    """One log line as compact JSON (pydantic-core's encoder: a quarter of ``json.dumps``'s time per access line)."""
    return to_json(line, fallback=str).decode()


def _fields(record: logging.LogRecord) -> dict[str, object]:
    return _with_request_id({key: value for key, value in vars(record).items() if key not in _STANDARD_ATTRS})


def _with_request_id(fields: dict[str, object]) -> dict[str, object]:
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


def _json_line(ts: str, level: str, logger: str, message: str, fields: dict[str, object]) -> dict[str, object]:
    line: dict[str, object] = {"ts": ts, "level": level, "logger": logger, "message": message}
    line.update(fields)
    return line


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", ...extra fields}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = _json_line(_timestamp(record), record.levelname, record.name, record.getMessage(), _fields(record))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return _json(line)


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

    def write(self, text: str, record: Callable[[], logging.LogRecord]) -> None:
        """Write one formatted line as ``handle`` and ``emit`` would; ``record()`` is called for ``handleError`` only."""
        self.acquire()
        try:
            self.stream.write(text + self.terminator)
            self.flush()
        except RecursionError:
            raise
        except Exception:
            self.handleError(record())
        finally:
            self.release()


def log_fields(logger: logging.Logger, level: int, message: str, fields: dict[str, object]) -> None:
    """``logger.log(level, message, extra=fields)``, the same line without building a record when it can.

    The record would reach the JSON handler of ``configure_logging`` alone (a request's access line, as
    served): the line is formatted here as ``JsonFormatter`` formats it and written to that handler. Any
    other set-up (filters, another handler, pytest's capture, a record factory) goes through ``logging``.
    """
    handler = _sole_json_handler(logger, level)
    if handler is None:
        logger.log(level, message, extra=fields)
        return
    now = time.time()
    ts = f"{_utc_second(int(now))}.{int((now - int(now)) * 1000):03d}Z"  # what LogRecord and _timestamp make of it
    line = _with_request_id(_json_line(ts, logging.getLevelName(level), logger.name, message, fields))  # as _fields: the same keys, in order
    handler.write(_json(line), lambda: logger.makeRecord(logger.name, level, "(unknown file)", 0, message, None, None, extra=fields))


def _sole_json_handler(logger: logging.Logger, level: int) -> _ErrdiagHandler | None:
    """The JSON handler of ``configure_logging`` when a record of ``logger`` at ``level`` would reach it and nothing else."""
    if not logger.isEnabledFor(level) or logger.filters or logging.getLogRecordFactory() is not logging.LogRecord:
        return None
    found: list[logging.Handler] = []
    node: logging.Logger | None = logger
    while node is not None:
        found.extend(node.handlers)
        node = node.parent if node.propagate else None
    if len(found) != 1:
        return None
    handler = found[0]
    if type(handler) is not _ErrdiagHandler or type(handler.formatter) is not JsonFormatter or handler.filters or level < handler.level:
        return None
    return handler


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
