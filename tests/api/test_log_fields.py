"""log_fields writes the access line itself when it can: the same line as logging would write, else logging does."""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Iterator

import pytest

from app.api.logs import _sole_json_handler, configure_logging, log_fields, request_id_var
from app.settings import Settings

FIELDS = {"request_id": "r-1", "method": "POST", "route": "/v1/diagnose", "status": 200, "duration_ms": 0.25,
          "matched": True, "entry": "backup.vhd-copy-timeout", "confidence": 0.9123, "input": "é \"quoted\"\nline"}
logger = logging.getLogger("errdiag.access")


@contextlib.contextmanager
def served() -> Iterator[logging.Handler]:
    """configure_logging's JSON handler alone on the root logger, writing to stdout, as in a server.

    pytest adds its own handlers to the root logger for each test: they are put back afterwards.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    root.handlers[:] = []
    configure_logging(Settings(_env_file=None, log_format="json", log_level="INFO"))  # type: ignore[call-arg]
    try:
        yield root.handlers[0]
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _lines(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


@pytest.mark.parametrize("now", [1764116188.512345, 1764116188.0, 1764116188.9999])
def test_the_line_is_the_one_logging_writes(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, now: float) -> None:
    monkeypatch.setattr(time, "time", lambda: now)  # for the record logging makes too
    with served() as handler:
        assert _sole_json_handler(logger, logging.INFO) is handler  # written without logging
        log_fields(logger, logging.INFO, "request", FIELDS)
        logger.info("request", extra=FIELDS)
    ours, theirs = capsys.readouterr().out.splitlines()
    assert ours == theirs
    assert json.loads(ours)["ts"].startswith("2025-11-26T00:16:28.")


@pytest.mark.parametrize("request_id", ["from-context", None])
def test_the_request_id_comes_from_the_context_as_with_logging(capsys: pytest.CaptureFixture[str], request_id: str | None) -> None:
    fields = {k: v for k, v in FIELDS.items() if k != "request_id"}
    token = request_id_var.set(request_id)
    try:
        with served():
            log_fields(logger, logging.INFO, "request", fields)
            logger.info("request", extra=fields)
    finally:
        request_id_var.reset(token)
    ours, theirs = _lines(capsys)
    assert ours.get("request_id") == theirs.get("request_id") == request_id
    assert ours.keys() == theirs.keys()


def test_levels_and_filters_are_obeyed(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    with served() as handler:
        log_fields(logger, logging.DEBUG, "request", FIELDS)  # below the root's INFO
        monkeypatch.setattr(handler, "level", logging.WARNING)
        log_fields(logger, logging.INFO, "request", FIELDS)
        monkeypatch.setattr(handler, "level", logging.NOTSET)
        monkeypatch.setattr(logger, "filters", [lambda record: False])
        log_fields(logger, logging.INFO, "request", FIELDS)
    assert _lines(capsys) == []


def test_other_handlers_get_a_record(capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    with served():
        logging.getLogger().addHandler(caplog.handler)
        log_fields(logger, logging.INFO, "request", FIELDS)
    [record] = caplog.records
    assert record.getMessage() == "request" and record.entry == "backup.vhd-copy-timeout"  # type: ignore[attr-defined]
    [line] = _lines(capsys)
    assert line["entry"] == "backup.vhd-copy-timeout"


def test_a_failed_write_is_reported_as_logging_reports_it(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    reported: list[logging.LogRecord] = []
    with served() as handler:
        monkeypatch.setattr(handler, "stream", None)  # writing fails
        monkeypatch.setattr(handler, "handleError", reported.append)
        log_fields(logger, logging.INFO, "request", FIELDS)
    [record] = reported
    assert record.getMessage() == "request" and record.entry == "backup.vhd-copy-timeout"  # type: ignore[attr-defined]
