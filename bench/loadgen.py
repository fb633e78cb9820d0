"""Load generation: wrk (with a Lua script for the POST bodies), or a bounded httpx client when wrk is missing."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.stats import percentile

__all__ = ["LoadResult", "merge_loads", "run_load", "load_tool", "parse_wrk"]

_LUA_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_JSON {\"requests\": %d, \"duration_us\": %d, \"socket_errors\": %d, \"status_errors\": %d, " ..
    "\"p50_us\": %d, \"p90_us\": %d, \"p99_us\": %d, \"max_us\": %d}\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
  local quantiles = {}
  for k = 1, 1000 do quantiles[k] = latency:percentile(k / 10) end
  io.write("BENCH_QUANTILES " .. table.concat(quantiles, " ") .. "\n")
end
"""
_QUANTILES = 1000  # latency quantiles kept per run (every 0.1 %), so that runs can be merged
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


@dataclass(frozen=True)
class LoadResult:
    tool: str
    concurrency: int
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int  # socket errors and non-2xx answers
    quantiles_ms: tuple[float, ...] = ()  # the latency at every 0.1 % (when the tool gives them)

    def as_dict(self) -> dict[str, object]:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(self).items() if k != "quantiles_ms"}


def merge_loads(parts: list[LoadResult]) -> LoadResult:
    """Runs of one load taken in turns with others, as one: requests over their summed time, and percentiles of
    their latencies pooled (each run's quantiles weighted by its requests; the larger of the runs' figures when
    a run has no quantiles)."""
    if len(parts) == 1:
        return parts[0]
    requests, seconds = sum(p.requests for p in parts), sum(p.seconds for p in parts)
    if all(p.quantiles_ms for p in parts):
        pooled = sorted((q, p.requests / len(p.quantiles_ms)) for p in parts for q in p.quantiles_ms)
        p50, p90, p99 = (_weighted_percentile(pooled, share) for share in (0.5, 0.9, 0.99))
    else:
        p50, p90, p99 = (max(getattr(p, name) for p in parts) for name in ("p50_ms", "p90_ms", "p99_ms"))
    return LoadResult(parts[0].tool, parts[0].concurrency, seconds, requests, requests / seconds if seconds else 0.0,
                      p50, p90, p99, max(p.max_ms for p in parts), sum(p.errors for p in parts))


def _weighted_percentile(pooled: list[tuple[float, float]], share: float) -> float:
    total = sum(weight for _value, weight in pooled)
    running = 0.0
    for value, weight in pooled:
        running += weight
        if running >= share * total:
            return value
    return pooled[-1][0]


def load_tool() -> str:
    return "wrk" if shutil.which("wrk") else "httpx (wrk not installed: apt-get install wrk)"


def _lua(bodies: list[bytes]) -> str:
    items = []
    for body in bodies:
        text = body.decode("ascii")  # bodies are JSON with ensure_ascii
        level = "=" * next(n for n in range(1, 10) if f"]{'=' * n}]" not in text)
        items.append(f"[{level}[{text}]{level}]")
    return (
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        # Each wrk thread starts at its own place in the bodies, so that with a pool of distinct
        # bodies two threads never send the same one (and a cache in the server stays cold).
        "local threads = 0\nsetup = function(thread)\n  thread:set(\"first\", threads)\n  threads = threads + 1\nend\n"
        f"local bodies = {{{', '.join(items)}}}\nlocal counter = nil\n"
        "request = function()\n  if counter == nil then counter = (first or 0) * 7919 end\n  counter = counter + 1\n"
        "  return wrk.format(nil, nil, nil, bodies[(counter % #bodies) + 1])\nend\n" + _LUA_DONE
    )


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(output: str, concurrency: int) -> LoadResult:
    """Read the Lua summary line; fall back to the ``--latency`` distribution printed by wrk."""
    line = next((ln for ln in output.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is not None:
        d = json.loads(line.removeprefix("BENCH_JSON "))
        seconds = d["duration_us"] / 1e6
        quantiles = next((ln.split()[1:] for ln in output.splitlines() if ln.startswith("BENCH_QUANTILES ")), [])
        return LoadResult("wrk", concurrency, seconds, d["requests"], d["requests"] / seconds, d["p50_us"] / 1e3,
                          d["p90_us"] / 1e3, d["p99_us"] / 1e3, d["max_us"] / 1e3, d["socket_errors"] + d["status_errors"],
                          tuple(float(q) / 1e3 for q in quantiles) if len(quantiles) == _QUANTILES else ())
    dist = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+(?:us|ms|s|m))\s*$", output, re.M))
    total = re.search(r"(\d+) requests in ([\d.]+)(s|m)", output)
    if not dist or total is None:
        raise RuntimeError(f"cannot read wrk output:\n{output[-2000:]}")
    seconds = float(total.group(2)) * (60 if total.group(3) == "m" else 1)
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    requests = int(total.group(1))
    max_ms = _ms(re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    return LoadResult("wrk", concurrency, seconds, requests, requests / seconds, _ms(dist["50"]), _ms(dist["90"]),
                      _ms(dist["99"]), max_ms, bad)


def _run_wrk(url: str, bodies: list[bytes], concurrency: int, seconds: float) -> LoadResult:
    with tempfile.TemporaryDirectory(prefix="errdiag-wrk-") as tmp:
        script = Path(tmp) / "post.lua"
        script.write_text(_lua(bodies), encoding="ascii")
        threads = 1 if concurrency < 4 else 2
        command = ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{seconds:g}s", "--timeout", "10s", "--latency", "-s", str(script), url]
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    return parse_wrk(done.stdout, concurrency)


async def _httpx_load(url: str, bodies: list[bytes], concurrency: int, seconds: float) -> LoadResult:
    import httpx

    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        start = time.perf_counter()
        deadline = start + seconds

        async def user(k: int) -> None:
            nonlocal errors
            i = k
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                try:
                    response = await client.post(url, content=bodies[i % len(bodies)], headers={"Content-Type": "application/json"})
                    errors += response.status_code >= 300
                except httpx.HTTPError:
                    errors += 1
                latencies.append((time.perf_counter() - sent) * 1e3)
                i += concurrency

        await asyncio.gather(*(user(k) for k in range(concurrency)))
        elapsed = time.perf_counter() - start
    ordered = sorted(latencies) or [0.0]
    return LoadResult("httpx", concurrency, elapsed, len(latencies), len(latencies) / elapsed, percentile(ordered, 50),
                      percentile(ordered, 90), percentile(ordered, 99), ordered[-1], errors,
                      tuple(percentile(ordered, k / 10) for k in range(1, _QUANTILES + 1)))


def run_load(url: str, bodies: list[bytes], *, concurrency: int, seconds: float) -> LoadResult:
    """POST ``bodies`` in turn to ``url`` from ``concurrency`` connections for ``seconds``."""
    if shutil.which("wrk"):
        return _run_wrk(url, bodies, concurrency, seconds)
    return asyncio.run(_httpx_load(url, bodies, concurrency, seconds))
