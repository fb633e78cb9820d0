"""Cutting an input (a message, a log, a ticket, a JSON document) into candidate segments.

A segment is a slice of the input with its offsets, so a match can name the
span it came from. Long inputs are bounded: at most ``max_segments`` segments
are returned, identical lines are kept once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

__all__ = ["ERRORISH", "Segment", "split_segments", "json_strings"]

_LINE = re.compile(r"[^\r\n]+")
# Inside a long line of prose: quoted passages, and sentences.
_QUOTED = re.compile(
    r"\"([^\"]{15,})\"|“([^”]{15,})”|«\s*([^»]{15,}?)\s*»|'([^']{25,})'|`([^`]{15,})`|\(([^()]{25,})\)"
)
# A sentence ends at . ! ? or ; followed by a space or the end of the line: not inside "13:08:29.930Z",
# "v1.2" or "vm01.contoso.com", which are no sentence boundary.
# (Runs of text, and of stops not followed by a space, then the stops that end it: as fast as a plain scan.)
_SENTENCE = re.compile(r"(?:[^.!?;]+|[.!?;]+(?!\s|$))+(?:[.!?;]+|$)")
_PROSE_MIN = 160
_CHUNK = 480
_STEP = 240
_WHOLE_MAX = 1200


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    start: int
    end: int
    path: str | None = None  # JSON path when the segment is a string of a JSON document
    part: bool = False  # a sentence or quoted passage of the line just before it


def split_segments(text: str, *, max_segments: int, relevant: Callable[[str], bool] | None = None) -> list[Segment]:
    """Segments of ``text``: its JSON strings if it is JSON, else its lines (long lines in windows).

    Past ``max_segments``, the segments that ``relevant`` accepts (by default: lines that
    look like errors) are kept first.
    """
    if len(text) < _PROSE_MIN and max_segments and "\n" not in text and "\r" not in text and _plain_line(text):
        return [Segment(text, 0, len(text))]  # what the steps below make of one short line, sooner
    from_json = _json_segments(text)
    segments = from_json if from_json is not None else list(_line_segments(text))
    if from_json is None and 0 < len(text.strip()) <= _WHOLE_MAX and "\n" in text.strip():
        # A message wrapped over several lines is also read whole.
        segments.append(Segment(" ".join(text.split()), 0, len(text)))
    return _dedupe(segments, max_segments, relevant or ERRORISH.search)


def _plain_line(text: str) -> bool:
    """A line that holds something and does not open as JSON does."""
    return bool(text.strip()) and not _opens_as_json(text)


def _opens_as_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def _line_segments(text: str) -> Iterator[Segment]:
    for match in _LINE.finditer(text):
        line = match.group()
        if not line.strip():
            continue
        if len(line) <= _CHUNK + _STEP:
            yield Segment(line, match.start(), match.end())
            if len(line) >= _PROSE_MIN:
                yield from _parts(line, match.start())
            continue
        for offset in range(0, len(line) - _STEP, _STEP):
            chunk = line[offset : offset + _CHUNK]
            yield Segment(chunk, match.start() + offset, match.start() + offset + len(chunk))


def _parts(line: str, offset: int) -> Iterator[Segment]:
    """Quoted passages and sentences of a line of prose, as segments of their own."""
    for match in _QUOTED.finditer(line):
        group = next(i for i in range(1, 7) if match.group(i) is not None)
        yield Segment(match.group(group), offset + match.start(group), offset + match.end(group), part=True)
    sentences = list(_SENTENCE.finditer(line))
    if len(sentences) > 1:
        for match in sentences:
            if len(match.group().strip()) >= 15:
                yield Segment(match.group(), offset + match.start(), offset + match.end(), part=True)


ERRORISH = re.compile(r"err|fail|fatal|exception|warn|denied|timed? ?out|impossible|echec|échec|introuvable|not found|code", re.I)
_VARYING = re.compile(r"[0-9a-fA-F]*\d[0-9a-fA-F]*")


def _dedupe(segments: list[Segment], limit: int, relevant: Callable[[str], object]) -> list[Segment]:
    """Keep the first of segments that differ only by numbers, ids and surrounding space."""
    if len(segments) < 2 and len(segments) <= limit:
        return segments  # most short messages: one line, nothing to compare
    seen: set[str] = set()
    kept: list[Segment] = []
    for segment in segments:
        key = _VARYING.sub("#", segment.text.strip())
        if key not in seen:
            seen.add(key)
            kept.append(segment)
    if len(kept) <= limit:
        return kept
    # Too many: lines that look like errors first, then the others, in input order.
    flags = [bool(relevant(s.text)) for s in kept]
    first = [s for s, flag in zip(kept, flags, strict=True) if flag][:limit]
    rest = [s for s, flag in zip(kept, flags, strict=True) if not flag][: limit - len(first)]
    return sorted(first + rest, key=lambda s: s.start)


def _json_segments(text: str) -> list[Segment] | None:
    if not _opens_as_json(text):
        return None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return [Segment(value, 0, len(text), path) for path, value in json_strings(document)]


def json_strings(document: object, path: str = "$", depth: int = 0) -> Iterator[tuple[str, str]]:
    """Every non-empty string of a JSON document with its JSON path (depth-bounded)."""
    if depth > 64:
        return
    if isinstance(document, str):
        if document.strip():
            yield path, document
    elif isinstance(document, dict):
        for key, value in document.items():
            yield from json_strings(value, f"{path}.{key}", depth + 1)
    elif isinstance(document, list):
        for i, value in enumerate(document):
            yield from json_strings(value, f"{path}[{i}]", depth + 1)
