"""Lines and sentences of a ticket: pasted JSON and log records inside prose, and where sentences end."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

__all__ = ["is_log_line", "log_records", "sentences", "split_prose", "is_prose_path"]

_TIMESTAMP = re.compile(
    r"""^[ \t]*[\[(]?(?:
        \d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[T\x20]\d{1,2}:\d{2})?                         # 2026-11-24, 2026/11/24 01:00
      | \d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}[\x20T,]+\d{1,2}:\d{2}                          # 24/11/2026 01:00
      | (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\x20+\d{1,2},?\x20+(?:\d{4}\x20+)?\d{1,2}:\d{2}
      | \d{1,2}:\d{2}:\d{2}                                                              # 01:00:12
    )""",
    re.X,
)
_LEVEL_FIRST = re.compile(r"^[ \t]*[\[(<]?(?:TRACE|DEBUG|VERBOSE|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL)\b")
_LEVEL = re.compile(r"\b(TRACE|DEBUG|VERBOSE|INFO|INFORMATION|NOTICE|WARN|WARNING|ERROR|FATAL|CRITICAL)\b")
_QUIET = frozenset({"TRACE", "DEBUG", "VERBOSE", "INFO", "INFORMATION", "NOTICE"})
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"'«“(\[]?[A-ZÀ-ÖØ-Þ0-9])")
_ALNUM = re.compile(r"\w")
_RECORD_MAX = 2000
_SENTENCE_MAX = 480  # one matcher segment


def is_log_line(line: str) -> bool:
    """A line that starts like a log record: a timestamp, or an upper-case level."""
    return bool(_TIMESTAMP.match(line) or _LEVEL_FIRST.match(line))


def is_prose_path(path: str) -> bool:
    """True for an item cut from people's sentences rather than from a pasted block."""
    return ":sentence[" in path


def log_records(text: str) -> list[tuple[int, str]] | None:
    """(first line, text) of each record of a log, quiet levels left out; None if ``text`` is no log.

    A log starts with a log line or holds at least two. Lines before the first record
    form one record of their own; lines that follow a record (a stack, a wrapped
    message) belong to it.
    """
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if is_log_line(line)]
    first_content = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if not starts or (starts[0] != first_content and len(starts) < 2):
        return None
    bounds = ([first_content] if starts[0] != first_content else []) + starts + [len(lines)]
    records = []
    for begin, end in zip(bounds, bounds[1:], strict=False):
        record = "\n".join(line for line in lines[begin:end] if line.strip())[:_RECORD_MAX]
        if record and not _is_quiet(record):
            records.append((begin + 1, record))
    return records


def _is_quiet(record: str) -> bool:
    level = _LEVEL.search(record[:80])
    return bool(level) and level.group(1) in _QUIET


def sentences(text: str) -> list[str]:
    """The sentences of a run of prose, each bounded in length; fragments without words are dropped."""
    found = []
    for sentence in _SENTENCE_END.split(" ".join(text.split())):
        for offset in range(0, len(sentence), _SENTENCE_MAX):
            piece = sentence[offset : offset + _SENTENCE_MAX].strip()
            if len(_ALNUM.findall(piece)) >= 4:
                found.append(piece)
    return found


def split_prose(text: str, json_tries: list[int]) -> Iterator[tuple[str, str]]:
    """Pasted JSON and log runs out of a prose block, and the sentences of what is left."""
    lines = text.split("\n")
    words: list[str] = []
    i = 0
    while i < len(lines):
        stripped = lines[i].lstrip()
        if stripped[:1] in ("{", "[") and json_tries[0] > 0:
            json_tries[0] -= 1
            end = _json_end(lines, i)
            if end is not None:
                yield from (("sentence", s) for s in sentences(" ".join(words)))
                words = []
                yield "json", "\n".join(lines[i:end])
                i = end
                continue
        if is_log_line(lines[i]):
            yield from (("sentence", s) for s in sentences(" ".join(words)))
            words = []
            yield "log", "\n".join(lines[i:])  # a log record runs to the end of its paragraph
            return
        words.append(stripped)
        i += 1
    yield from (("sentence", s) for s in sentences(" ".join(words)))


def _json_end(lines: list[str], start: int) -> int | None:
    """The line after a JSON document starting at ``lines[start]``, if one does and it holds something."""
    rest = "\n".join(lines[start:]).lstrip()
    try:
        document, consumed = json.JSONDecoder().raw_decode(rest)
    except (ValueError, RecursionError):
        return None
    if not document or not isinstance(document, (dict, list)):
        return None
    return start + rest.count("\n", 0, consumed) + 1
