from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.normalize import MASKS, guess_language, normalize, normalize_all, tokenize


def test_folds_case_accents_quotes_and_dashes() -> None:
    assert normalize("L’opération a ÉCHOUÉ – « réessayez »") == "l'operation a echoue - \" reessayez \""


def test_nfkc_unifies_compatibility_forms() -> None:
    assert normalize("ﬁchier\u00a0VM") == "fichier vm"


@pytest.mark.parametrize(
    ("raw", "placeholder"),
    [
        ("job 8c1f0e9a-1111-2222-3333-444455556666 failed", "<guid>"),
        ("see https://learn.microsoft.com/azure/backup?x=1 now", "<url>"),
        ("host 10.0.0.4:443 refused", "<ip>"),
        ("at 2026-11-03T02:14:07Z the job", "<datetime>"),
        ("at 11/03/2026 2:14 PM the job", "<datetime>"),
        ("since 02:14:07 the job", "<time>"),
        ("on /subscriptions/abc/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1 it", "<resource>"),
        ("VM 'vm-sql-02' is gone", "<name>"),
        ("retry 16 times", "<num>"),
    ],
)
def test_masks_variable_parts(raw: str, placeholder: str) -> None:
    assert placeholder in normalize(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("token 3C4776BEAFFB956E failed", "token <hex> failed"),  # upper case: folded first
        ("blob 0a1b2c3d4e5f6a7b8c9d", "blob <hex>"),
        ("id 123456789012345", "id <num>"),  # digits only: a number
        ("word deadbeefcafebabe", "word deadbeefcafebabe"),  # letters only: a word
        ("short ab12cd34", "short ab12cd34"),  # under 12: kept
        ("glued 3c4776beaffb956e_x", "glued 3c4776beaffb956e_x"),  # inside a longer word: kept
    ],
)
def test_hex_runs_are_masked_only_with_digits_and_letters(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-20T23:08:29Z job 3c4776be-affb-956e-359c-66c466a5810c failed", "<datetime> job <guid> failed"),
        ("2026-11-20T23:08:29Z job 3c4776be-affb-956e-359c-66c466a5810c retried 12 times", "<datetime> job <guid> retried <num> times"),
        ("at 02:14 from 10.0.0.4 after 3 tries", "at <time> from <ip> after <num> tries"),
    ],
)
def test_masks_after_the_last_digit_is_gone_change_nothing(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_masking_keeps_multi_word_quotes() -> None:
    text = normalize("l’erreur « COM+ n’a pas pu communiquer »")
    assert "com+ n'a pas pu communiquer" in text


def test_two_printings_of_one_error_normalise_alike() -> None:
    a = "2026-11-03T02:14:07Z vm 'vm-a' 8c1f0e9a-1111-2222-3333-444455556666: L’agent n’existe plus"
    b = "2025-01-01T00:00:00Z vm 'vm-b' 00000000-0000-0000-0000-000000000000: L'agent n'existe plus"
    assert normalize(a) == normalize(b)


def test_tokenize_keeps_placeholders_and_words() -> None:
    assert tokenize(normalize("COM+ failed on <guid> x")) == ["com+", "failed", "on", "<guid>", "x"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("La machine virtuelle n’existe pas et la sauvegarde a échoué", "fr"),
        ("The virtual machine does not exist and the backup failed", "en"),
        ("UserErrorFsFreezeFailed", None),
    ],
)
def test_guess_language(text: str, lang: str | None) -> None:
    assert guess_language(tokenize(normalize(text))) == lang


# The masks as first written, each opening with a word boundary: the faster forms of MASKS must match the same.
_PLAIN_MASKS = {
    "<url>": r"\b(?:https?|ftp)://[^\s\"'<>)\]}]+",
    "<datetime>": r"\b\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?\b"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[ap]m)?)?\b",
    "<time>": r"\b\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\b",
    "<ip>": r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b",
    "<num>": r"\b\d+(?:[.,]\d+)*\b",
}
# Characters that the masks look at, and word characters next to them.
_MASK_ALPHABET = "0123456789-/:.,tzapmhfs_x \n'\"é+"


@settings(max_examples=2000, deadline=None)
@given(text=st.text(alphabet=_MASK_ALPHABET, max_size=60))
def test_masks_opening_with_their_first_character_match_what_a_word_boundary_did(text: str) -> None:
    masks = dict(MASKS)
    for placeholder, plain in _PLAIN_MASKS.items():
        assert masks[placeholder].sub("#", text) == re.compile(plain).sub("#", text), placeholder


@settings(max_examples=800, deadline=None)
@given(texts=st.lists(st.text(alphabet=_MASK_ALPHABET + "ABCdef@ \u00a0\u2019ß\r", max_size=40), max_size=6))
def test_normalising_texts_together_gives_each_its_own_normalisation(texts: list[str]) -> None:
    assert normalize_all(texts) == [normalize(text) for text in texts]


def test_normalising_log_lines_together_masks_each_line_alone() -> None:
    lines = [
        "2026-11-03T02:14:07Z INFO GET https://management.azure.com/x?api-version=2024-07-01 200 12 ms",
        "vm 'vm-sql-01' at 10.0.0.4:443 job 8c1f0e9a-1111-2222-3333-444455556666 mail ops@contoso.com",
        "a JSON string\nholding a newline, 12 times",  # masked alone
        "3c4776beaffb956e",
    ]
    assert normalize_all(lines) == [normalize(line) for line in lines]
    assert normalize_all(lines)[1] == "vm <name> at <ip> job <guid> mail <email>"
