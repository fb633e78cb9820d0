"""Sending the mix: wrk with a Lua script of prepared requests, or a bounded httpx client without wrk.

Either way: ``concurrency`` connections for ``seconds``, each request timed; a failed request is a
socket error, a timeout, or an answer of 400 and above.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.load_mix import Request
from bench.stats import percentile

__all__ = ["Figures", "run_mix", "client_name"]

_LUA_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "LOAD_JSON {\"requests\": %d, \"duration_us\": %d, \"connect\": %d, \"read\": %d, \"write\": %d, " ..
    "\"timeout\": %d, \"status\": %d, \"p50_us\": %d, \"p99_us\": %d, \"max_us\": %d}\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


@dataclass(frozen=True)
class Figures:
    client: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    error_kinds: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(self).items()}


def client_name() -> str:
    return "wrk" if shutil.which("wrk") else "httpx"


def _lua_string(data: bytes) -> str:
    text = data.decode("utf-8")
    level = "=" * next(n for n in range(1, 20) if f"]{'=' * n}]" not in text)
    return f"[{level}[{text}]{level}]"


def _lua(mix: list[Request], headers: dict[str, str]) -> str:
    formatted = []
    for r in mix:
        all_headers = ", ".join(f"[ {_lua_string(k.encode())} ] = {_lua_string(v.encode())}" for k, v in {**headers, **r.headers}.items())
        formatted.append(f"wrk.format({_lua_string(r.method.encode())}, {_lua_string(r.path.encode())}, {{{all_headers}}}, "
                         f"{_lua_string(r.body) if r.body else 'nil'})")
    return (
        "local threads_seen = 0\nsetup = function(thread)\n  thread:set(\"offset\", threads_seen * 97)\n"
        "  threads_seen = threads_seen + 1\nend\nlocal requests = {}\nlocal n = 0\n"
        "init = function(args)\n  n = offset or 0\n  requests = {\n    " + ",\n    ".join(formatted) + "\n  }\nend\n"
        "request = function()\n  n = n + 1\n  return requests[(n % #requests) + 1]\nend\n" + _LUA_DONE
    )


def _run_wrk(base_url: str, mix: list[Request], headers: dict[str, str], concurrency: int, seconds: float) -> Figures:
    with tempfile.TemporaryDirectory(prefix="errdiag-load-") as tmp:
        script = Path(tmp) / "mix.lua"
        script.write_text(_lua(mix, headers), encoding="utf-8")
        command = ["wrk", "-t2", f"-c{concurrency}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(script), base_url]
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("LOAD_JSON ")), None)
    if line is None:
        raise RuntimeError(f"cannot read wrk output:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    d = json.loads(line.removeprefix("LOAD_JSON "))
    kinds = {k: d[k] for k in ("connect", "read", "write", "timeout", "status") if d[k]}
    elapsed = d["duration_us"] / 1e6
    return Figures("wrk", d["requests"], elapsed, d["requests"] / elapsed, d["p50_us"] / 1e3, d["p99_us"] / 1e3,
                   d["max_us"] / 1e3, sum(kinds.values()), kinds)


async def _run_httpx(base_url: str, mix: list[Request], headers: dict[str, str], concurrency: int, seconds: float) -> Figures:
    import httpx

    latencies: list[float] = []
    kinds: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=10, headers=headers) as client:
        start = time.perf_counter()
        deadline = start + seconds

        async def user(position: int) -> None:
            while time.perf_counter() < deadline:
                r = mix[position % len(mix)]
                sent = time.perf_counter()
                try:
                    answer = await client.request(r.method, r.path, content=r.body or None, headers=r.headers)
                    if answer.status_code >= 400:
                        kinds[f"status {answer.status_code}"] += 1
                except httpx.HTTPError as exc:
                    kinds[type(exc).__name__] += 1
                latencies.append((time.perf_counter() - sent) * 1e3)
                position += concurrency

        await asyncio.gather(*(user(k) for k in range(concurrency)))
        elapsed = time.perf_counter() - start
    ordered = sorted(latencies) or [0.0]
    return Figures("httpx", len(latencies), elapsed, len(latencies) / elapsed, percentile(ordered, 50), percentile(ordered, 99),
                   ordered[-1], sum(kinds.values()), dict(kinds))


def run_mix(base_url: str, mix: list[Request], *, headers: dict[str, str], concurrency: int, seconds: float) -> Figures:
    """Send ``mix`` in turn from ``concurrency`` connections for ``seconds`` (wrk when installed)."""
    if shutil.which("wrk"):
        return _run_wrk(base_url, mix, headers, concurrency, seconds)
    return asyncio.run(_run_httpx(base_url, mix, headers, concurrency, seconds))
