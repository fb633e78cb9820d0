"""The search index built once from a catalogue: codes, message variants, token weights.

Boilerplate that several entries share ("Retentez l'opération dans quelques
minutes", "contact Microsoft Support") is cut out of each variant's *core*, and
every token is weighted by how rare it is across entries, so shared wording
cannot decide between entries.
"""

from __future__ import annotations

import functools
import math
import multiprocessing
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice

import numpy as np

from app.engine.catalog import Catalog
from app.engine.gcpause import gc_paused
from app.engine.model import Entry, Message
from app.engine.normalize import holds_digit, normalize, tokenize
from app.engine.postings import TokenTable

__all__ = ["Clause", "Index", "Scope", "Term", "Variant", "build_index", "code_key"]

# A clause ends at " - ", " : ", punctuation before a space or the end, or " -" before a word. The
# pattern opens with one character class (the alternatives then check which character it was), so
# the regex engine skips to those characters instead of trying three alternatives at every
# position: splitting takes a third less time, with the same matches as
# r"\s[-:]\s|[.;!?,](?:\s|$)|\s-(?=\w)".
_CLAUSE_SPLIT = re.compile(r"[\s.;!?,](?:(?<=\s)[-:]\s|(?<=[.;!?,])(?:\s|$)|(?<=\s)-(?=\w))")
_MIN_CLAUSE_TOKENS = 3
PICK_MIN_IDF = 0.15  # tokens rarer than this (a lower idf) pick no candidate wording (``app.engine.scoring``)
_BOILERPLATE_ENTRIES = 3  # a clause in this many entries names none of them
# Clauses that give advice rather than name the error: the same advice follows errors of many services.
_ADVICE = re.compile(
    r"(please|veuillez|retry|retentez|reessayez|recommencez|relancez|wait|attendez|patientez|contact|contactez"
    r"|ensure|make sure|assurez|verifiez|try|essayez|select|selectionnez|specify|specifiez|see|consultez|check"
    r"|if the (problem|issue)|si le probleme|more details|plus de details|for more information)\b"
)


@dataclass(frozen=True, slots=True)
class Clause:
    """A clause of a variant's core: its text, its informative tokens and their idf weights."""

    text: str
    weights: dict[str, float]
    weight: float
    advice: bool  # a recommended action ("Please retry...", "Veuillez...") rather than the error itself
    scoped: bool = False  # names the catalogue's domain (one of its scope terms)
    faint: bool = False  # holds a weighted token too common to pick candidates (0 < idf < PICK_MIN_IDF)


@dataclass(frozen=True, slots=True)
class Variant:
    """One message wording of one entry, normalised for matching."""

    entry_id: str
    lang: str
    kind: str
    text: str  # as published
    core: str  # normalised, boilerplate removed
    weight: float  # sum of the idf of its tokens
    clauses: tuple[Clause, ...]  # the core cut at punctuation, each with its weight
    whole: bool = False  # one clause, the whole core: its tokens are the variant's


@dataclass(frozen=True, slots=True)
class Term:
    """One token of the catalogue: its idf and the variants holding it."""

    idf: float
    variants: np.ndarray  # ids of the variants holding it (int32)


@dataclass(frozen=True, slots=True)
class Scope:
    """The catalogue's domain words (normalised): single tokens, and phrases of several."""

    tokens: frozenset[str] = frozenset()
    phrases: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.tokens or self.phrases)

    def holds(self, normalized: str, tokens: set[str] | frozenset[str]) -> bool:
        """Does a normalised text (with its tokens) name the domain?"""
        return not self.tokens.isdisjoint(tokens) or any(p in normalized for p in self.phrases)

    @classmethod
    def of(cls, terms: list[str]) -> Scope:
        normalized = [normalize(t) for t in terms]
        return cls(
            frozenset(n for n in normalized if len(tokenize(n)) == 1),
            tuple(sorted(n for n in normalized if len(tokenize(n)) > 1)),
        )


@dataclass(frozen=True)
class Index:
    """Everything the matcher needs, derived from one catalogue."""

    catalog: Catalog
    variants: tuple[Variant, ...]
    inverse_weights: np.ndarray  # 1 / variant weight (0 for a weightless variant), float32
    idf: dict[str, float]
    codes: dict[str, frozenset[str]]  # code_key -> entry ids the code names
    weak_codes: dict[str, frozenset[str]]  # code_key -> entry ids the code only supports
    boilerplate: frozenset[str]
    scope: Scope
    terms: dict[str, Term]  # token -> its weight and postings (tokens of no weight are left out)
    # Per (entry id, language): the parts of a diagnosis that never change, built on first use.
    localized: dict[tuple[str, str], tuple] = field(default_factory=dict, compare=False, repr=False)

    @functools.cached_property
    def digit_blind(self) -> bool:
        """Whether no word, wording or domain phrase of the index holds a digit.

        Then digits that normalisation leaves in an input ("node1", "V2") change none of its scores:
        its words holding them are words the index does not know, and rapidfuzz compares characters
        for equality only, so one digit aligns with a digit-free wording no better than another.
        """
        texts = [*self.idf, *self.terms, *self.scope.tokens, *self.scope.phrases]
        texts += [text for v in self.variants for text in (v.core, *(c.text for c in v.clauses))]
        return not any(map(holds_digit, texts))


def code_key(code: str) -> str:
    """Codes compare without regard to case."""
    return code.casefold()


def build_index(catalog: Catalog) -> Index:
    """Normalise every message of ``catalog`` once and index it."""
    with gc_paused():
        return _build_index(catalog)


def _build_index(catalog: Catalog) -> Index:
    # Each message is normalised and cut into clauses once, each distinct clause tokenised once,
    # and nothing per message outlives the pass that needs it: a 100,000-entry catalogue has
    # about 230,000 messages, and their intermediate forms would otherwise weigh more than the index.
    # Messages are in catalogue order throughout, so an entry's messages are consecutive (``sizes``).
    sizes = [len(entry.messages) for entry in catalog]
    prepared = prepare([msg.text for _entry, msg in _messages(catalog)])
    boilerplate = _find_boilerplate(prepared, sizes)
    tokens_of = _TokenCache()
    cores = [_core(norm, clauses, boilerplate, tokens_of) for norm, clauses in prepared]
    del prepared
    table = TokenTable.of([tokens for *_rest, tokens in cores])
    idf = _idf(table.vocabulary, table.document_frequency(sizes), len(catalog))
    scope = Scope.of(catalog.meta.scope)
    clause_of = _ClauseCache(idf, scope, tokens_of)
    variants = tuple(
        _variant(entry.id, msg, *core, idf, clause_of) for (entry, msg), core in zip(_messages(catalog), cores, strict=True)
    )
    del cores, clause_of, tokens_of
    terms = _terms(idf, table)
    del table
    codes: dict[str, set[str]] = defaultdict(set)
    weak: dict[str, set[str]] = defaultdict(set)
    for entry in catalog:
        for code in entry.codes:
            codes[code_key(code)].add(entry.id)
        for code in entry.weak_codes:
            weak[code_key(code)].add(entry.id)
    return Index(
        catalog=catalog,
        variants=variants,
        inverse_weights=np.asarray([1.0 / v.weight if v.weight else 0.0 for v in variants], dtype=np.float32),
        idf=idf,
        codes={k: frozenset(v) for k, v in codes.items()},
        weak_codes={k: frozenset(v) for k, v in weak.items()},
        boilerplate=frozenset(boilerplate),
        scope=scope,
        terms=terms,
    )


PARALLEL_MIN = 40_000  # messages from which preparing them in several processes pays for starting those


def prepare(texts: list[str], *, parallel_min: int = PARALLEL_MIN) -> list[tuple[str, list[str]]]:
    """Each text normalised and cut into clauses; large catalogues use every CPU this process may run on."""
    if len(texts) < parallel_min:
        return _prepare_chunk(texts)
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return _prepare_chunk(texts)
    size = -(-len(texts) // (workers * 4))
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    # fork: the workers need nothing but this module, and "spawn" would re-run the caller's main
    # script. They only run normalize() on the strings they are sent (no logging, no locks).
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return [item for part in pool.map(_prepare_chunk, chunks) for item in part]


def _prepare_chunk(texts: list[str]) -> list[tuple[str, list[str]]]:
    return [(norm, _clauses(norm)) for norm in map(normalize, texts)]


def _messages(catalog: Catalog) -> Iterator[tuple[Entry, Message]]:
    """Every message with its entry, in catalogue order (the order of the variants)."""
    return ((entry, msg) for entry in catalog for msg in entry.messages)


class _TokenCache(dict):
    """The distinct tokens of each distinct clause text, computed once (a tuple: a quarter of a set's size).

    In text order, not set order: the weights summed over them must not vary with string hashing.
    """

    def __missing__(self, text: str) -> tuple[str, ...]:
        tokens = self[text] = tuple(dict.fromkeys(tokenize(text)))
        return tokens


def _terms(idf: dict[str, float], table: TokenTable) -> dict[str, Term]:
    """Postings of every weighted token: the variants that hold it (each Term owns its array, not a view of one)."""
    return {
        token: Term(idf[token], ids.copy())
        for token, ids in zip(table.vocabulary, table.postings(), strict=True)
        if idf[token] > 0
    }


class _ClauseCache(dict):
    """One ``Clause`` per distinct clause text: catalogues repeat their clauses a lot."""

    def __init__(self, idf: dict[str, float], scope: Scope, tokens_of: _TokenCache) -> None:
        super().__init__()
        self.idf = idf
        self.scope = scope or None  # an empty scope holds no clause: no need to ask it for each one
        self.tokens_of = tokens_of

    def __missing__(self, text: str) -> Clause:
        tokens = self.tokens_of[text]
        idf = self.idf
        weights = {t: w for t in tokens if (w := idf[t]) > 0}
        scoped = self.scope is not None and self.scope.holds(text, tokens)
        faint = bool(weights) and min(weights.values()) < PICK_MIN_IDF
        clause = self[text] = Clause(text, weights, math.fsum(weights.values()), bool(_ADVICE.match(text)), scoped, faint)
        return clause


def _variant(
    entry_id: str, msg: Message, core: str, clauses: list[str], tokens: tuple[str, ...],
    idf: dict[str, float], clause_of: _ClauseCache,
) -> Variant:
    parts = tuple(map(clause_of.__getitem__, clauses)) or (clause_of[core],)
    whole = len(parts) == 1 and parts[0].text == core
    if whole:
        # Most variants are one clause: its weight is the same exact sum over the same tokens (it
        # leaves out the placeholders, whose idf is 0), computed once per distinct clause.
        weight = parts[0].weight
    else:
        weight = math.fsum(map(idf.__getitem__, tokens))  # exact: tokens may come in set order
    return Variant(
        entry_id=entry_id, lang=msg.lang, kind=msg.kind, text=msg.text, core=core, weight=weight, clauses=parts, whole=whole
    )


def _clauses(normalized: str) -> list[str]:
    return [clause for part in _CLAUSE_SPLIT.split(normalized) if (clause := part.strip(" .,;:-\"'"))]


def _find_boilerplate(prepared: list[tuple[str, list[str]]], sizes: list[int]) -> set[str]:
    """Clauses that appear in the messages of several entries (advice, or a shared opening).

    ``sizes``: the number of consecutive messages of each entry.
    """
    spread: Counter[str] = Counter()  # clause -> the number of entries that have it
    messages = iter(prepared)
    for size in sizes:
        spread.update({clause for _norm, clauses in islice(messages, size) for clause in clauses})
    return {
        clause
        for clause, entries in spread.items()
        if entries > 1 and (entries >= _BOILERPLATE_ENTRIES or _ADVICE.match(clause))
        if len(tokenize(clause)) >= _MIN_CLAUSE_TOKENS
    }


def _core(
    normalized: str, clauses: list[str], boilerplate: set[str], tokens_of: _TokenCache
) -> tuple[str, list[str], tuple[str, ...]]:
    """The message without its boilerplate clauses: its text, its clauses and its tokens."""
    kept = [c for c in clauses if c not in boilerplate]
    if not kept:
        return normalized, clauses, tuple(set(tokenize(normalized)))
    if len(kept) == 1:
        return kept[0], kept, tokens_of[kept[0]]
    return " . ".join(kept), kept, tuple({t for c in kept for t in tokens_of[c]})


def _idf(tokens: list[str], df: list[int], entry_count: int) -> dict[str, float]:
    """Inverse document frequency of each token (``df``: the entries holding it), counting entries as documents."""
    n = max(entry_count, 1)
    return {
        t: 0.0 if t.startswith("<") else math.log((n + 1) / (count + 0.5))
        for t, count in zip(tokens, df, strict=True)
    }
