"""Starting and stopping a local server for a benchmark: loopback only, every wait bounded.

``python -m bench.server --port P [--workers N] [--loop L] [--http H]`` serves the bench app
with the same ``uvicorn.run`` arguments as ``errdiag serve`` (no log config, no access log).
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bench import ROOT

__all__ = ["ServerConfig", "Running", "free_port", "running", "wait_ready", "stop", "bench_server_command", "children"]

HOST = "127.0.0.1"


@dataclass(frozen=True)
class ServerConfig:
    workers: int = 1
    loop: str = "auto"  # auto picks uvloop when installed
    http: str = "auto"  # auto picks httptools when installed

    @property
    def label(self) -> str:
        return f"{self.loop}/{self.http}, {self.workers} worker{'s' if self.workers > 1 else ''}"


@dataclass(frozen=True)
class Running:
    process: subprocess.Popen[bytes]
    port: int
    ready_seconds: float

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def bench_server_command(port: int, config: ServerConfig) -> list[str]:
    return [sys.executable, "-m", "bench.server", "--port", str(port), "--workers", str(config.workers),
            "--loop", config.loop, "--http", config.http]


def wait_ready(process: subprocess.Popen[bytes], port: int, timeout: float, path: str = "/readyz") -> float:
    """Seconds until ``path`` answers 200; raise if the process dies or ``timeout`` passes."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before it was ready")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=1)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return time.perf_counter() - start
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.005)
    raise RuntimeError(f"server not ready on port {port} after {timeout} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server (uvicorn stops its workers), then SIGKILL its own process group if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the group this harness created (start_new_session)
            process.wait(timeout=5)


@contextmanager
def running(command: list[str], port: int, *, timeout: float = 60) -> Iterator[Running]:
    """Start ``command`` (which must listen on ``port``), wait for /readyz, and always stop it."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(process, port, timeout)
        yield Running(process, port, time.perf_counter() - started)
    finally:
        stop(process)


def children(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (Linux ``/proc``)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return found


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="Serve the bench app (errdiag + a bare endpoint) on 127.0.0.1.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--loop", default="auto", choices=["auto", "asyncio", "uvloop"])
    parser.add_argument("--http", default="auto", choices=["auto", "h11", "httptools"])
    args = parser.parse_args()
    from app.api.protocol import http_protocol

    uvicorn.run("bench.serve_app:create_bench_app", factory=True, host=HOST, port=args.port, workers=args.workers,
                loop=args.loop, http=http_protocol(args.http), log_config=None, access_log=False)


if __name__ == "__main__":
    main()
