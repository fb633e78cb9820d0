"""Start-up benchmark: ``errdiag serve`` from process start to ``/readyz`` answering 200, and memory per worker."""

from __future__ import annotations

import compileall
import http.client
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import ROOT
from bench.inproc import bundled
from bench.inputs import short_messages
from bench.report import print_checks, print_table
from bench.server import HOST, children, free_port, running
from bench.stats import rss_mb
from bench.targets import Check, check

__all__ = ["run_startup", "serve_command"]

_TRAFFIC = 200  # requests sent before reading the resident memory of a warm worker


def serve_command(port: int, workers: int) -> list[str]:
    script = Path(sys.executable).parent / "errdiag"
    base = [str(script)] if script.exists() else [sys.executable, "-c", "from app.cli import main; main()"]
    return [*base, "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]


def _workers(pid: int, count: int) -> list[int]:
    """The processes that serve: the server itself, or its spawned workers (the resource tracker left out)."""
    if count == 1:
        return [pid]
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline:
        found = [c for c in children(pid) if "resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes().decode(errors="replace")]
        if len(found) >= count:
            return found
        time.sleep(0.05)
    return children(pid)


def _traffic(port: int, bodies: list[bytes]) -> None:
    for body in bodies:
        conn = http.client.HTTPConnection(HOST, port, timeout=10)  # a new connection each time, to reach every worker
        try:
            conn.request("POST", "/v1/diagnose", body=body, headers={"Content-Type": "application/json"})
            conn.getresponse().read()
        finally:
            conn.close()


def _start_once(workers: int, bodies: list[bytes]) -> dict[str, Any]:
    port = free_port()
    with running(serve_command(port, workers), port, timeout=60) as server:
        pids = _workers(server.process.pid, workers)
        at_ready = [rss_mb(p) for p in pids]
        _traffic(port, bodies)
        warm = [rss_mb(p) for p in pids]
        supervisor = rss_mb(server.process.pid) if workers > 1 else None
    return {"ready_s": round(server.ready_seconds, 3), "rss_at_ready_mb": at_ready, "rss_after_traffic_mb": warm,
            "supervisor_rss_mb": supervisor}


def _phases() -> dict[str, Any]:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True, timeout=60)
    interpreter = time.perf_counter() - start
    done = subprocess.run([sys.executable, "-m", "bench.startup_phases"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    phases = json.loads(done.stdout.strip().splitlines()[-1])
    phases["steps_s"] = {"python start (python -c pass)": round(interpreter, 4), **phases["steps_s"]}
    return phases


def _compile_bytecode() -> bool:
    """Bring the app's bytecode up to date, as ``pip install`` does for the image.

    Otherwise, where PYTHONDONTWRITEBYTECODE is set (as in the image, and in some shells), every
    edited module is compiled again on every start and the figure measures the compiler.
    """
    return bool(compileall.compile_dir(ROOT / "app", quiet=1))


def run_startup(*, quick: bool) -> tuple[dict[str, Any], list[Check]]:
    compiled = _compile_bytecode()
    index, _ = bundled()
    bodies = [json.dumps({"message": m}).encode() for m in short_messages(index, _TRAFFIC, seed=5)]
    single = [_start_once(1, bodies) for _ in range(1 if quick else 5)]
    results = {
        "command": serve_command(0, 1)[0] + " serve",
        "bytecode_compiled": compiled,
        "one_worker": single,
        "two_workers": _start_once(2, bodies),
        "phases": _phases(),
        "ready_s_median": statistics.median(r["ready_s"] for r in single),
        "rss_worker_mb_max": max(max(r["rss_after_traffic_mb"]) for r in single),
    }
    checks = [check("startup.ready_s", results["ready_s_median"]), check("startup.rss", results["rss_worker_mb_max"])]
    _print(results, checks)
    return results, checks


def _print(results: dict[str, Any], checks: list[Check]) -> None:
    rows: list[list[object]] = [[f"1 worker, run {i + 1}", r["ready_s"], r["rss_at_ready_mb"][0], r["rss_after_traffic_mb"][0], "-"]
                                for i, r in enumerate(results["one_worker"])]
    two = results["two_workers"]
    rows.append(["2 workers", two["ready_s"], ", ".join(map(str, two["rss_at_ready_mb"])),
                 ", ".join(map(str, two["rss_after_traffic_mb"])), two["supervisor_rss_mb"]])
    print_table(f"Start-up: {results['command']} (bundled catalogue) until /readyz answers 200; RSS per worker",
                ["run", "ready s", "RSS at ready MB", f"RSS after {_TRAFFIC} req MB", "supervisor MB"], rows)
    phases = results["phases"]
    print_table(f"Where start-up goes (one process, check_examples={phases['check_examples_enabled']})",
                ["step", "seconds"], [[k, v] for k, v in phases["steps_s"].items()])
    print_checks("Start-up targets (issue 6)", checks)
