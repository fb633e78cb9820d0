"""Reloads during the load test: valid and invalid catalogues in turn, through the admin endpoint.

A valid step appends a comment to a catalogue file (a new version that must be swapped in, 200); an
invalid step also makes one entry's example point elsewhere (schema-valid, refused by the examples
check, 422, the catalogue in service kept).
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.stats import rss_mb

__all__ = ["ReloadStep", "Reloader"]

_EDITED = "backup.yaml"
_EXAMPLE = "vm-sql-02: Could not perform the operation as VM no longer exists."
_BROKEN = "vm-sql-02: the weather is fine today and nothing failed."


@dataclass(frozen=True)
class ReloadStep:
    valid: bool
    status: int
    version: str | None
    ms: float
    server_rss_mb: float | None  # just after the reload

    @property
    def as_expected(self) -> bool:
        return self.status == (200 if self.valid else 422)

    def as_dict(self) -> dict[str, object]:
        return asdict(self) | {"as_expected": self.as_expected}


class Reloader(threading.Thread):
    """Every ``every`` seconds, edit the catalogue and ask the server to reload it, ``count`` times."""

    def __init__(self, server_pid: int, port: int, key: str, catalog: Path, *, every: float, count: int) -> None:
        super().__init__(name="reloader", daemon=True)
        self.server_pid, self.port, self.key, self.catalog = server_pid, port, key, catalog
        self.every, self.count = every, count
        self.original = (catalog / _EDITED).read_text(encoding="utf-8")
        if _EXAMPLE not in self.original:
            raise RuntimeError(f"the load test edits {_EDITED}, which no longer holds the example {_EXAMPLE!r}")
        self.steps: list[ReloadStep] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        """Reload number n at n x ``every`` seconds from the start (later if the previous one is still running)."""
        started = time.perf_counter()
        for n in range(self.count):
            if self.stopping.wait(max(0.0, started + (n + 1) * self.every - time.perf_counter())):
                return
            self.steps.append(self._step(valid=n % 2 == 0, n=n))

    def _step(self, *, valid: bool, n: int) -> ReloadStep:
        text = self.original if valid else self.original.replace(_EXAMPLE, _BROKEN)
        (self.catalog / _EDITED).write_text(f"{text}\n# load test, reload {n}\n", encoding="utf-8")
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("POST", "/v1/admin/reload", headers={"Authorization": f"Bearer {self.key}"})
            answer = connection.getresponse()
            body = json.loads(answer.read() or b"{}")
        finally:
            connection.close()
        version = body.get("version") or body.get("error", {}).get("version")
        return ReloadStep(valid, answer.status, version, round((time.perf_counter() - started) * 1000, 1), rss_mb(self.server_pid))
