"""Atlassian Document Format (Jira Cloud rich text) flattened to Markdown-like text.

Only what error extraction needs is kept: the text of every node, code blocks as
fences and block quotes as ``> `` lines (so that they are read as pasted blocks),
paragraphs and list items on their own lines. Marks (bold, links...) are dropped.
"""

from __future__ import annotations

__all__ = ["adf_to_text", "is_adf"]

_MAX_DEPTH = 64
_INLINE_ATTRS = {"mention": "text", "emoji": "text", "status": "text", "inlineCard": "url", "blockCard": "url", "date": "timestamp"}
_BLOCKS = {"paragraph", "heading", "codeBlock", "blockquote", "bulletList", "orderedList", "panel", "rule",
           "table", "expand", "nestedExpand", "mediaSingle", "mediaGroup", "decisionList", "taskList"}


def is_adf(value: object) -> bool:
    """True for an ADF document: ``{"type": "doc", "content": [...]}``."""
    return isinstance(value, dict) and value.get("type") == "doc" and isinstance(value.get("content"), list)


def adf_to_text(document: dict) -> str:
    return _blocks(document.get("content"), 0).strip()


def _blocks(content: object, depth: int) -> str:
    if not isinstance(content, list) or depth > _MAX_DEPTH:
        return ""
    parts = [_block(node, depth + 1) for node in content if isinstance(node, dict)]
    return "\n\n".join(part for part in parts if part.strip())


def _block(node: dict, depth: int) -> str:
    kind, content = node.get("type"), node.get("content")
    if kind == "codeBlock":
        code = _inline(content, depth)
        fence = "`" * max(3, _longest_backtick_run(code) + 1)
        return f"{fence}\n{code}\n{fence}"
    if kind == "blockquote":
        return "\n".join(f"> {line}" if line else ">" for line in _blocks(content, depth).split("\n"))
    if kind in ("bulletList", "orderedList", "taskList", "decisionList"):
        items = [_blocks(item.get("content"), depth + 1) or _inline(item.get("content"), depth + 1)
                 for item in content or [] if isinstance(item, dict)]
        return "\n".join(f"- {item}" for item in items if item)
    if kind == "table":
        return "\n".join(_row(row, depth) for row in content or [] if isinstance(row, dict))
    if kind in ("expand", "nestedExpand"):
        title = (node.get("attrs") or {}).get("title") or ""
        return "\n\n".join(p for p in (title, _blocks(content, depth)) if p)
    if isinstance(content, list) and any(isinstance(c, dict) and c.get("type") in _BLOCKS for c in content):
        return _blocks(content, depth)  # panel, listItem, layout...: blocks inside
    return _inline(content, depth) if content is not None else _inline([node], depth)


def _row(row: dict, depth: int) -> str:
    cells = [_blocks(cell.get("content"), depth + 1).replace("\n", " ") for cell in row.get("content") or [] if isinstance(cell, dict)]
    return " | ".join(cells)


def _inline(content: object, depth: int) -> str:
    if not isinstance(content, list) or depth > _MAX_DEPTH:
        return ""
    text = []
    for node in content:
        if not isinstance(node, dict):
            continue
        kind = node.get("type")
        if kind == "text" and isinstance(node.get("text"), str):
            text.append(node["text"])
        elif kind == "hardBreak":
            text.append("\n")
        elif kind in _INLINE_ATTRS:
            value = (node.get("attrs") or {}).get(_INLINE_ATTRS[kind])
            text.append(str(value) if value is not None else "")
        elif isinstance(node.get("content"), list):
            text.append(_inline(node["content"], depth + 1))
    return "".join(text)


def _longest_backtick_run(text: str) -> int:
    longest = current = 0
    for char in text:
        current = current + 1 if char == "`" else 0
        longest = max(longest, current)
    return longest
