"""Where the matcher spends its time: cProfile of short messages, bundled and 10,000-entry catalogues.

``python -m bench.profile`` (or ``python -m bench --only profile``) prints the functions that cost
the most, by own time and by cumulative time, and saves the ``.prof`` files in bench/results/.
"""

from __future__ import annotations

import cProfile
import pstats
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.engine import build_index, diagnose, load_catalog
from bench import RESULTS_DIR
from bench.asgi import run_asgi
from bench.inproc import bundled
from bench.inputs import short_messages
from bench.report import print_table
from bench.scale_worker import synthetic_queries
from bench.synth import write_catalog

__all__ = ["run_profile", "profile_calls", "summarize_profile"]


def _where(key: tuple[str, int, str]) -> str:
    file, line, name = key
    if file == "~":
        return name
    parts = Path(file).parts
    short = "/".join(parts[parts.index("app"):]) if "app" in parts else "/".join(parts[-2:])
    return f"{short}:{line}({name})"


def summarize_profile(stats: pstats.Stats, calls: int, *, top: int, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The ``top`` functions by own time and by cumulative time, per profiled call (``exclude``: name prefixes left out)."""
    rows = [(key, v[1], v[2], v[3]) for key, v in stats.stats.items() if not _where(key).startswith(exclude)]  # type: ignore[attr-defined]
    total = sum(r[2] for r in rows)

    def ranked(column: int) -> list[dict[str, Any]]:
        best = sorted(rows, key=lambda r: r[column], reverse=True)[:top]
        return [{"function": _where(k), "calls": n, "own_ms_per_call": round(own / calls * 1e3, 4),
                 "cumulative_ms_per_call": round(cum / calls * 1e3, 4), "own_share": round(own / total, 3)}
                for k, n, own, cum in best]

    return {"calls": calls, "profiled_ms_per_call": round(total / calls * 1e3, 4),
            "by_own_time": ranked(2), "by_cumulative_time": ranked(3)}


def profile_calls(fn: Callable[[Any], object], inputs: list[Any], *, top: int, save: Path | None) -> dict[str, Any]:
    for item in inputs[:20]:
        fn(item)  # warm-up
    profiler = cProfile.Profile()
    profiler.enable()
    for item in inputs:
        fn(item)
    profiler.disable()
    stats = pstats.Stats(profiler)
    if save is not None:
        save.parent.mkdir(parents=True, exist_ok=True)
        stats.dump_stats(save)
    return {**summarize_profile(stats, len(inputs), top=top), "saved": str(save) if save else None}


def _print(title: str, result: dict[str, Any]) -> None:
    for order in ("by_own_time", "by_cumulative_time"):
        rows = [[r["function"], r["calls"], r["own_ms_per_call"], r["cumulative_ms_per_call"], r["own_share"]] for r in result[order]]
        print_table(f"{title}: {order.replace('_', ' ')} ({result['calls']} calls, {result['profiled_ms_per_call']} ms per call under cProfile)",
                    ["function", "calls", "own ms/call", "cum ms/call", "own share"], rows)


def run_profile(*, quick: bool, entries: int = 10_000, top: int = 20) -> dict[str, Any]:
    index, options = bundled()
    messages = short_messages(index, 300 if quick else 3000, seed=21)
    results = {"bundled_short": profile_calls(lambda m: diagnose(index, m, options=options), messages, top=top,
                                              save=RESULTS_DIR / "profile-bundled-short.prof")}
    _print(f"Profile, short messages, bundled catalogue ({len(index.catalog)} entries)", results["bundled_short"])
    with tempfile.TemporaryDirectory(prefix="errdiag-profile-") as tmp:
        big = build_index(load_catalog(write_catalog(tmp, entries, fmt="json")))
    queries = [text for _eid, text in synthetic_queries(big, 30 if quick else 300, seed=4)]
    key = f"synthetic_{entries}_short"
    results[key] = profile_calls(lambda q: diagnose(big, q, options=options), queries, top=top,
                                 save=RESULTS_DIR / f"profile-synth{entries}-short.prof")
    _print(f"Profile, short messages, synthetic catalogue ({entries} entries)", results[key])
    results["http_path"] = run_asgi(calls=300 if quick else 1000, profile=True)["profile"]
    _print("Profile, POST /v1/diagnose in-process (ASGI calls into app.api.main:app; asyncio and harness frames left out)",
           results["http_path"])
    return results


if __name__ == "__main__":
    run_profile(quick=False)
