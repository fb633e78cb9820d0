"""HTTP benchmark: ``POST /v1/diagnose`` against a bare FastAPI endpoint, same server, same run."""

from __future__ import annotations

import http.client
import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from bench.asgi import run_asgi
from bench.inproc import bundled
from bench.inputs import short_messages
from bench.loadgen import LoadResult, load_tool, merge_loads, run_load
from bench.report import print_checks, print_table
from bench.serve_app import BARE_PATH
from bench.server import HOST, Running, ServerConfig, bench_server_command, free_port, running
from bench.targets import Check, check

__all__ = ["run_http", "VARIANTS"]

DIAGNOSE_PATH = "/v1/diagnose"
ENDPOINTS = {"errdiag": DIAGNOSE_PATH, "bare": BARE_PATH}
DISTINCT_BODIES = 20_000  # more than any run sends: every request is new to the service's answer cache
SERVING = ServerConfig(loop="asyncio", http="httptools")  # what `errdiag serve` and the deploy files run
VARIANTS = (ServerConfig(loop="uvloop", http="httptools"), ServerConfig(loop="asyncio", http="h11"),
            ServerConfig(workers=2, loop="asyncio", http="httptools"), ServerConfig(workers=2, loop="uvloop", http="httptools"))
TURN_SECONDS = 2  # a load point is measured in turns of this length (see _pair)
_SYLLABLES = ("ka", "zu", "mo", "ri", "tel", "vax", "qo", "nep", "sul", "dro", "wim", "fy")


@contextmanager
def _serve(config: ServerConfig) -> Iterator[Running]:
    port = free_port()
    with running(bench_server_command(port, config), port) as server:
        yield server


def _request(port: int, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body is not None else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _sanity(server: Running, body: bytes) -> dict[str, int]:
    """Both endpoints answer 200 to the benchmark's body; returns their response sizes."""
    sizes = {}
    for name, path in ENDPOINTS.items():
        status, answer = _request(server.port, "POST", path, body)
        if status != 200:
            raise RuntimeError(f"{name} endpoint {path} answered {status} to the benchmark body")
        sizes[name] = len(answer)
    return sizes


def _pair(server: Running, bodies: list[bytes], concurrency: int, seconds: float,
          fresh: dict[str, list[bytes]] | None = None, turn: int = TURN_SECONDS) -> dict[str, Any]:
    """Each load for ``seconds`` (whole seconds, as wrk takes them), in turns of about ``turn`` seconds taken in
    alternate order (A B C, then C B A...).

    This machine's speed drifts by a fifth over tens of seconds (other tenants): loads measured one after
    the other compared its moments as much as the endpoints. In turns, the drift falls on all alike. A
    pool's turn starts where its last turn stopped, not at its first body again.
    """
    loads = [(name, path, bodies) for name, path in ENDPOINTS.items()]
    loads += [(f"errdiag_{name}", DIAGNOSE_PATH, pool) for name, pool in (fresh or {}).items()]
    parts: dict[str, list[LoadResult]] = {name: [] for name, _path, _pool in loads}
    templates: dict[str, list[float]] = {}
    rounds = max(1, int(seconds) // turn)
    length = max(1, int(seconds) // rounds)
    for round_ in range(rounds):
        for name, path, pool in loads if round_ % 2 == 0 else loads[::-1]:
            sent = sum(p.requests for p in parts[name]) % len(pool)
            counted = name.startswith("errdiag_")
            before = _template_counts(server) if counted else (0.0, 0.0)
            parts[name].append(run_load(server.url(path), pool[sent:] + pool[:sent], concurrency=concurrency, seconds=length))
            if counted:
                after = _template_counts(server)
                tally = templates.setdefault(name, [0.0, 0.0])
                tally[0] += after[0] - before[0]
                tally[1] += sum(after) - sum(before)
    pair: dict[str, Any] = {name: merge_loads(runs) for name, runs in parts.items()}
    for name, (hits, asked) in templates.items():
        pair[f"templates_{name.removeprefix('errdiag_')}"] = round(hits / asked, 3) if asked else None
    return pair


def _template_counts(server: Running) -> tuple[float, float]:
    """The server's shape-template hits and misses so far (from /metrics; workers each count their own)."""
    _status, text = _request(server.port, "GET", "/metrics")
    values = {sample.name: sample.value for family in text_string_to_metric_families(text.decode()) for sample in family.samples}
    return values.get("errdiag_shapes_hits_total", 0.0), values.get("errdiag_shapes_misses_total", 0.0)


def distinct_bodies(index: object, count: int = DISTINCT_BODIES) -> list[bytes]:
    """``count`` short messages that all differ by a request number, so none is answered from the answer cache.

    Like real traffic (the same errors from many VMs and jobs), they repeat a few hundred wordings with
    other numbers, ids and dates, which the engine's memo of segment scores recognises.
    """
    return [json.dumps({"message": f"{m} (request {i})"}).encode() for i, m in enumerate(short_messages(index, count, seed=13))]


def novel_bodies(index: object, count: int = DISTINCT_BODIES) -> list[bytes]:
    """``count`` short messages that each hold a made-up word no other holds: no cache or memo can serve them."""
    rng = random.Random(17)
    words = {"".join(rng.choice(_SYLLABLES) for _ in range(5)) for _ in range(count * 2)}
    return [json.dumps({"message": f"{m} (on {w})"}).encode() for m, w in zip(short_messages(index, count, seed=19), sorted(words), strict=False)]


def _warm(server: Running, bodies: list[bytes], distinct: list[bytes], seconds: float) -> None:
    """Both endpoints warmed; then, as in a service that has been up a while, the distinct pool passed once, so
    that the shapes of its wordings have been seen (their first and second inputs are matched; later ones use
    the template). Novel messages are never warmed."""
    _pair(server, bodies, 16, 1)
    run_load(server.url(DIAGNOSE_PATH), distinct, concurrency=16, seconds=seconds)


def _row(config: ServerConfig, concurrency: int, pair: dict[str, Any]) -> dict[str, Any]:
    errdiag, bare = pair["errdiag"], pair["bare"]
    row = {"config": config.label, "concurrency": concurrency, "errdiag": errdiag.as_dict(), "bare": bare.as_dict(),
           "ratio": round(errdiag.rps / bare.rps, 3) if bare.rps else None}
    for traffic in ("distinct", "novel"):
        if f"errdiag_{traffic}" in pair:
            load = pair[f"errdiag_{traffic}"]
            row[f"errdiag_{traffic}"] = load.as_dict()
            row[f"ratio_{traffic}"] = round(load.rps / bare.rps, 3) if bare.rps else None
            row[f"templates_{traffic}"] = pair.get(f"templates_{traffic}")
    return row


def run_http(*, quick: bool, seconds: float | None = None) -> tuple[dict[str, Any], list[Check]]:
    index, _ = bundled()
    bodies = [json.dumps({"message": m}).encode() for m in short_messages(index, 64, seed=11)]
    fresh = {"distinct": distinct_bodies(index), "novel": novel_bodies(index)}
    seconds = seconds or (3.0 if quick else 10.0)
    concurrencies = (1, 16) if quick else (1, 16, 64)
    main = SERVING
    results: dict[str, Any] = {"tool": load_tool(), "seconds_per_point": seconds, "bodies": len(bodies), "points": [], "variants": [],
                               "asgi_in_process": run_asgi(calls=300 if quick else 2000)}
    with _serve(main) as server:
        results["response_bytes"] = _sanity(server, bodies[0])
        _warm(server, bodies, fresh["distinct"], seconds)
        for concurrency in concurrencies:
            results["points"].append(_row(main, concurrency, _pair(server, bodies, concurrency, seconds, fresh)))
    variant_concurrency = concurrencies[-1]
    results["variants"].append(results["points"][-1])
    for config in VARIANTS:
        with _serve(config) as server:
            _warm(server, bodies, fresh["distinct"], seconds)
            results["variants"].append(_row(config, variant_concurrency,
                                            _pair(server, bodies, variant_concurrency, seconds, {"distinct": fresh["distinct"]})))
    checks = _checks(results)
    _print(results, checks)
    return results, checks


def _checks(results: dict[str, Any]) -> list[Check]:
    by_c = {p["concurrency"]: p for p in results["points"]}
    # Judged on distinct messages: none answered from the answer cache (shape templates and the memo serve their
    # repeated wordings, as they would in production); novel messages, matched wholly from scratch, are printed beside them.
    checks = [check(f"http.ratio.c{c}", by_c[c].get("ratio_distinct") if c in by_c else None) for c in (1, 16, 64)]
    checks.append(check("http.p99.c64", by_c[64]["errdiag_distinct"]["p99_ms"] if 64 in by_c else None))
    return checks


def _load_cells(load: dict[str, Any] | None) -> list[object]:
    return [load["rps"], load["p50_ms"], load["p99_ms"], load["errors"]] if load else ["-"] * 4


def _print(results: dict[str, Any], checks: list[Check]) -> None:
    def cells(p: dict[str, Any]) -> list[object]:
        e, b = p["errdiag"], p["bare"]
        return [e["rps"], e["p50_ms"], e["p99_ms"], e["errors"], b["rps"], b["p50_ms"], b["p99_ms"], b["errors"], p["ratio"]]

    headers = ["errdiag req/s", "p50 ms", "p99 ms", "err", "bare req/s", "p50 ms", "p99 ms", "err", "errdiag/bare"]
    print_table(f"HTTP POST {DIAGNOSE_PATH} (short JSON messages, {results['bodies']} bodies in turn: after the first pass "
                f"the answer cache serves them) vs bare FastAPI endpoint {BARE_PATH} (same body model, constant 1 KB JSON); "
                f"{results['tool']}, {results['seconds_per_point']:g} s per point; server {results['points'][0]['config']}",
                ["concurrency", *headers], [[p["concurrency"], *cells(p)] for p in results["points"]])
    cold = [p for p in results["points"] if "errdiag_distinct" in p]
    if cold:
        print_table(f"The same with {DISTINCT_BODIES:,} distinct messages (a request number makes each new to the answer "
                    "cache; their wordings repeat, as in production, with other numbers, GUIDs and dates: the templates "
                    "of their shapes and the memo of segment scores serve them; the targets are judged on these) and "
                    "with novel ones (each holds a made-up word: matched wholly from scratch)",
                    ["concurrency", "distinct req/s", "p50 ms", "p99 ms", "err", "from templates", "novel req/s", "p50 ms",
                     "p99 ms", "err", "bare req/s", "distinct/bare", "novel/bare"],
                    [[p["concurrency"], *_load_cells(p["errdiag_distinct"]), p.get("templates_distinct"),
                      *_load_cells(p.get("errdiag_novel")), p["bare"]["rps"], p["ratio_distinct"], p.get("ratio_novel")]
                     for p in cold])
    print_table(f"Serving variants at concurrency {results['variants'][0]['concurrency']} (choose the defaults from these)",
                ["server", *headers, "distinct req/s", "p99 ms", "distinct/bare"],
                [[p["config"], *cells(p), *_load_cells(p.get("errdiag_distinct"))[:3:2], p.get("ratio_distinct")]
                 for p in results["variants"]])
    print(f"  response sizes: {results['response_bytes']} bytes; the load generator shares the machine's cores with the server")
    asgi = results["asgi_in_process"]
    print_table("The same requests in-process (ASGI calls into app.api.main:app, no network, no load generator)",
                ["path", "n", "median ms", "p99 ms"],
                [[f"POST {DIAGNOSE_PATH} (service)", asgi["errdiag"]["n"], asgi["errdiag"]["median_ms"], asgi["errdiag"]["p99_ms"]],
                 ["Engine.diagnose() alone", asgi["engine"]["n"], asgi["engine"]["median_ms"], asgi["engine"]["p99_ms"]],
                 [f"POST {BARE_PATH} (bare FastAPI)", asgi["bare"]["n"], asgi["bare"]["median_ms"], asgi["bare"]["p99_ms"]]])
    print(f"  the service adds {asgi['overhead_median_ms']} ms (median) around the engine per request; the bare endpoint costs "
          f"{asgi['bare']['median_ms']} ms (`python -m bench --only profile` shows where)")
    print_checks("HTTP targets (issue 6)", checks)
