"""Scale benchmark: synthetic catalogues of 1,000 / 10,000 / 100,000 entries, one process per size."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any

from bench import ROOT
from bench.report import print_checks, print_table
from bench.targets import Check, check

__all__ = ["run_scale", "SizePlan", "plans"]


@dataclass(frozen=True)
class SizePlan:
    entries: int
    short: int  # short queries to time, at most
    logs: int  # 20 KB logs to time, at most
    baseline: int  # extractOne calls to time, at most
    cap: float  # seconds of timed calls per measurement, at most
    load_timeout: float  # load_catalog as the service runs it, at most
    timeout: float  # the query worker (paused-GC load, index, queries), at most


def plans(*, quick: bool) -> list[SizePlan]:
    if quick:
        return [SizePlan(1000, 100, 5, 10, 5, 60, 120), SizePlan(10_000, 50, 3, 5, 5, 90, 180)]
    return [
        SizePlan(1000, 500, 30, 50, 20, 60, 300),
        SizePlan(10_000, 300, 15, 20, 15, 120, 400),
        SizePlan(100_000, 100, 5, 5, 20, 120, 600),
    ]


def _generate(plan: SizePlan, directory: str, fmt: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bench.synth", "--entries", str(plan.entries), "--out", directory, "--format", fmt],
                   cwd=ROOT, check=True, capture_output=True, timeout=600)
    return round(time.perf_counter() - start, 2)


def _worker(command: list[str], timeout: float) -> tuple[dict[str, Any], str]:
    """Run a worker; on timeout keep the phases it printed and say so."""
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        status = "ok" if proc.returncode == 0 else f"failed (exit {proc.returncode}): {err.strip()[-500:]}"
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        status = f"stopped after {timeout:.0f} s (time cap)"
    return {line["phase"]: line for line in map(json.loads, filter(None, out.splitlines()))}, status


def _measure(plan: SizePlan, root: str) -> dict[str, Any]:
    """The YAML catalogue's load alone (capped), then load, index and queries on the same entries as JSON."""
    yaml_dir, json_dir = f"{root}/yaml", f"{root}/json"
    generated = {fmt: _generate(plan, d, fmt) for fmt, d in (("yaml", yaml_dir), ("json", json_dir))}
    worker = [sys.executable, "-m", "bench.scale_worker", "--catalog"]
    loaded, yaml_status = _worker([*worker, yaml_dir, "--mode", "load"], plan.load_timeout)
    queried, status = _worker([*worker, json_dir, "--mode", "query", "--short", str(plan.short), "--logs", str(plan.logs),
                               "--baseline", str(plan.baseline), "--cap", str(plan.cap)], plan.timeout)
    return {"status": status, "load_yaml_status": yaml_status, "load_yaml": loaded.get("load", {}),
            "generate_s": generated, "start_rss_mb": queried.pop("start", {}).get("rss_mb"), **queried}


def run_scale(*, quick: bool) -> tuple[dict[str, Any], list[Check]]:
    results: dict[str, Any] = {"sizes": {}}
    for plan in plans(quick=quick):
        root = tempfile.mkdtemp(prefix=f"errdiag-synth-{plan.entries}-")
        try:
            figures = _measure(plan, root)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        figures["plan"] = plan.__dict__
        results["sizes"][str(plan.entries)] = figures
        print(f"  scale: {plan.entries} entries measured (YAML load: {figures['load_yaml_status']}; "
              f"JSON load, index and queries: {figures['status']})", flush=True)
    results["growth"] = _growth(results["sizes"])
    checks = _checks(results)
    _print(results, checks)
    return results, checks


def _figure(size: dict[str, Any] | None, phase: str, key: str) -> float | None:
    return (size or {}).get(phase, {}).get(key)


def _growth(sizes: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """How each cost grows from one size to the next (10x the entries)."""
    keys = sorted(sizes, key=int)
    growth = {}
    for small, large in zip(keys, keys[1:], strict=False):
        pair = {}
        for name, phase, key in (("short", "short", "median_ms"), ("log_20k", "log_20k", "median_ms"),
                                 ("index", "index", "seconds"), ("load JSON", "load", "seconds"), ("load YAML", "load_yaml", "seconds"),
                                 ("rss", "index", "rss_mb"), ("extractone", "extractone", "median_ms")):
            a, b = _figure(sizes[small], phase, key), _figure(sizes[large], phase, key)
            pair[name] = round(b / a, 2) if a and b else None
        growth[f"{small}-{large}"] = pair
    return growth


def _peak(size: dict[str, Any] | None) -> float | None:
    values = [_figure(size, p, "peak_rss_mb") for p in ("index", "done")]
    values = [v for v in values if v is not None]
    return max(values) if values else None


def _checks(results: dict[str, Any]) -> list[Check]:
    sizes, growth = results["sizes"], results["growth"]
    checks = [check("scale.10000.short.median", _figure(sizes.get("10000"), "short", "median_ms"))]
    if "100000" in sizes:
        big = sizes["100000"]
        checks += [check("scale.100000.short.median", _figure(big, "short", "median_ms")),
                   check("scale.100000.index_s", _figure(big, "index", "seconds")),
                   check("scale.100000.peak_rss", _peak(big))]
    for pair in ("1000-10000", "10000-100000"):
        if pair in growth:
            checks.append(check(f"scale.growth.short.{pair}", growth[pair]["short"]))
    return checks


def _yaml_cell(size: dict[str, Any]) -> object:
    seconds = _figure(size, "load_yaml", "seconds")
    return seconds if seconds is not None else f"> {size['plan']['load_timeout']:g}" if size["load_yaml_status"] != "ok" else None


def _print(results: dict[str, Any], checks: list[Check]) -> None:
    rows = []
    for entries, size in results["sizes"].items():
        rows.append([entries, _figure(size, "index", "variants"), _figure(size, "index", "boilerplate"), _yaml_cell(size),
                     _figure(size, "load", "seconds"), _figure(size, "index", "seconds"), _figure(size, "index", "rss_mb"), _peak(size),
                     _figure(size, "short", "median_ms"), _figure(size, "short", "p99_ms"), _figure(size, "short", "n"),
                     _figure(size, "short", "top1_share"), _figure(size, "log_20k", "median_ms"), _figure(size, "log_20k", "p99_ms"),
                     _figure(size, "log_20k", "n"), _figure(size, "extractone", "median_ms")])
    print_table("Scale: synthetic catalogues (bench/synth.py), fresh processes per size; baseline = extractOne over every wording",
                ["entries", "wordings", "boilerplate", "load YAML s", "load JSON s", "index s", "RSS MB", "peak MB",
                 "short med ms", "short p99", "n", "top-1", "20KB med ms", "20KB p99", "n", "extractOne med ms"], rows)
    print("  load_catalog() of the same entries as YAML (reviewed files) and as JSON (generated files); the JSON catalogue is the one\n"
          "  indexed and queried. RSS: after build_index; peak: the process's peak resident memory; top-1: queries whose first\n"
          "  answer is the entry they were made from (published wordings, with a log prefix or another resource name)")
    for entries, size in results["sizes"].items():
        for what, status in (("YAML load", size["load_yaml_status"]), ("JSON load, index and queries", size["status"])):
            if status != "ok":
                print(f"  {entries} entries, {what}: {status}; the figures shown are those measured before")
    grow_rows = [[pair, *g.values()] for pair, g in results["growth"].items()]
    if grow_rows:
        print_table("Growth per 10x entries (cost at the larger size / cost at the smaller; 10 = linear)",
                    ["sizes", "short", "20KB log", "index", "load JSON", "load YAML", "RSS", "extractOne"], grow_rows)
    print_checks("Scale targets (issue 6)", checks)
