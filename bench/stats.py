"""Timing and memory helpers: percentiles over many calls, resident memory of a process."""

from __future__ import annotations

import gc
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["Stats", "measure", "measure_turns", "summarize", "percentile", "rss_mb", "peak_rss_mb", "mb"]


@dataclass(frozen=True)
class Stats:
    """Summary of the durations of ``n`` calls, in milliseconds."""

    n: int
    median_ms: float
    p99_ms: float
    mean_ms: float
    min_ms: float
    max_ms: float

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def percentile(ordered: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) of sorted values, linearly interpolated."""
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(samples_ns: Sequence[int]) -> Stats:
    ordered = sorted(s / 1e6 for s in samples_ns)
    return Stats(
        n=len(ordered), median_ms=percentile(ordered, 50), p99_ms=percentile(ordered, 99),
        mean_ms=sum(ordered) / len(ordered), min_ms=ordered[0], max_ms=ordered[-1],
    )


def measure(fn: Callable[[Any], object], inputs: Sequence[Any], *, warmup: int, max_seconds: float) -> Stats:
    """Call ``fn`` on ``inputs[:warmup]`` untimed, then time one call per remaining input.

    Stops early once ``max_seconds`` of timed calls have passed (at least one call is timed),
    so a slow engine shortens the run instead of hanging it.
    """
    if len(inputs) <= warmup:
        raise ValueError(f"need more than {warmup} inputs, got {len(inputs)}")
    for item in inputs[:warmup]:
        fn(item)
    gc.collect()
    samples: list[int] = []
    deadline = time.perf_counter_ns() + int(max_seconds * 1e9)
    for item in inputs[warmup:]:
        start = time.perf_counter_ns()
        fn(item)
        end = time.perf_counter_ns()
        samples.append(end - start)
        if end > deadline:
            break
    return summarize(samples)


def measure_turns(
    runs: Sequence[tuple[Callable[[Any], object], Sequence[Any]]], *, warmup: int, seconds: float, turn_seconds: float,
    clock: Callable[[], int] = time.perf_counter_ns,
) -> list[Stats]:
    """Time each function on its own inputs, in turns: one call per input, ``turn_seconds`` of calls per turn.

    The functions take turns in alternate order (A B, B A, ...), each going on through its inputs where
    its last turn stopped (from the start again once they are all used), until each has been timed for
    ``seconds``. This machine's speed drifts by a fifth or more over tens of seconds, and a pool of
    short inputs is gone through in two: measured one after the other, an engine and its baseline
    could each fall in a different phase, and one pass in a slow phase or in a quick one. Every
    function's first ``warmup`` inputs are called untimed first. A turn times at least one call.
    """
    for fn, inputs in runs:
        if len(inputs) <= warmup:
            raise ValueError(f"need more than {warmup} inputs, got {len(inputs)}")
        for item in inputs[:warmup]:
            fn(item)
    gc.collect()
    samples: list[list[int]] = [[] for _ in runs]
    spent = [0] * len(runs)
    position = [warmup] * len(runs)
    budget, turn = int(seconds * 1e9), int(turn_seconds * 1e9)
    order = list(range(len(runs)))
    while True:  # at least one turn each, even with no time asked for
        for k in order:
            fn, inputs = runs[k]
            ends = clock() + turn
            while True:
                item = inputs[position[k]]
                position[k] = position[k] + 1 if position[k] + 1 < len(inputs) else warmup
                start = clock()
                fn(item)
                end = clock()
                samples[k].append(end - start)
                spent[k] += end - start
                if end >= ends or spent[k] >= budget:
                    break
        order.reverse()
        if min(spent) >= budget:
            break
    return [summarize(taken) for taken in samples]


def mb(byte_count: float) -> float:
    return round(byte_count / 2**20, 1)


def _status_mb(field: str, pid: int | str) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def rss_mb(pid: int | str = "self") -> float | None:
    """Current resident memory of a process (Linux ``/proc``), or None where unavailable."""
    return _status_mb("VmRSS:", pid)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far.

    ``VmHWM`` where Linux has it: ``ru_maxrss`` also counts the parent's memory at the fork
    that started this process, so a small worker of a big harness would look big.
    """
    peak = _status_mb("VmHWM:", "self")
    return peak if peak is not None else round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
