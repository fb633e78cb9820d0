"""One catalogue size of the scale benchmark, in a fresh process so its memory is its own.

``python -m bench.scale_worker --mode load --catalog DIR`` times ``load_catalog`` alone (the
caller uses it for the YAML catalogue, which may be too slow to wait for). ``--mode query``
(the default) times ``load_catalog``, ``build_index`` and the queries. Each phase prints one
JSON line as soon as it is measured, so a caller that stops a slow run still keeps every
figure measured before.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from typing import Any

from rapidfuzz import fuzz, process, utils

from app.engine import DiagnoseOptions, Index, build_index, diagnose, load_catalog
from bench.inputs import log_text
from bench.stats import measure, peak_rss_mb, rss_mb

__all__ = ["main", "synthetic_queries"]

_OPTIONS = DiagnoseOptions(max_segments=5000)  # the service default (ERRDIAG_MAX_SEGMENTS)


def _emit(phase: str, **figures: Any) -> None:
    print(json.dumps({"phase": phase, **figures}), flush=True)


def synthetic_queries(index: Index, count: int, seed: int) -> list[tuple[str, str]]:
    """(expected entry id, message) pairs: published wordings as is, after a log prefix, or with another name."""
    rng = random.Random(seed)
    entries = list(index.catalog)
    queries = []
    for i in range(count):
        entry = rng.choice(entries)
        text = rng.choice(entry.messages).text
        if i % 3 == 1:
            text = f"2026-11-24T01:31:{i % 60:02d}Z ERROR [job {rng.getrandbits(32):08x}] {text}"
        elif i % 3 == 2:
            text = text.replace("vm-sql-01", f"vm-{rng.randint(1, 999)}").replace("kv-prod-01", "kv-test-9")
        queries.append((entry.id, text))
    return queries


def _short(index: Index, count: int, cap: float, seed: int) -> None:
    queries = synthetic_queries(index, count + 20, seed)
    stats = measure(lambda q: diagnose(index, q[1], options=_OPTIONS), queries, warmup=20, max_seconds=cap)
    sample = queries[20 : 20 + stats.n]
    hits = sum(1 for expected, text in sample if (r := diagnose(index, text, options=_OPTIONS)).diagnosis and r.diagnosis.entry_id == expected)
    _emit("short", **stats.as_dict(), top1_share=round(hits / max(len(sample), 1), 3))


def _logs(index: Index, count: int, cap: float, seed: int) -> None:
    rng = random.Random(seed)
    wordings = [text for _eid, text in synthetic_queries(index, count + 1, seed + 1)]
    logs = [log_text(rng, 20_000, [w]) for w in wordings]
    stats = measure(lambda text: diagnose(index, text, options=_OPTIONS), logs, warmup=1, max_seconds=cap)
    _emit("log_20k", **stats.as_dict())


def _extract_one(index: Index, count: int, cap: float, seed: int) -> None:
    choices = [m.text for e in index.catalog for m in e.messages]
    queries = [text for _eid, text in synthetic_queries(index, count + 1, seed + 2)]
    run = lambda q: process.extractOne(q, choices, scorer=fuzz.WRatio, processor=utils.default_process)  # noqa: E731
    _emit("extractone", **measure(run, queries, warmup=1, max_seconds=cap).as_dict())


def _load_mode(directory: str) -> None:
    start = time.perf_counter()
    catalog = load_catalog(directory)
    _emit("load", seconds=round(time.perf_counter() - start, 3), entries=len(catalog), rss_mb=rss_mb(), peak_rss_mb=peak_rss_mb())


def _query_mode(args: argparse.Namespace) -> None:
    start = time.perf_counter()
    catalog = load_catalog(args.catalog)
    _emit("load", seconds=round(time.perf_counter() - start, 3), entries=len(catalog), rss_mb=rss_mb())
    start = time.perf_counter()
    index = build_index(catalog)
    _emit("index", seconds=round(time.perf_counter() - start, 3), variants=len(index.variants), tokens=len(index.idf),
          boilerplate=len(index.boilerplate), rss_mb=rss_mb(), peak_rss_mb=peak_rss_mb())
    _short(index, args.short, args.cap, args.seed)
    _logs(index, args.logs, args.cap, args.seed)
    _extract_one(index, args.baseline, args.cap, args.seed)
    _emit("done", rss_mb=rss_mb(), peak_rss_mb=peak_rss_mb())


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure one synthetic catalogue size.")
    parser.add_argument("--catalog", required=True)
    parser.add_argument("--mode", choices=["load", "query"], default="query")
    parser.add_argument("--short", type=int, default=300, help="short queries to time (at most)")
    parser.add_argument("--logs", type=int, default=20, help="20 KB logs to time (at most)")
    parser.add_argument("--baseline", type=int, default=30, help="extractOne calls to time (at most)")
    parser.add_argument("--cap", type=float, default=20.0, help="seconds of timed calls per measurement (at most)")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    _emit("start", rss_mb=rss_mb())
    if args.mode == "load":
        _load_mode(args.catalog)
    else:
        _query_mode(args)


if __name__ == "__main__":
    main()
