"""Remembering answered deliveries, so that a tracker's retry gets the same answer and is counted once.

An in-memory store bounded in time (``ttl_seconds`` after the answer) and in size
(``max_entries``, the oldest answers go first). A key is claimed by ``begin`` before the
work and settled by ``finish`` (the answer is kept, compressed) or ``abandon`` (a failed
request leaves nothing behind, so its retry is processed afresh). One process only: with
several workers, each remembers its own deliveries.
"""

from __future__ import annotations

import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["DeliveryStore", "KeyConflict", "KeyInFlight"]


class KeyConflict(Exception):
    """The key was already used for a request with a different body."""


class KeyInFlight(Exception):
    """A request with this key is being processed right now."""


@dataclass(slots=True)
class _Delivery:
    fingerprint: str
    answer: bytes | None  # compressed; None while in flight
    expires: float


class DeliveryStore:
    def __init__(self, *, ttl_seconds: float, max_entries: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_seconds, self.max_entries, self._clock = ttl_seconds, max_entries, clock
        self._deliveries: OrderedDict[str, _Delivery] = OrderedDict()

    def __len__(self) -> int:
        return len(self._deliveries)

    def begin(self, key: str, fingerprint: str) -> bytes | None:
        """The answer given to an earlier delivery of ``key``; None when this one is new (and now claimed).

        Raises ``KeyConflict`` when ``key`` came with another body, ``KeyInFlight`` while it is processed.
        """
        self._expire()
        known = self._deliveries.get(key)
        if known is None:
            self._deliveries[key] = _Delivery(fingerprint, None, self._clock() + self.ttl_seconds)
            self._bound()
            return None
        if known.fingerprint != fingerprint:
            raise KeyConflict(key)
        if known.answer is None:
            raise KeyInFlight(key)
        return zlib.decompress(known.answer)

    def finish(self, key: str, fingerprint: str, answer: bytes) -> None:
        self._deliveries[key] = _Delivery(fingerprint, zlib.compress(answer), self._clock() + self.ttl_seconds)
        self._deliveries.move_to_end(key)
        self._bound()

    def abandon(self, key: str) -> None:
        known = self._deliveries.get(key)
        if known is not None and known.answer is None:
            del self._deliveries[key]

    def _expire(self) -> None:
        now = self._clock()
        while self._deliveries:
            key, oldest = next(iter(self._deliveries.items()))
            if oldest.expires > now:
                return
            del self._deliveries[key]

    def _bound(self) -> None:
        while len(self._deliveries) > self.max_entries:
            self._deliveries.popitem(last=False)
