"""Text normalisation shared by the catalogue index and the queries.

``normalize`` folds what differs between two printings of the same error
(Unicode forms, case, accents, typographic quotes and dashes) and masks the
parts that vary from one failure to the next (GUIDs, URLs, IPs, resource ids,
dates, numbers, quoted names), so that only the wording is compared.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

__all__ = ["normalize", "normalize_all", "tokenize", "guess_language", "holds_digit", "MASKS"]

_QUOTES = str.maketrans(
    {
        "\u2019": "'", "\u2018": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'", "`": "'",
        "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2013": "-", "\u2014": "-", "\u2011": "-", "\u2012": "-", "\u2010": "-", "\u2212": "-",
        "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " ",
    }
)

# Order matters: where two patterns match at one place, the first listed wins.
# They run on folded text (lower case): without re.I, which makes the scans about twice as slow.
MASKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("<resource>", re.compile(r"/subscriptions/[^\s\"',;)\]}]+")),
    # Patterns open with what their first character must be, and check the word boundary before it with a
    # lookbehind after it: a pattern opening with a literal or one class of characters lets the scan skip
    # to where it can match, where r"\b..." is tried at every position (about half the time on logs; the
    # same matches, checked on the benchmark inputs, the test corpora and 200,000 random strings).
    # r"\b(?:https?|ftp)://..." as written before:
    ("<url>", re.compile(r"(?:h(?<!\wh)ttps?|f(?<!\wf)tp)://[^\s\"'<>)\]}]+")),
    ("<guid>", re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")),
    ("<email>", re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")),
    # r"\b\d{4}-\d{2}-\d{2}(...)?\b|\b\d{1,2}/\d{1,2}/\d{2,4}(...)?\b", its first digit put before the choice:
    ("<datetime>", re.compile(
        r"\d(?<!\w\d)(?:\d{3}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?\b"
        r"|\d?/\d{1,2}/\d{2,4}(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[ap]m)?)?\b)")),
    ("<time>", re.compile(r"\d(?<!\w\d)\d?:\d{2}(?::\d{2}(?:[.,]\d+)?)?\b")),  # r"\b\d{1,2}:\d{2}..."
    ("<ip>", re.compile(r"\d(?<!\w\d)\d{0,2}(?:\.\d{1,3}){3}(?::\d+)?\b")),  # r"\b\d{1,3}(?:\.\d{1,3}){3}..."
    # A run of 12 or more hex digits holding both a digit and a letter (see _KEEP: the letters are checked on each
    # match, which is much faster than lookaheads at every word). (Opening with its class: slower, a-f are common.)
    ("<hex>", re.compile(r"\b[0-9a-f]{12,}\b")),
    # Opening with the quote (its lookbehind after it) lets the scan jump from quote to quote: 3x faster.
    ("<name>", re.compile(r"'(?<!\w')[\w.-]{1,64}'(?!\w)|\"[\w.-]{1,64}\"")),
    ("<num>", re.compile(r"\d(?<!\w\d)\d*(?:[.,]\d+)*\b")),  # r"\b\d+(?:[.,]\d+)*\b"
)

_TOKEN = re.compile(r"<[a-z]+>|[a-z0-9+]+")


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


_QUOTE_CHARS = re.compile("[" + re.escape("".join(chr(c) for c in _QUOTES)) + "]")


def _unquote(match: re.Match[str]) -> str:
    return _QUOTES[ord(match.group())]


def _fold(text: str) -> str:
    # str.translate looks every character up in a dict: slower than finding the few that need it.
    if text.isascii():  # nothing for NFKC, NFD or the accent stripping to do
        if "`" in text or "\t" in text:
            text = text.translate(_QUOTES)
        return text.casefold()
    text = _QUOTE_CHARS.sub(_unquote, unicodedata.normalize("NFKC", text))
    return _COMBINING.sub("", unicodedata.normalize("NFD", text.casefold()))


# Each mask runs only when the text holds what every one of its matches needs (a digit and a dash
# or a slash for a date, a colon for a time, "://" for a URL...): most lines lack most of them,
# and a regular expression that cannot match still costs a scan of the whole text. Placeholders
# add none of these characters; the text is tested as the masks before have left it (what they
# took cannot be matched again), with a substring test, faster than a set of its characters.
# Per mask: two strings, one of which the text must hold ("" for none).
_NEEDS: dict[str, tuple[str, str]] = {
    "<resource>": ("/subscriptions/", "/subscriptions/"),  # the text is folded already
    "<url>": ("://", "://"),
    "<guid>": ("-", "-"),  # and a digit in the input: 32 hex digits with no decimal one are 1 in 10^13
    "<email>": ("@", "@"),
    "<datetime>": ("-", "/"),
    "<time>": (":", ":"),
    "<ip>": (".", "."),
    "<hex>": ("", ""),
    "<name>": ("'", '"'),
    "<num>": ("", ""),
}
# Matches a mask must leave as they are: a hex run of digits only (a number) or of letters only (a word).
_KEEP: dict[str, Callable[[str], bool]] = {"<hex>": lambda run: run.isdigit() or run.isalpha()}


def _replacement(placeholder: str) -> str | Callable[[re.Match[str]], str]:
    keep = _KEEP.get(placeholder)
    if keep is None:
        return f" {placeholder} "
    return lambda match: match.group() if keep(match.group()) else f" {placeholder} "


# Every match of these holds a decimal digit: once the masks before them have replaced the last digit of
# a line (its timestamp, its GUID), they cannot change it and are skipped.
_DIGIT_MASKS = frozenset({"<datetime>", "<time>", "<ip>", "<hex>", "<num>"})
_DIGIT = re.compile(r"\d")


def holds_digit(text: str) -> bool:
    return _DIGIT.search(text) is not None

_PLAN = tuple(
    (*_NEEDS[placeholder], pattern, _replacement(placeholder), placeholder in _DIGIT_MASKS, placeholder == "<guid>")
    for placeholder, pattern in MASKS
)


def mask(text: str) -> str:
    """Replace variable parts (ids, numbers, names...) by placeholders such as ``<guid>``, in the order of MASKS."""
    digits = given = holds_digit(text)  # whether the text still holds a digit; whether the input did
    for one, other, pattern, placeholder, needs_digit, needs_given in _PLAN:
        if (needs_digit and not digits) or (needs_given and not given) or (one not in text and other not in text):
            continue
        masked = pattern.sub(placeholder, text)
        if masked is not text:  # re.sub gives back the same string when nothing matched
            text = masked
            digits = holds_digit(text)
    return text


def normalize(text: str) -> str:
    """Fold and mask ``text``; the result is what the matcher compares."""
    return " ".join(mask(_fold(text)).split())


_JOINED_MIN = 3


def normalize_all(texts: list[str]) -> list[str]:
    """``normalize`` of each text, with each mask run once over them all rather than once per text.

    A log's lines are short, and a regular expression's cost per call (and the test of what each
    mask needs) then weighs more than its scan: a 20 KB log's diagnosis takes about a tenth less
    time this way (one or two texts are normalised one by one: no gain there). The folded texts are
    joined by newlines, masked, and cut there again. That gives each text its own masking: no mask
    matches a newline (each pattern's characters exclude it), and to every boundary, lookbehind and
    lookahead of MASKS a newline looks as the start or the end of a text does (not a word
    character, not a quote). A text holding a newline itself is masked alone.
    """
    if len(texts) < _JOINED_MIN:
        return [normalize(text) for text in texts]
    folded = [_fold(text) for text in texts]
    joined = [i for i, text in enumerate(folded) if "\n" not in text]
    pieces = mask("\n".join([folded[i] for i in joined])).split("\n")
    masked = dict(zip(joined, pieces, strict=True)) if len(pieces) == len(joined) else {}  # always, as argued above
    return [" ".join((masked[i] if i in masked else mask(text)).split()) for i, text in enumerate(folded)]


def tokenize(normalized: str) -> list[str]:
    """Split normalised text into word tokens (placeholders are kept as tokens)."""
    return _TOKEN.findall(normalized)


_FR = frozenset("le la les des du une est pas n l d qu que et en sur pour dans avec a ete impossible echec veuillez".split())
_EN = frozenset("the is was of to and not on for in with could failed please an be has have this that".split())


def guess_language(tokens: list[str]) -> str | None:
    """``fr`` or ``en`` from stop words, or None when the text says too little."""
    fr = sum(t in _FR for t in tokens)
    en = sum(t in _EN for t in tokens)
    if fr == en or max(fr, en) < 2:
        return None
    return "fr" if fr > en else "en"
