"""Answers by input shape: an error seen before, printed again with other numbers and ids, is not matched again.

Most inputs a service sees are errors it has seen, printed for another job, VM or day: the same
wording with another request number, job GUID or timestamp. Such inputs share a *shape*: the input
with every ASCII digit read as 0, and every GUID whose five groups each hold a digit read as the nil
GUID. A shape keeps the input's length and every other character, so offsets are the same in all
inputs of one shape. The answer to the first one is kept as a template; the next ones get it with
their own quoted text, after one check.

Why a template holds for every input of its shape (each step of ``diagnose``):

- Segments (lines, sentences, quoted passages) and their offsets come from lengths, spaces and
  punctuation, which a shape keeps. Segments that differ only by numbers and ids are kept once, by
  their runs of hex digits that hold a digit; a shape keeps those runs, and a zeroed GUID is five of
  them in every input of the shape. So the same segments are kept.
- Normalisation: the masks (numbers, dates, GUIDs...) tell a digit from a letter but never one digit
  from another, and a zeroed GUID only borders ASCII characters that are not letters or digits, where
  folding changes nothing. So the masks take the same places in every input of the shape, and the
  normalised segments are the same but for the digits masking left ("node1", "V2").
- Scores: the same normalised text scores the same. Digits left in it change nothing when no word,
  wording or domain phrase of the catalogue holds a digit (``Index.digit_blind``): the words holding
  them are unknown to the index whichever digits they hold, and rapidfuzz only compares characters
  for equality, so any digit aligns as badly with a digit-free wording. Otherwise an input where a
  digit was left gets no template (``MatchTrace.digits``).
- Codes may be numbers ("320001") or lie in what a shape reads as zeros: each input must have the very
  same code hits as the template's. Only its code tokens holding a digit can differ, so only those are
  read again, unless the template's input had several codes or one holding a digit: then all its codes
  are found again (``CodeWatch``).
- The language is guessed from stop words, which hold no digits.
- What differs is the input's text quoted by each explanation (``matched_text``): it is read again
  from the new input at the same offsets.

Inputs that none of this covers have no shape: JSON documents (their strings come from parsing)
and long inputs (see ``shape_of``); and an input with more segments than the matcher keeps gets no
template (which of them are kept then depends on their words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.engine.cache import IndexCache
from app.engine.diagnosis import MATCHED_TEXT_MAX
from app.engine.encoded import json_of, remember_json, requoted_json
from app.engine.index import Index
from app.engine.matcher import CodeHit, CodeWatch, MatchTrace, find_codes
from app.engine.results import Alternative, DiagnoseResult, Diagnosis, Span, replaced

__all__ = ["Shapes", "Template", "shape_of", "template_of"]

_ZERO_DIGITS = bytes.maketrans(b"123456789", b"000000000")
# A GUID (after the digits were zeroed) whose every group holds a digit, bordered by neither a letter, a digit,
# "_" nor a non-ASCII byte. On UTF-8 bytes: bytes 0x80-0xff are the parts of non-ASCII characters.
_GUID = re.compile(
    rb"(?<![\w\x80-\xff])"
    + rb"-".join(rb"(?=[a-fA-F]{0,%d}0)[0-9a-fA-F]{%d}" % (n - 1, n) for n in (8, 4, 4, 4, 12))
    + rb"(?![\w\x80-\xff])"
)
_NIL = b"00000000-0000-0000-0000-000000000000"


def shape_of(text: str, *, max_chars: int) -> bytes | None:
    """The shape of ``text`` (see the module), or None for inputs that have none (JSON, over ``max_chars``)."""
    if len(text) > max_chars or text.lstrip()[:1] in ("{", "["):
        return None
    shape = text.encode("utf-8", "surrogatepass").translate(_ZERO_DIGITS)
    return _GUID.sub(_NIL, shape) if b"-" in shape else shape


@dataclass(frozen=True, slots=True)
class Template:
    """An answer, and the code hits it rests on, for every input of one shape."""

    result: DiagnoseResult
    codes: dict[str, CodeHit]
    watch: CodeWatch  # where the codes of another input of the shape may differ

    def answer(self, index: Index, text: str) -> DiagnoseResult | None:
        """The answer to ``text`` (of this template's shape), or None if its codes differ."""
        if not self.watch.unchanged(index, text) and find_codes(index, text) != self.codes:
            return None
        return _requoted(self.result, text)


def template_of(index: Index, result: DiagnoseResult, text: str, trace: MatchTrace, *, max_segments: int) -> Template | None:
    """A template from the answer to ``text`` and its match's trace, or None when the answer may not hold for its shape."""
    if (trace.digits and not index.digit_blind) or trace.segments >= max_segments:
        return None
    for item in _explained(result):
        explanation = item.explanation
        if explanation.method != "code" and _quoted(text, explanation.span) != explanation.matched_text:
            return None  # quoted text this module cannot read again (a JSON string)
    return Template(result, trace.codes, CodeWatch.of(index, text))


class Shapes(IndexCache[Template]):
    """Templates by (shape, options) for the current index, kept as ``IndexCache`` admits them (from the second input of a shape on).

    ``hits`` count answers given from a template.
    """

    def __init__(self, size: int) -> None:
        super().__init__(size, admission=True)

    def answer(self, key: Any, index: Index, text: str) -> DiagnoseResult | None:
        template = self.get(key, index, tally=False)
        # The same shape with other codes is not answered from the template: a miss.
        result = template.answer(index, text) if template is not None else None
        self.tally(result is not None)
        return result


def _explained(result: DiagnoseResult) -> list[Diagnosis | Alternative]:
    return ([result.diagnosis] if result.diagnosis is not None else []) + result.alternatives


def _quoted(text: str, span: Span | None) -> str | None:
    """The text an explanation quotes from its segment's span: the slice, or the whole input read as one line."""
    if span is None:
        return None
    whole = span.start == 0 and span.end == len(text) and "\n" in text  # a message wrapped over lines, read whole
    return (" ".join(text.split()) if whole else text[span.start : span.end]).strip()[:MATCHED_TEXT_MAX]


def _requoted(result: DiagnoseResult, text: str) -> DiagnoseResult:
    """``result`` with each explanation quoting ``text``, and its JSON; the same object when nothing changes."""
    changes: list[tuple[str | None, str | None]] = []
    diagnosis = _requote(result.diagnosis, text, changes) if result.diagnosis is not None else None
    alternatives = [_requote(item, text, changes) for item in result.alternatives]
    if not changes:
        return result
    derived = replaced(result, diagnosis=diagnosis, alternatives=alternatives)
    if len(set(changes)) == 1 and changes[0][0] is not None and changes[0][1] is not None:
        # Most often every explanation quotes the one line of the input: its JSON is the template's
        # with that line's text replaced, which spares encoding the whole answer again. The JSON must
        # hold the old text exactly once per explanation that changed (none left that did not).
        old, new = changes[0]
        encoded = requoted_json(json_of(result), old, new, len(changes))
        if encoded is not None:
            remember_json(derived, encoded)
    return derived


def _requote(item: Diagnosis | Alternative, text: str, changes: list[tuple[str | None, str | None]]) -> Any:
    explanation = item.explanation
    if explanation.method == "code":
        return item  # quotes the code, the same in every input the template answers
    quoted = _quoted(text, explanation.span)
    if quoted == explanation.matched_text:
        return item
    changes.append((explanation.matched_text, quoted))
    return replaced(item, explanation=replaced(explanation, matched_text=quoted))
