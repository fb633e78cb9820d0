"""The search index built once from a catalogue: codes, message variants, token weights.

Boilerplate that several entries share ("Retentez l'opération dans quelques
minutes", "contact Microsoft Support") is cut out of each variant's *core*, and
every token is weighted by how rare it is across entries, so shared wording
cannot decide between entries.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from app.engine.catalog import Catalog
from app.engine.gcpause import gc_paused
from app.engine.model import Message
from app.engine.normalize import normalize, tokenize

__all__ = ["Clause", "Index", "Scope", "Term", "Variant", "build_index", "code_key"]

_CLAUSE_SPLIT = re.compile(r"\s[-:]\s|[.;!?,](?:\s|$)|\s-(?=\w)")
_MIN_CLAUSE_TOKENS = 3
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


@dataclass(frozen=True, slots=True)
class Term:
    """One token of the catalogue: its idf and the variants holding it."""

    idf: float
    variants: np.ndarray  # ids of the variants holding it (int32)
    variant_weights: np.ndarray  # its idf once per variant (float64), for one bincount per segment


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
    tokens_of = _TokenCache()
    messages = [(entry.id, msg) for entry in catalog for msg in entry.messages]
    prepared = prepare([msg.text for _eid, msg in messages])
    split = [(eid, msg, clauses, norm) for (eid, msg), (norm, clauses) in zip(messages, prepared, strict=True)]
    del messages, prepared
    boilerplate = _find_boilerplate(split)
    cores = [(eid, msg, *_core(norm, clauses, boilerplate, tokens_of)) for eid, msg, clauses, norm in split]
    del split
    idf = _idf(cores, len(catalog))
    scope = Scope.of(catalog.meta.scope)
    clause_of = _ClauseCache(idf, scope, tokens_of)
    variants = tuple(_variant(eid, msg, core, clauses, tokens, idf, clause_of) for eid, msg, core, clauses, tokens in cores)
    terms = _terms(idf, [tokens for *_rest, tokens in cores])
    del cores, clause_of, tokens_of
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


class _TokenCache(dict):
    """The distinct tokens of each distinct clause text, computed once (a tuple: a quarter of a set's size).

    In text order, not set order: the weights summed over them must not vary with string hashing.
    """

    def __missing__(self, text: str) -> tuple[str, ...]:
        tokens = self[text] = tuple(dict.fromkeys(tokenize(text)))
        return tokens


def _terms(idf: dict[str, float], variant_tokens: list[tuple[str, ...]]) -> dict[str, Term]:
    """Postings of every weighted token: the variants that hold it."""
    postings: dict[str, list[int]] = defaultdict(list)
    for i, tokens in enumerate(variant_tokens):
        for token in tokens:
            postings[token].append(i)
    return {
        token: Term(idf[token], np.asarray(ids, dtype=np.int32), np.full(len(ids), idf[token], dtype=np.float64))
        for token, ids in postings.items()
        if idf[token] > 0
    }


class _ClauseCache(dict):
    """One ``Clause`` per distinct clause text: catalogues repeat their clauses a lot."""

    def __init__(self, idf: dict[str, float], scope: Scope, tokens_of: _TokenCache) -> None:
        super().__init__()
        self.idf = idf
        self.scope = scope
        self.tokens_of = tokens_of

    def __missing__(self, text: str) -> Clause:
        tokens = self.tokens_of[text]
        idf = self.idf
        weights = {t: w for t in tokens if (w := idf[t]) > 0}
        clause = self[text] = Clause(
            text, weights, math.fsum(weights.values()), bool(_ADVICE.match(text)), self.scope.holds(text, tokens)
        )
        return clause


def _variant(
    entry_id: str, msg: Message, core: str, clauses: list[str], tokens: tuple[str, ...],
    idf: dict[str, float], clause_of: _ClauseCache,
) -> Variant:
    return Variant(
        entry_id=entry_id,
        lang=msg.lang,
        kind=msg.kind,
        text=msg.text,
        core=core,
        weight=math.fsum(map(idf.__getitem__, tokens)),  # exact: tokens may come in set order
        clauses=tuple(clause_of[c] for c in clauses) or (clause_of[core],),
    )


def _clauses(normalized: str) -> list[str]:
    parts = (p.strip(" .,;:-\"'") for p in _CLAUSE_SPLIT.split(normalized))
    return [p for p in parts if p]


def _find_boilerplate(split: list[tuple[str, Message, list[str], str]]) -> set[str]:
    """Clauses that appear in the messages of several entries (advice, or a shared opening)."""
    first: dict[str, str] = {}  # clause -> the first entry that has it
    owners: dict[str, set[str]] = {}  # clause -> every entry that has it, once a second one does
    for entry_id, _msg, clauses, _norm in split:
        for clause in clauses:
            owner = first.setdefault(clause, entry_id)
            if owner != entry_id:
                owners.setdefault(clause, {owner}).add(entry_id)
    return {
        clause
        for clause, ids in owners.items()
        if len(tokenize(clause)) >= _MIN_CLAUSE_TOKENS
        if len(ids) >= _BOILERPLATE_ENTRIES or _ADVICE.match(clause)
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


def _idf(cores: list[tuple], entry_count: int) -> dict[str, float]:
    """Inverse document frequency of each token, counting entries (not variants) as documents."""
    df: Counter[str] = Counter()
    current, tokens = None, set()
    for entry_id, _msg, _core, _clauses, variant_tokens in cores:  # an entry's variants are consecutive
        if entry_id != current:
            df.update(tokens)
            current, tokens = entry_id, set()
        tokens.update(variant_tokens)
    df.update(tokens)
    n = max(entry_count, 1)
    return {
        t: 0.0 if t.startswith("<") else math.log((n + 1) / (count + 0.5))
        for t, count in df.items()
    }
