"""Finding the error texts inside a ticket: a title, a body and comments written by people.

People paste what a tool printed among their own words. Each field is cut into
blocks, and each block gives error items:

* code blocks: Markdown fences (``` or ~~~), indented code, Jira ``{code}`` and
  ``{noformat}``; quoted blocks: ``> `` lines, Jira ``{quote}`` and ``bq.``;
* pasted JSON (an Azure job, an ARM error...), in a block or in the prose: read as a
  job payload (``read_errors``);
* runs of log lines (a timestamp or an upper-case level first): one item per record,
  continuation lines included, INFO/DEBUG records skipped;
* a block that is none of these is one item; the remaining prose gives its sentences.

Paths say where an item was: ``title:sentence[1]``, ``body:code-fence[1]``,
``comments[2]:quote[1]``, ``body:json[1]:$.error.details[0]``, ``body:log[1]:line[14]``.
Comment indexes are those of the input list; block ordinals count from 1 per kind and
field; ``line[n]`` is the record's first line in its block. Work is bounded: items that
normalise alike are kept once, and at most ``max_items`` are returned, blocks first.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from app.engine.normalize import guess_language, normalize, tokenize
from app.engine.payload import ErrorItem, read_errors
from app.engine.ticket_lines import is_prose_path, log_records, split_prose

__all__ = ["read_ticket", "ticket_language", "is_prose_path"]



@functools.cache
def _markdown():  # noqa: ANN202
    """The Markdown parser, built on the first ticket (importing it costs a service start ~40 ms)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")
_JIRA_BLOCK = re.compile(r"\{(code|noformat|quote)(?::[^}\n]*)?\}(.*?)\{\1\}", re.S)
_JIRA_BQ = re.compile(r"^[ \t]*bq\.[ \t]+(.*)$", re.M)
_QUOTE_MARK = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+", re.M)
_TAG = re.compile(r"<[^>\n]{1,200}>")
_BLOCK_MAX = 6000  # characters of one block item; longer blocks are cut in pieces
_JSON_TRIES = 50  # JSON parse attempts per field
_LANG_SAMPLE = 5000
_KEY_CHARS = 400
MAX_ITEMS = 400
MAX_CHARS = 40_000


@dataclass(frozen=True, slots=True)
class _Block:
    line: int  # first line in the field, for document order
    kind: str  # code-fence, code-indented, code, noformat, quote, prose
    text: str


def read_ticket(
    *, title: str | None = None, body: str | None = None, comments: Sequence[str] = (),
    max_items: int = MAX_ITEMS, max_chars: int = MAX_CHARS,
) -> list[ErrorItem]:
    """Every candidate error text of a ticket, in document order.

    Bounded to ``max_items`` items and ``max_chars`` characters: the title and the
    pasted blocks are kept first, then the sentences of the body and comments in order.
    """
    fields = [("title", title), ("body", body)] + [(f"comments[{i}]", c) for i, c in enumerate(comments)]
    found: list[tuple[int, ErrorItem]] = []
    for name, text in fields:
        if text and text.strip():
            found.extend((int(name != "title" and is_prose_path(item.path)), item) for item in _read_field(name, text))
    return _bounded(found, max_items, max_chars)


def ticket_language(*, title: str | None = None, body: str | None = None, comments: Sequence[str] = ()) -> str | None:
    """``fr`` or ``en``: the language people wrote the ticket in (code and quotes left out), if it shows."""
    prose = []
    for text in (title, body, *comments):
        if text:
            prose.extend(b.text for b in _blocks(text) if b.kind == "prose")
    sample = " ".join(prose)[:_LANG_SAMPLE]
    return guess_language(tokenize(normalize(sample)))


def _bounded(found: list[tuple[int, ErrorItem]], max_items: int, max_chars: int) -> list[ErrorItem]:
    """Items that normalise alike kept once; then the budget, by rank then document order."""
    seen: set[str] = set()
    unique: list[tuple[int, int, ErrorItem]] = []
    for order, (rank, item) in enumerate(found):
        key = _dedupe_key(item.text)
        if key and key not in seen:
            seen.add(key)
            unique.append((rank, order, item))
    kept, chars = [], 0
    for _rank, order, item in sorted(unique, key=lambda t: (t[0], t[1])):
        if len(kept) >= max_items:
            break
        if chars + len(item.text) > max_chars:
            continue  # a smaller item further on may still fit
        kept.append((order, item))
        chars += len(item.text)
    return [item for _, item in sorted(kept, key=lambda t: t[0])]


def _dedupe_key(text: str) -> str:
    """Texts that differ only in ids, times or numbers (repeated log lines) share a key."""
    if len(text) <= _KEY_CHARS:
        return normalize(text)
    return f"{normalize(text[: _KEY_CHARS // 2])}…{normalize(text[-_KEY_CHARS // 2 :])}|{len(text) // 100}"


def _read_field(name: str, text: str) -> Iterator[ErrorItem]:
    ordinals: dict[str, int] = {}
    sentence_count = 0
    json_tries = [_JSON_TRIES]
    for block in _blocks(text):
        if block.kind != "prose":
            ordinals[block.kind] = ordinals.get(block.kind, 0) + 1
            yield from _block_items(block.text, f"{name}:{block.kind}[{ordinals[block.kind]}]")
            continue
        for kind, piece in split_prose(block.text, json_tries):
            if kind == "sentence":
                sentence_count += 1
                yield ErrorItem(f"{name}:sentence[{sentence_count}]", None, piece)
            else:
                ordinals[kind] = ordinals.get(kind, 0) + 1
                yield from _block_items(piece, f"{name}:{kind}[{ordinals[kind]}]")


def _blocks(text: str) -> list[_Block]:
    """Jira blocks first (blanked out, line count kept), then the Markdown structure of the rest."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[_Block] = []

    def take(match: re.Match[str], kind: str, content: str) -> str:
        blocks.append(_Block(text.count("\n", 0, match.start()), kind, content))
        return "\n" * match.group().count("\n")

    text = _JIRA_BLOCK.sub(lambda m: take(m, m.group(1), m.group(2)), text)
    text = _JIRA_BQ.sub(lambda m: take(m, "quote", m.group(1)), text)
    blocks.extend(_markdown_blocks(text))
    return sorted(blocks, key=lambda b: b.line)


def _markdown_blocks(text: str) -> Iterator[_Block]:
    lines = text.split("\n")
    quote_depth = 0
    for token in _markdown().parse(text):
        if token.type == "blockquote_open":
            if quote_depth == 0 and token.map:
                raw = "\n".join(lines[token.map[0] : token.map[1]])
                yield _Block(token.map[0], "quote", _QUOTE_MARK.sub("", raw))
            quote_depth += 1
        elif token.type == "blockquote_close":
            quote_depth -= 1
        elif quote_depth or not token.map:
            continue
        elif token.type in ("fence", "code_block"):
            kind = "code-fence" if token.type == "fence" else "code-indented"
            yield _Block(token.map[0], kind, token.content)
        elif token.type in ("paragraph_open", "heading_open", "html_block"):
            raw = "\n".join(lines[token.map[0] : token.map[1]])
            yield _Block(token.map[0], "prose", _TAG.sub(" ", raw) if token.type == "html_block" else raw)


def _block_items(text: str, path: str) -> Iterator[ErrorItem]:
    """A block's items: its JSON errors, its log records, or the block itself (in pieces if long)."""
    stripped = text.strip()
    if not stripped:
        return
    if stripped[:1] in ("{", "["):
        try:
            document = json.loads(stripped)
        except (ValueError, RecursionError):
            document = None
        if isinstance(document, (dict, list)):
            for item in read_errors(document):
                yield ErrorItem(f"{path}:{item.path}", item.code, item.message, item.recommendations, item.context)
            return
    records = log_records(stripped)
    if records is not None:
        yield from (ErrorItem(f"{path}:line[{line}]", None, record) for line, record in records)
        return
    for offset in range(0, len(stripped), _BLOCK_MAX):
        piece = stripped[offset : offset + _BLOCK_MAX]
        yield ErrorItem(path if offset == 0 else f"{path}:part[{offset // _BLOCK_MAX + 1}]", None, piece)
