"""Cutting a line of prose into sentences: at a stop followed by a space, never inside a time, a version or a host name."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.segments import split_segments

PREFIX = "2026-11-25T21:59:25.505Z ERROR [BackupJob c89b5a23-ead2-a5f8-68fe-e687194fc877] "


def _sentences(line: str) -> list[str]:
    return [s.text.strip() for s in split_segments(line, max_segments=100) if s.part]


def test_a_log_line_with_one_sentence_is_not_cut_at_the_dots_of_its_timestamp() -> None:
    line = PREFIX + "La restauration de vm-erp-01 a échoué avec le code UserErrorInstantRpNotFound sur l’hôte vm01.contoso.com v1.2"
    assert len(line) >= 160  # long enough to be read sentence by sentence
    assert _sentences(line) == []  # one sentence: nothing to read apart


def test_sentences_end_at_a_stop_followed_by_a_space() -> None:
    first = PREFIX + "Impossible d’annuler le travail, car il n’est pas en cours."
    second = "L’annulation est prise en charge uniquement pour les travaux en cours!"
    third = "Réessayez; contactez le support sinon."
    line = f"{first} {second} {third}"
    parts = _sentences(line)
    assert parts == [first, second, "contactez le support sinon."]  # "Réessayez;" is too short to stand alone
    for segment in split_segments(line, max_segments=100):
        assert line[segment.start : segment.end] == segment.text  # offsets name the sentence in the input


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet="ab {[\"'.: \t\u00a0é1", max_size=170))
def test_a_short_single_line_is_cut_as_the_general_steps_cut_it(text: str) -> None:
    from app.engine import segments

    general = segments._json_segments(text)
    if general is None:
        general = list(segments._line_segments(text))
    assert split_segments(text, max_segments=2000) == segments._dedupe(general, 2000, segments.ERRORISH.search)
    assert split_segments(text, max_segments=0) == []
