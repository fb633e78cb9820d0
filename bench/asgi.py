"""The HTTP path without a network: ASGI calls straight into the service, to see where its time goes.

``python -m bench.asgi --out FILE [--calls N] [--profile]`` imports ``app.api.main:app`` (the app
``errdiag serve`` runs: settings from the environment, logging, middleware; its access log goes
to stdout, which the caller discards), runs its lifespan, and times per request, on the same short
JSON messages: ``POST /v1/diagnose``, the bare endpoint, and ``Engine.diagnose()`` alone. The
difference between the first and the last is what the service adds around the engine.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.stats import summarize

__all__ = ["asgi_call", "run_asgi", "main"]

_DIAGNOSE = "/v1/diagnose"


def _scope(path: str) -> dict[str, Any]:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": [(b"content-type", b"application/json"), (b"host", b"127.0.0.1")],
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {}}


async def asgi_call(app: Any, path: str, body: bytes) -> int:
    """POST ``body`` to ``path`` of an ASGI ``app``; returns the status."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(_scope(path), receive, send)
    return sent[0]["status"]


async def _timed(app: Any, path: str, bodies: list[bytes]) -> dict[str, float]:
    for body in bodies[:100]:
        if await asgi_call(app, path, body) != 200:
            raise RuntimeError(f"{path} did not answer 200 to the benchmark body")
    samples = []
    for body in bodies[100:]:
        start = time.perf_counter_ns()
        await asgi_call(app, path, body)
        samples.append(time.perf_counter_ns() - start)
    return summarize(samples).as_dict()


async def _run(calls: int, profile: bool) -> dict[str, Any]:
    from app.api.main import app
    from bench.inproc import bundled
    from bench.inputs import short_messages
    from bench.serve_app import BARE_PATH, create_bare_app

    index, _ = bundled()
    # Each request new to the answer cache (a request number), as in the HTTP benchmark's distinct traffic; the
    # engine alone gets other numbers, so it misses the cache too: both sides do the same work.
    messages = short_messages(index, calls + 100, seed=11)
    bodies = [json.dumps({"message": f"{m} (request {i})"}).encode() for i, m in enumerate(messages)]
    async with app.router.lifespan_context(app):
        engine = app.state.engine
        results: dict[str, Any] = {"errdiag": await _timed(app, _DIAGNOSE, bodies),
                                   "bare": await _timed(create_bare_app(), BARE_PATH, bodies)}
        samples = []
        for i, message in enumerate(messages[100:]):
            text = f"{message} (request {len(messages) + i})"
            start = time.perf_counter_ns()
            engine.diagnose(text)
            samples.append(time.perf_counter_ns() - start)
        results["engine"] = summarize(samples).as_dict()
        if profile:
            results["profile"] = await _profile(app, bodies)
    results["overhead_median_ms"] = round(results["errdiag"]["median_ms"] - results["engine"]["median_ms"], 4)
    return results


async def _profile(app: Any, bodies: list[bytes]) -> dict[str, Any]:
    """cProfile of the same bodies sent again: those still in the answer cache show the service's own cost."""
    from bench.profile import summarize_profile

    profiler = cProfile.Profile()
    profiler.enable()
    for body in bodies[100:]:
        await asgi_call(app, _DIAGNOSE, body)
    profiler.disable()
    harness = ("bench/", "asyncio/", "<method 'run' of '_contextvars", "<built-in method _asyncio")
    return summarize_profile(pstats.Stats(profiler), len(bodies) - 100, top=40, exclude=harness)


def run_asgi(*, calls: int, profile: bool = False) -> dict[str, Any]:
    """Run this module in a fresh process (the service's log goes to /dev/null) and return its figures."""
    from bench import ROOT

    with tempfile.TemporaryDirectory(prefix="errdiag-asgi-") as tmp:
        out = Path(tmp) / "asgi.json"
        command = [sys.executable, "-m", "bench.asgi", "--out", str(out), "--calls", str(calls)] + (["--profile"] if profile else [])
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600, check=True)
        return json.loads(out.read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description="Time the service's HTTP path in-process (ASGI calls, no network).")
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write the figures to")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="also cProfile the /v1/diagnose calls")
    args = parser.parse_args()
    args.out.write_text(json.dumps(asyncio.run(_run(args.calls, args.profile))), encoding="utf-8")


if __name__ == "__main__":
    main()
