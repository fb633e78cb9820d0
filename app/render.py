"""Human-readable renderings of a diagnosis: aligned plain text for terminals, and Markdown.

Used by the API (``Accept: text/plain``, ``?format=text|markdown``) and the CLI.
"""

from __future__ import annotations

import textwrap

from app.engine.results import Alternative, DiagnoseResult, Diagnosis, FoundError, MultiDiagnoseResult

__all__ = ["render_text", "render_markdown", "render_multi_text", "render_multi_markdown"]

_WIDTH = 88
_LABELS = {
    "en": {"entry": "Entry", "category": "Category", "confidence": "Confidence", "codes": "Codes",
           "retry": "Retryable", "causes": "Probable causes", "steps": "What to do", "docs": "Docs",
           "match": "Matched", "no_match": "No known error recognised.", "nearest": "Nearest entries",
           "yes": "yes, after", "no": "no", "related": "Related", "note": "Note", "found": "Found at",
           "job": "Job", "catalog": "Catalogue", "nothing": "No error found in the input."},
    "fr": {"entry": "Entrée", "category": "Catégorie", "confidence": "Confiance", "codes": "Codes",
           "retry": "Réessayer", "causes": "Causes probables", "steps": "Que faire", "docs": "Docs",
           "match": "Reconnu", "no_match": "Aucune erreur connue reconnue.", "nearest": "Entrées les plus proches",
           "yes": "oui, après", "no": "non", "related": "Voir aussi", "note": "Remarque", "found": "Trouvé en",
           "job": "Travail", "catalog": "Catalogue", "nothing": "Aucune erreur trouvée dans l’entrée."},
}


def _wrap(text: str, indent: str) -> str:
    """Fill ``text`` to the width, continuation lines aligned after its bullet or number."""
    words = " ".join(text.split())
    bullet = words.split(" ", 1)[0] if words[:1] in "-0123456789" else ""
    return textwrap.fill(words, _WIDTH, initial_indent=indent, subsequent_indent=indent + " " * (len(bullet) + 1 if bullet else 0))


def _diagnosis_text(d: Diagnosis, lang: str) -> list[str]:
    t = _LABELS[lang]
    retry = f"{t['yes']} {d.retry_after_seconds}s" if d.retryable else t["no"]
    rows = [(t["entry"], d.entry_id), (t["category"], d.category), (t["confidence"], f"{d.confidence:.2f}"),
            (t["retry"], retry)]
    if d.codes:
        rows.insert(2, (t["codes"], ", ".join(d.codes)))
    width = max(len(label) for label, _ in rows)
    lines = [d.title, "=" * min(len(d.title), _WIDTH)]
    lines += [f"{label:<{width}}  {value}" for label, value in rows]
    lines += ["", f"{t['causes']}:"] + [_wrap(f"- {c}", "  ") for c in d.causes]
    lines += ["", f"{t['steps']}:"]
    for step in d.steps:
        lines.append(_wrap(f"{step.position}. {step.text}", "  "))
        if step.command:
            lines += ["", *[f"        {line}" for line in step.command.splitlines()], ""]
    if d.docs:
        lines += ["", f"{t['docs']}:"] + [f"  - {doc.title}: {doc.url}" for doc in d.docs]
    if d.related:
        lines += ["", f"{t['related']}: {', '.join(d.related)}"]
    lines += ["", _wrap(f"{t['match']}: {_evidence(d)}", "")]
    if d.explanation.note:
        lines.append(_wrap(f"{t['note']}: {d.explanation.note}", ""))
    return lines


def _evidence(d: Diagnosis | Alternative) -> str:
    e = d.explanation
    parts = []
    if e.code:
        parts.append(f"code {e.code}")
    if e.matched_text and e.method != "code":
        parts.append(f'"{e.matched_text[:120]}"')
    parts.append(f"({e.method}, score {e.score:.2f})")
    return " ".join(parts)


def _alternatives_text(alternatives: list[Alternative], lang: str) -> list[str]:
    if not alternatives:
        return []
    lines = ["", f"{_LABELS[lang]['nearest']}:"]
    width = max(len(a.entry_id) for a in alternatives)
    lines += [f"  {a.confidence:.2f}  {a.entry_id:<{width}}  {a.title}" for a in alternatives]
    return lines


def render_text(result: DiagnoseResult) -> str:
    """One diagnosis as plain text: title, facts, causes, numbered steps, commands set apart."""
    lines = _diagnosis_text(result.diagnosis, result.lang) if result.diagnosis else [_LABELS[result.lang]["no_match"]]
    lines += _alternatives_text(result.alternatives, result.lang)
    return "\n".join(lines).rstrip() + "\n"


def render_multi_text(result: MultiDiagnoseResult) -> str:
    """Every error of a job payload or ticket, one block each."""
    t = _LABELS[result.lang]
    if not result.errors:
        return t["nothing"] + "\n"
    blocks = []
    for i, error in enumerate(result.errors, start=1):
        head = [f"[{i}/{len(result.errors)}] {t['found']} {', '.join(error.paths)}"]
        if error.context:
            head.append(f"{t['job']}: " + ", ".join(f"{k}={v}" for k, v in error.context.items()))
        body = _diagnosis_text(error.diagnosis, result.lang) if error.diagnosis else [t["no_match"], _wrap(error.message[:200], "  ")]
        blocks.append("\n".join(head + [""] + body + _alternatives_text(error.alternatives, result.lang)))
    return "\n\n".join(blocks).rstrip() + "\n"


def _diagnosis_markdown(d: Diagnosis, lang: str, level: str = "###") -> list[str]:
    t = _LABELS[lang]
    retry = f"{t['yes']} {d.retry_after_seconds}s" if d.retryable else t["no"]
    lines = [f"{level} {d.title}", "", f"**{t['entry']}:** `{d.entry_id}` · **{t['category']}:** {d.category} · "
             f"**{t['confidence']}:** {d.confidence:.2f} · **{t['retry']}:** {retry}"]
    if d.codes:
        lines.append(f"**{t['codes']}:** " + ", ".join(f"`{c}`" for c in d.codes))
    lines += ["", f"**{t['causes']}**", ""] + [f"- {c}" for c in d.causes]
    lines += ["", f"**{t['steps']}**", ""]
    for step in d.steps:
        lines.append(f"{step.position}. {step.text}")
        if step.command:
            lines += ["", "   ```", *[f"   {line}" for line in step.command.splitlines()], "   ```"]
    if d.docs:
        lines += ["", f"**{t['docs']}**", ""] + [f"- [{doc.title}]({doc.url})" for doc in d.docs]
    lines += ["", f"_{t['match']}: {_evidence(d).replace('_', chr(92) + '_')}_"]
    return lines


def render_markdown(result: DiagnoseResult) -> str:
    lines = _diagnosis_markdown(result.diagnosis, result.lang) if result.diagnosis else [_LABELS[result.lang]["no_match"]]
    if result.alternatives:
        lines += ["", f"**{_LABELS[result.lang]['nearest']}:** " + ", ".join(f"`{a.entry_id}` ({a.confidence:.2f})" for a in result.alternatives)]
    return "\n".join(lines) + "\n"


def render_multi_markdown(result: MultiDiagnoseResult) -> str:
    t = _LABELS[result.lang]
    if not result.errors:
        return t["nothing"] + "\n"
    parts = []
    for error in result.errors:
        parts.append("\n".join(_found_markdown(error, result.lang)))
    return "\n\n---\n\n".join(parts) + "\n"


def _found_markdown(error: FoundError, lang: str) -> list[str]:
    t = _LABELS[lang]
    if error.diagnosis:
        return _diagnosis_markdown(error.diagnosis, lang)
    return [f"### {t['no_match']}", "", f"> {error.message[:300]}"]
