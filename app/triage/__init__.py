"""Ticket auto-triage: tracker payloads in, labels, priority, assignment group and a comment out.

A thin layer over the engine (which finds and diagnoses the errors of a ticket): it maps
each tracker's payload onto one ``Ticket`` and decides what a ticketing system does with
the diagnoses. It knows nothing of HTTP.
"""

from __future__ import annotations

from app.triage.comment import COMMENT_MARKER, render_comment, render_triage_markdown, render_triage_text
from app.triage.model import (
    SOURCES,
    Ignored,
    IgnoredDelivery,
    Source,
    Ticket,
    TicketPayloadError,
    TicketRequest,
    TriageResult,
)
from app.triage.policy import TriagePolicy, labels_for, triage
from app.triage.trackers import detect_source, ticket_from

__all__ = [
    "COMMENT_MARKER", "SOURCES", "Ignored", "IgnoredDelivery", "Source", "Ticket", "TicketPayloadError",
    "TicketRequest", "TriagePolicy", "TriageResult", "detect_source", "labels_for", "render_comment",
    "render_triage_markdown", "render_triage_text", "ticket_from", "triage",
]
