"""Catalogue reloads without downtime: from the admin endpoint, SIGHUP, or a polling file watcher.

A reload loads and validates the whole catalogue (schema and, unless ERRDIAG_CHECK_EXAMPLES is off,
every entry's examples) in a thread of its own, off the event loop, then swaps it in with one
assignment (``Engine.swap``): a request in flight finishes on the index it started with. A catalogue
that fails is refused with its problems; the old one keeps serving, and the refusal is logged and
counted. Reloads are serialised: a second one waits for the first.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import anyio

from app.api.metrics import Metrics
from app.engine import CatalogError, Engine, Index, load_index
from app.engine.gcpause import freeze_long_lived

__all__ = ["CatalogReloader", "ReloadReport", "catalog_fingerprint"]

log = logging.getLogger("errdiag.reload")


@dataclass(frozen=True)
class ReloadReport:
    trigger: str
    previous_version: str
    version: str
    entries: int
    seconds: float

    @property
    def changed(self) -> bool:
        return self.version != self.previous_version


def catalog_fingerprint(directory: Path) -> tuple:
    """What the watcher compares: name, size, modification time and inode of every catalogue file.

    ``stat`` follows symbolic links, so a Kubernetes ConfigMap update (a swapped ``..data`` link)
    changes the fingerprint too.
    """
    try:
        return tuple(sorted((p.name, s.st_size, s.st_mtime_ns, s.st_ino) for p in [*directory.glob("*.yaml"), *directory.glob("*.json")] for s in [p.stat()]))
    except OSError as exc:
        return (("unreadable", type(exc).__name__),)


class CatalogReloader:
    def __init__(self, engine: Engine, directory: Path, *, check: bool, metrics: Metrics, parse_cache: Path | None = None) -> None:
        self.engine, self.directory, self.check, self.metrics = engine, Path(directory), check, metrics
        self.parse_cache = parse_cache  # where parsed YAML files are kept (see app.engine.parse_cache); None: not kept
        self.attempts = 0
        self.listening = False  # whether SIGHUP reloads
        self._lock = asyncio.Lock()
        # One long-lived thread builds every catalogue: its allocations reuse the same malloc arena,
        # where threads of a pool would each keep the high-water mark of a catalogue in their own.
        self._loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="errdiag-reload")
        self._attempted = asyncio.Condition()
        self._background: set[asyncio.Task] = set()

    async def reload(self, trigger: str) -> ReloadReport:
        """Load, validate and swap in the catalogue; raise CatalogError (old one kept) when it fails."""
        async with self._lock:
            try:
                return await self._reload(trigger)
            finally:
                await self._count_attempt()

    async def _reload(self, trigger: str) -> ReloadReport:
        started, previous = time.perf_counter(), self.engine.index.catalog.version
        try:
            index = await asyncio.get_running_loop().run_in_executor(self._loader, self._load)
        except CatalogError as exc:
            self.metrics.reload_done(trigger, ok=False)
            log.error("catalogue reload refused; the catalogue in service is kept",
                      extra={"trigger": trigger, "version": previous, "problems": exc.problems[:100] or [str(exc)]})
            raise
        self.engine.swap(index)
        if gc.get_freeze_count():  # the served app froze the catalogue in service at start-up
            await asyncio.get_running_loop().run_in_executor(self._loader, freeze_long_lived)  # the old catalogue is collected
        self.metrics.reload_done(trigger, ok=True)
        self.metrics.catalog_in_service(index.catalog)
        report = ReloadReport(trigger, previous, index.catalog.version, len(index.catalog), time.perf_counter() - started)
        log.info("catalogue reloaded", extra={"trigger": trigger, "previous_version": previous, "version": report.version,
                                               "entries": report.entries, "duration_ms": round(report.seconds * 1000, 1)})
        return report

    def _load(self) -> Index:
        try:
            return load_index(self.directory, options=self.engine.options, check=self.check, parse_cache=self.parse_cache)
        except CatalogError:
            raise
        except (OSError, ValueError, RecursionError) as exc:  # unreadable file, undecodable bytes...
            raise CatalogError(f"catalogue {str(self.directory)!r} cannot be read: {type(exc).__name__}: {exc}") from exc

    async def _count_attempt(self) -> None:
        async with self._attempted:
            self.attempts += 1
            self._attempted.notify_all()

    async def wait_for_attempts(self, count: int) -> None:
        """Return once ``count`` reloads have been attempted (ended, successfully or not)."""
        async with self._attempted:
            await self._attempted.wait_for(lambda: self.attempts >= count)

    async def reload_quietly(self, trigger: str) -> None:
        """A reload whose failure is only logged and counted (signal and watcher)."""
        try:
            await self.reload(trigger)
        except CatalogError:
            pass  # logged and counted by reload()
        except Exception:
            log.exception("catalogue reload failed unexpectedly; the catalogue in service is kept", extra={"trigger": trigger})

    def _spawn(self, trigger: str) -> None:
        task = asyncio.get_running_loop().create_task(self.reload_quietly(trigger))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def listen_for_sighup(self) -> bool:
        """Reload on SIGHUP; False where signals cannot be handled here (not the main thread, Windows)."""
        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._spawn, "signal")
        except (AttributeError, NotImplementedError, RuntimeError, ValueError):
            log.debug("SIGHUP reloads unavailable in this thread or platform")
            return False
        self.listening = True
        return True

    def stop_listening(self) -> None:
        if self.listening:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
            self.listening = False

    async def watch(self, interval: float, seen: tuple | None = None) -> None:
        """Reload when the files change and then stay unchanged for one more interval (no half-written files).

        ``seen`` is the fingerprint of the catalogue in service; by default, the files as they are now.
        """
        if seen is None:
            seen = await anyio.to_thread.run_sync(catalog_fingerprint, self.directory)
        pending = None
        while True:
            await asyncio.sleep(interval)
            current = await anyio.to_thread.run_sync(catalog_fingerprint, self.directory)
            if current == seen or current != pending:
                pending = None if current == seen else current
                continue
            seen, pending = current, None
            log.info("catalogue files changed; reloading", extra={"trigger": "watch"})
            await self.reload_quietly("watch")

    async def close(self) -> None:
        self.stop_listening()
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        self._loader.shutdown(wait=False, cancel_futures=True)
