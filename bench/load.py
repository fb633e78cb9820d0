"""``python -m bench.load`` (``make load``): a bounded load test of a local errdiag server.

Starts ``uvicorn app.api.main:app`` (asyncio, the no-delay httptools protocol) on 127.0.0.1 (a free port, a copy of the catalogue, API keys
required), sends a mix of diagnose, job, batch and triage calls from 64 connections for 60 s after a
short warm-up, and prints requests/s, p50/p99 latency, failed requests and the server's resident
memory at start and end. ``--reload-every N`` also reloads the catalogue every N seconds, valid and
invalid in turn (10 times by default). Exit status 1 when a target is missed: failed requests,
memory growth of 10% or more, a reload answered otherwise than expected, a 5xx in the server log.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from app.api.protocol import PROTOCOL_PATH
from app.engine import DiagnoseOptions, load_index
from bench import RESULTS_DIR, ROOT
from bench.load_mix import build_mix, describe_mix
from bench.load_reload import Reloader
from bench.load_runner import Figures, client_name, run_mix
from bench.report import machine_info
from bench.server import HOST, free_port, stop, wait_ready
from bench.stats import rss_mb

MAX_GROWTH = 0.10


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of the measured run (default 60)")
    parser.add_argument("--concurrency", type=int, default=64, help="open connections (default 64)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of the same mix before the start figures (default 5)")
    parser.add_argument("--reload-every", type=float, default=0, metavar="N", help="reload the catalogue every N seconds during the run")
    parser.add_argument("--reloads", type=int, default=10, help="how many reloads with --reload-every (default 10)")
    parser.add_argument("--json", type=Path, default=None, help=f"write the figures here (default: a new file in {RESULTS_DIR.relative_to(ROOT)}/)")
    return parser.parse_args()


def _copy_catalog(target: Path) -> Path:
    target.mkdir()
    for path in (ROOT / "catalog").glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


@contextmanager
def _server(catalog: Path, key: str, log_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """The real server entry point on a free loopback port; always stopped."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ERRDIAG_")} | {
        "ERRDIAG_CATALOG_DIR": str(catalog), "ERRDIAG_API_KEYS": key, "ERRDIAG_REQUIRE_API_KEY": "true",
        "ERRDIAG_LOG_FORMAT": "json", "ERRDIAG_LOG_LEVEL": "INFO",
    }
    command = [sys.executable, "-m", "uvicorn", "app.api.main:app", "--host", HOST, "--port", str(port), "--no-access-log",
               "--loop", "asyncio", "--http", PROTOCOL_PATH, "--ws", "none"]  # as the deploy files serve it
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_ready(process, port, timeout=60)
        yield process, port
    finally:
        stop(process)


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a process has used so far (Linux ``/proc``), or None."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _get_json(port: int, path: str, key: str) -> dict:
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


def _server_log(path: Path) -> dict[str, object]:
    """What the server logged: access lines by status, and lines at ERROR or above by message."""
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    unreadable = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            unreadable += 1
            continue
        if record.get("logger") == "errdiag.access":
            statuses[record["status"]] += 1
        if record.get("level") in ("ERROR", "CRITICAL"):
            errors[record.get("message", "")] += 1
    return {"access_lines_by_status": dict(sorted(statuses.items())), "error_lines": dict(errors), "non_json_lines": unreadable}


@dataclass
class Run:
    """What one load test measured."""

    mix: str
    figures: Figures
    rss: dict[str, float | None]
    cpu_ms: float | None  # server CPU time per request during the measured run
    reloader: Reloader | None
    final_version: str
    log: dict = field(default_factory=dict)

    def checks(self) -> dict[str, bool]:
        rss = self.rss
        checks = {"0 failed requests": self.figures.errors == 0}
        if rss["start"] and rss["end"]:
            checks[f"memory growth < {MAX_GROWTH:.0%}"] = (rss["end"] - rss["start"]) / rss["start"] < MAX_GROWTH
        checks["no 5xx in the server log"] = not any(int(s) >= 500 for s in self.log["access_lines_by_status"])
        if self.reloader is not None:
            steps = self.reloader.steps
            checks[f"{self.reloader.count} reloads, each answered as expected"] = (
                len(steps) == self.reloader.count and all(s.as_expected for s in steps))
        return checks


def _print(args: argparse.Namespace, run: Run, checks: dict[str, bool]) -> None:
    figures, rss, cpu_ms = run.figures, run.rss, run.cpu_ms
    growth = f"{100 * (rss['end'] - rss['start']) / rss['start']:+.1f}%" if rss["start"] and rss["end"] else "n/a"
    print(f"errdiag load test: {os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.2f}), {figures.client}, "
          f"concurrency {args.concurrency}, {args.seconds:g} s after a {args.warmup:g} s warm-up\n  mix: {run.mix}")
    print(f"  requests        {figures.requests}\n  requests/s      {figures.rps:.1f}\n"
          f"  latency         p50 {figures.p50_ms:.1f} ms, p99 {figures.p99_ms:.1f} ms, max {figures.max_ms:.1f} ms\n"
          f"  failed          {figures.errors} {figures.error_kinds or ''}\n"
          f"  server CPU      {f'{cpu_ms:.2f} ms per request (~{1000 / cpu_ms:.0f} requests/s per free core)' if cpu_ms else 'n/a'}\n"
          f"  server RSS      ready {rss['ready']} MB, start {rss['start']} MB, end {rss['end']} MB ({growth})")
    if run.reloader is not None:
        steps = run.reloader.steps
        print(f"  reloads         {len(steps)} of {run.reloader.count}: "
              f"{sum(s.valid and s.status == 200 for s in steps)} valid swapped in, "
              f"{sum(not s.valid and s.status == 422 for s in steps)} invalid refused, "
              f"{sum(not s.as_expected for s in steps)} unexpected\n"
              f"                  (status/duration/server RSS after: {', '.join(f'{s.status}/{s.ms:.0f} ms/{s.server_rss_mb} MB' for s in steps)})")
    print(f"  server log      access lines by status {run.log['access_lines_by_status']}, ERROR lines {run.log['error_lines'] or 0}")
    for label, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")


def _load(args: argparse.Namespace, process: subprocess.Popen[bytes], port: int, key: str, catalog: Path) -> Run:
    """Warm up, then the measured run (with reloads if asked), against a running server."""
    index = load_index(catalog, options=DiagnoseOptions(), check=False)
    mix = build_mix(index, _get_json(port, "/openapi.json", key))
    base_url, headers, rss = f"http://{HOST}:{port}", {"Authorization": f"Bearer {key}"}, {"ready": rss_mb(process.pid)}
    if args.warmup > 0:
        run_mix(base_url, mix, headers=headers, concurrency=args.concurrency, seconds=args.warmup)
    rss["start"], cpu_start = rss_mb(process.pid), _cpu_seconds(process.pid)
    reloader = Reloader(process.pid, port, key, catalog, every=args.reload_every, count=args.reloads) if args.reload_every > 0 else None
    if reloader is not None:
        reloader.start()
    figures = run_mix(base_url, mix, headers=headers, concurrency=args.concurrency, seconds=args.seconds)
    if reloader is not None:
        reloader.stopping.set()
        reloader.join(120)
    rss["end"], cpu_end = rss_mb(process.pid), _cpu_seconds(process.pid)
    cpu_ms = 1000 * (cpu_end - cpu_start) / figures.requests if cpu_start is not None and cpu_end and figures.requests else None
    return Run(describe_mix(mix), figures, rss, cpu_ms, reloader, _get_json(port, "/readyz", key)["version"])


def _write(args: argparse.Namespace, run: Run, checks: dict[str, bool], load_before: float) -> Path:
    meta = {"client": client_name(), "args": {k: str(v) for k, v in vars(args).items()},
            "load_average_before": load_before, "load_average_after": os.getloadavg()[0]}
    results = {"meta": machine_info() | meta, "mix": run.mix, "figures": run.figures.as_dict(), "rss_mb": run.rss,
               "server_cpu_ms_per_request": run.cpu_ms, "final_catalog_version": run.final_version, "server_log": run.log,
               "reloads": [s.as_dict() for s in run.reloader.steps] if run.reloader else None, "checks": checks}
    path = args.json or RESULTS_DIR / f"load-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return path


def main() -> int:
    args = _parse()
    if args.reload_every > 0 and args.reload_every * args.reloads >= args.seconds:
        print(f"warning: {args.reloads} reloads every {args.reload_every:g} s do not fit in {args.seconds:g} s", file=sys.stderr)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="errdiag-load-") as tmp:
        catalog, key = _copy_catalog(Path(tmp) / "catalog"), secrets.token_hex(24)
        with _server(catalog, key, Path(tmp) / "server.log") as (process, port):
            run = _load(args, process, port, key, catalog)
        run.log = _server_log(Path(tmp) / "server.log")
    checks = run.checks()
    _print(args, run, checks)
    print(f"  figures written to {_write(args, run, checks, load_before)}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
