"""The comment posted on a ticket (Markdown), and the plain-text and Markdown answers of triage.

The comment starts with an invisible marker (``<!-- errdiag:triage -->``) and ends with a footer,
so that a later delivery of the same ticket does not read errdiag's own comment as new errors.
"""

from __future__ import annotations

import re

from app import __version__
from app.engine.results import Diagnosis, FoundError, MultiDiagnoseResult
from app.render import render_multi_text
from app.triage.model import TriageResult

__all__ = ["COMMENT_MARKER", "is_own_comment", "render_comment", "render_triage_text", "render_triage_markdown"]

COMMENT_MARKER = "<!-- errdiag:triage -->"
_OWN_COMMENT = re.compile(re.escape(COMMENT_MARKER) + r"|(?:Automatic triage by|Triage automatique par) errdiag \d")
_FENCE_LANGUAGES = {"powershell": "powershell", "cli": "sh"}
_QUOTE_CHARS = 400
_FULL_SECTIONS = 5  # further errors are listed in one line each: trackers cap a comment (Jira 32 KB, GitHub 64 KB)
_WORDS = {
    "en": {"intro_one": "**errdiag** recognised a known Azure Backup error in this ticket.",
           "intro_many": "**errdiag** recognised {n} distinct known Azure Backup errors in this ticket; one section each.",
           "more": "Also recognised",
           "found": "Found in", "confidence": "confidence", "retry_yes": "retryable after {s}s", "retry_no": "not retryable",
           "causes": "Probable causes", "steps": "What to do", "docs": "Documentation", "related": "See also",
           "footer": "Automatic triage by errdiag {v}, catalogue {c}. The steps come from the reviewed catalogue; check them against your environment.",
           "ticket": "Ticket", "matched": "Matched", "labels": "Labels", "priority": "Priority", "group": "Group",
           "yes": "yes", "no": "no", "none": "(none)", "nothing": "No known Azure Backup error was recognised in this ticket."},
    "fr": {"intro_one": "**errdiag** a reconnu une erreur connue de Sauvegarde Azure dans ce ticket.",
           "intro_many": "**errdiag** a reconnu {n} erreurs connues distinctes de Sauvegarde Azure dans ce ticket ; une section pour chacune.",
           "more": "Également reconnues",
           "found": "Trouvée dans", "confidence": "confiance", "retry_yes": "à réessayer après {s} s", "retry_no": "ne pas réessayer tel quel",
           "causes": "Causes probables", "steps": "Que faire", "docs": "Documentation", "related": "Voir aussi",
           "footer": "Triage automatique par errdiag {v}, catalogue {c}. Les étapes viennent du catalogue relu ; vérifiez-les pour votre environnement.",
           "ticket": "Ticket", "matched": "Reconnu", "labels": "Étiquettes", "priority": "Priorité", "group": "Groupe",
           "yes": "oui", "no": "non", "none": "(aucune)", "nothing": "Aucune erreur connue de Sauvegarde Azure n’a été reconnue dans ce ticket."},
}


def is_own_comment(text: str) -> bool:
    """True for a comment errdiag wrote: its marker, or its footer when a tracker dropped the marker."""
    return bool(_OWN_COMMENT.search(text))


def render_comment(diagnosed: list[FoundError], lang: str, catalog_version: str) -> str:
    """The Markdown comment: an introduction, one section per diagnosed error, a footer."""
    words = _WORDS[lang]
    intro = words["intro_one"] if len(diagnosed) == 1 else words["intro_many"].format(n=len(diagnosed))
    sections = [_section(error, i, len(diagnosed), words) for i, error in enumerate(diagnosed[:_FULL_SECTIONS], start=1)]
    if len(diagnosed) > _FULL_SECTIONS:
        sections.append(f"**{words['more']}**\n\n" + "\n".join(
            f"- `{e.diagnosis.entry_id}`: {e.diagnosis.title} ({', '.join(f'`{p}`' for p in e.paths[:3])})"  # type: ignore[union-attr]
            for e in diagnosed[_FULL_SECTIONS:]))
    footer = f"<sub>{words['footer'].format(v=__version__, c=catalog_version)}</sub>"
    return "\n\n".join([COMMENT_MARKER + "\n" + intro, *sections, footer]) + "\n"


def _section(error: FoundError, number: int, total: int, words: dict[str, str]) -> str:
    d: Diagnosis = error.diagnosis  # type: ignore[assignment]
    heading = f"### {number}. {d.title}" if total > 1 else f"### {d.title}"
    retry = words["retry_yes"].format(s=d.retry_after_seconds or 0) if d.retryable else words["retry_no"]
    lines = [heading, "", f"`{d.entry_id}` · {d.category} · {words['confidence']} {d.confidence:.2f} · {retry}", ""]
    quoted = f"{error.code}: {error.message}" if error.code and error.code not in error.message else error.message
    lines += _verbatim(_excerpt(quoted))
    lines += ["", f"{words['found']}: " + ", ".join(f"`{p}`" for p in error.paths[:5]), ""]
    lines += [f"**{words['causes']}**", ""] + [f"- {cause}" for cause in d.causes]
    lines += ["", f"**{words['steps']}**", ""]
    for step in d.steps:
        lines.append(f"{step.position}. {step.text}")
        if step.command:
            fence = "```" + _FENCE_LANGUAGES.get(step.kind, "")
            lines += ["", f"   {fence}", *[f"   {line}" for line in step.command.rstrip().splitlines()], "   ```", ""]
    if d.docs:
        lines += ["", f"**{words['docs']}**", ""] + [f"- [{doc.title}]({doc.url})" for doc in d.docs]
    if d.related:
        lines += ["", f"{words['related']}: " + ", ".join(f"`{r}`" for r in d.related)]
    return "\n".join(_squeeze(lines))


def _verbatim(text: str) -> list[str]:
    """The ticket's own text in a code fence: shown as found, and no Markdown, link or @mention of it acts."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}text", *text.split("\n"), fence]


def _excerpt(message: str) -> str:
    text = message.strip()
    return text if len(text) <= _QUOTE_CHARS else text[:_QUOTE_CHARS].rstrip() + " …"


def _squeeze(lines: list[str]) -> list[str]:
    """No two blank lines in a row (a command block followed by a blank step gap)."""
    kept: list[str] = []
    for line in lines:
        if not (line == "" and kept and kept[-1] == ""):
            kept.append(line)
    return kept


def _facts(result: TriageResult, words: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (words["ticket"], f"{result.ticket_id or '-'} ({result.source})"),
        (words["matched"], words["yes"] if result.matched else words["no"]),
        (words["labels"], ", ".join(result.labels) or words["none"]),
        (words["priority"], result.priority or "-"),
        (words["group"], result.assignment_group or "-"),
        (words["confidence"].capitalize(), f"{result.confidence:.2f}"),
    ]


def render_triage_text(result: TriageResult) -> str:
    """Plain text for a terminal: the triage facts aligned, then each error as ``render_multi_text`` prints it."""
    words = _WORDS[result.lang]
    facts = _facts(result, words)
    width = max(len(label) for label, _ in facts)
    head = "\n".join(f"{label:<{width}}  {value}" for label, value in facts)
    if not result.errors:
        return f"{head}\n\n{words['nothing']}\n"
    multi = MultiDiagnoseResult(matched=result.matched, lang=result.lang, errors=result.errors, catalog=result.catalog)
    return f"{head}\n\n{render_multi_text(multi)}"


def render_triage_markdown(result: TriageResult) -> str:
    """The comment itself (what a script posts), or a one-line note when nothing matched."""
    return result.comment or _WORDS[result.lang]["nothing"] + "\n"
