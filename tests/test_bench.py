"""Smoke tests of the benchmark harness (bench/): it runs and reports every figure. No timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from support import CATALOG_DIR, ROOT

from app.api.app import create_app
from app.engine import build_index, load_catalog
from app.settings import Settings
from bench.inproc import Sizes, run_inproc
from bench.loadgen import LoadResult, merge_loads, parse_wrk
from bench.serve_app import BARE_PATH, create_bench_app
from bench.stats import measure, measure_turns
from bench.synth import write_catalog
from bench.targets import TARGETS, check

CASES = {"short", "log_20k", "log_1m", "job_10", "ticket_100k"}
STATS = {"n", "median_ms", "p99_ms", "mean_ms", "min_ms", "max_ms"}


def test_inproc_bench_reports_every_case_with_its_baseline() -> None:
    results, checks = run_inproc(quick=True, scale=0.0, sizes=Sizes(log=3000, big_log=6000, ticket=4000))
    assert set(results["cases"]) == CASES
    for case in results["cases"].values():
        assert set(case["engine"]) == STATS and set(case["baseline_extractone"]) == STATS
        assert case["engine"]["n"] >= 1 and case["engine"]["median_ms"] <= case["engine"]["p99_ms"] <= case["engine"]["max_ms"]
    assert results["cases"]["log_1m"]["peak_traced_mb"] > 0
    assert 0 < results["short_matched_share"] <= 1
    assert {c.key for c in checks} == {k for k in TARGETS if k.startswith("inproc.")}
    assert all(c.status in ("PASS", "FAIL") for c in checks)


def test_synthetic_catalogue_is_valid_and_deterministic(tmp_path: Path) -> None:
    first = write_catalog(tmp_path / "a", 50)
    second = write_catalog(tmp_path / "b", 50)
    catalog = load_catalog(first)
    assert len(catalog) == 50
    assert all({m.lang for m in entry.messages} == {"fr", "en"} for entry in catalog)
    codes = [code for entry in catalog for code in entry.codes]
    assert len(codes) == len(set(codes))
    assert {p.name: p.read_text() for p in first.iterdir()} == {p.name: p.read_text() for p in second.iterdir()}
    index = build_index(catalog)
    assert any("retentez l'operation" in clause or "retry the operation" in clause for clause in index.boilerplate)


def test_scale_worker_prints_every_phase(tmp_path: Path) -> None:
    json_dir = write_catalog(tmp_path / "json", 50, fmt="json")
    assert len(load_catalog(json_dir)) == 50 and not list(json_dir.glob("*.yaml"))[1:]  # catalog.yaml only
    base = [sys.executable, "-m", "bench.scale_worker", "--catalog", str(json_dir)]
    done = subprocess.run([*base, "--short", "5", "--logs", "2", "--baseline", "2", "--cap", "5"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    phases = {line["phase"]: line for line in map(json.loads, done.stdout.splitlines())}
    assert set(phases) == {"start", "load", "index", "short", "log_20k", "extractone", "done"}
    assert phases["load"]["entries"] == 50 and phases["index"]["variants"] >= 100
    assert phases["short"]["n"] >= 1 and 0 <= phases["short"]["top1_share"] <= 1


def test_bench_app_serves_errdiag_and_the_bare_endpoint() -> None:
    service = create_app(Settings(catalog_dir=CATALOG_DIR, _env_file=None))  # type: ignore[call-arg]
    with TestClient(create_bench_app(service)) as client:
        bare = client.post(BARE_PATH, json={"message": "Copying VHDs from backup vault timed out"})
        real = client.post("/v1/diagnose", json={"message": "Copying VHDs from backup vault timed out"})
        assert client.post(BARE_PATH, json={"lang": "en"}).status_code == 422  # the body is parsed, not ignored
    assert bare.status_code == 200 and 1000 <= len(bare.content) <= 1100
    assert real.status_code == 200 and real.json()["matched"] is True


_WRK = """Running 2s test @ http://127.0.0.1:8000/v1/diagnose
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.49ms    2.31ms  41.12ms   90.00%
  Latency Distribution
     50%   10.12ms
     75%   11.00ms
     90%   12.50ms
     99%   20.01ms
  3000 requests in 2.00s, 5.23MB read
  Non-2xx or 3xx responses: 7
Requests/sec:   1500.00
"""


def test_wrk_output_is_read_from_the_lua_summary_or_the_latency_distribution() -> None:
    summary = 'BENCH_JSON {"requests": 3000, "duration_us": 2000000, "socket_errors": 1, "status_errors": 2, ' \
              '"p50_us": 10120, "p90_us": 12500, "p99_us": 20010, "max_us": 41120}'
    from_lua = parse_wrk(_WRK + summary + "\n", 16)
    from_text = parse_wrk(_WRK, 16)
    for result in (from_lua, from_text):
        assert (result.requests, result.rps, result.p50_ms, result.p99_ms) == (3000, 1500.0, 10.12, 20.01)
    assert (from_lua.errors, from_text.errors, from_text.max_ms) == (3, 7, 41.12)


def test_measure_is_bounded_in_time_and_checks_compare_with_targets() -> None:
    assert measure(lambda x: x, list(range(100)), warmup=1, max_seconds=0).n == 1
    assert check("inproc.short.median", 0.2).status == "PASS"
    assert check("inproc.short.median", 0.5).status == "FAIL"
    assert check("http.ratio.c64", 0.7).status == "PASS"
    assert check("http.ratio.c64", None).status == "NOT MEASURED"


def test_runs_taken_in_turns_merge_into_one_load() -> None:
    """Requests over the summed time; percentiles of the pooled latencies, each run weighted by its requests."""
    quantiles = " ".join(str(1000 * (1 + k // 500)) for k in range(1000))  # half the requests at 1 ms, half at 2 ms
    summary = 'BENCH_JSON {"requests": 3000, "duration_us": 2000000, "socket_errors": 0, "status_errors": 1, ' \
              '"p50_us": 1000, "p90_us": 2000, "p99_us": 2000, "max_us": 2500}'
    first = parse_wrk(f"{_WRK}{summary}\nBENCH_QUANTILES {quantiles}\n", 16)
    assert len(first.quantiles_ms) == 1000 and "quantiles_ms" not in first.as_dict()
    slow = LoadResult("wrk", 16, 2.0, 1000, 500.0, 9.0, 9.0, 9.0, 12.0, 0, tuple(9.0 for _ in range(1000)))
    merged = merge_loads([first, slow])
    assert (merged.requests, merged.seconds, merged.rps, merged.errors, merged.max_ms) == (4000, 4.0, 1000.0, 1, 12.0)
    # 1,500 requests at 1 ms, 1,500 at 2 ms, 1,000 at 9 ms: the median is 2 ms and the 90th percentile 9 ms.
    assert (merged.p50_ms, merged.p90_ms, merged.p99_ms) == (2.0, 9.0, 9.0)
    assert merge_loads([first]) is first
    without = merge_loads([parse_wrk(_WRK, 16), slow])  # no quantiles from one run: the larger figures
    assert (without.p50_ms, without.p99_ms) == (10.12, 20.01)


def test_functions_timed_in_turns_alternate_and_go_on_where_they_stopped() -> None:
    ticks = iter(range(0, 10**9, 100))  # a clock that moves 100 ns per reading: no sleeping, no machine speed
    calls: list[str] = []
    runs = [(lambda x: calls.append(f"a{x}"), list(range(5))), (lambda x: calls.append(f"b{x}"), list(range(10, 13)))]
    # Each call reads 100 ns; a turn of 450 ns ends after the call that ends past it: three calls.
    stats = measure_turns(runs, warmup=1, seconds=1500e-9, turn_seconds=450e-9, clock=lambda: next(ticks))
    assert calls[:2] == ["a0", "b10"]  # the warm-up, untimed
    assert calls[2:14] == [
        "a1", "a2", "a3", "b11", "b12", "b11",  # A then B; b starts its inputs again past the warm-up
        "b12", "b11", "b12", "a4", "a1", "a2",  # then B A, each where it stopped
    ]
    assert [s.n for s in stats] == [15, 15]  # 1,500 ns each
    assert all(s.median_ms == 100 / 1e6 for s in stats)


def test_a_turn_of_no_time_still_times_one_call_of_each() -> None:
    stats = measure_turns([(str, [1, 2]), (repr, [3, 4])], warmup=1, seconds=0, turn_seconds=0)
    assert [s.n for s in stats] == [1, 1]
