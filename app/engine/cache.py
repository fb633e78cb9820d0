"""Bounded caches tied to one index: what was computed on a catalogue that has since been swapped is never served."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

from app.engine.index import Index

__all__ = ["IndexCache"]

_Value = TypeVar("_Value")


class IndexCache(Generic[_Value]):
    """Values by key, least recently used out past ``size``; thread-safe; each value remembers its index.

    ``hits`` and ``misses`` count lookups, for the metrics.

    With ``admission``, a new value is kept only if its key was looked up before, and, once the cache
    is full, more often of late than the key it would push out (TinyLFU's rule, with the counts of
    recent lookups by hash, halved every ``10 * size`` lookups). Keys seen once (distinct inputs, a
    log of unknown errors) and rare keys then neither push out the values that do come back nor
    churn the cache. A churning cache costs more than its lookups: every new value outlives its
    request, and the garbage collector's youngest generation, which counts allocations minus
    deallocations, fills with them unnoticed until one long collection.
    """

    def __init__(self, size: int, *, admission: bool = False) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[Hashable, tuple[Index, _Value]] = OrderedDict()
        self._lock = threading.Lock()
        self._recent = _Frequencies(10 * size) if admission else None

    def get(self, key: Hashable, index: Index, *, tally: bool = True) -> _Value | None:
        """The value of ``key`` for ``index``; without ``tally``, the caller says with ``tally`` whether it served."""
        with self._lock:
            if self._recent is not None:
                self._recent.add(hash(key))
            item = self._items.get(key)
            found = item is not None and item[0] is index
            if found:
                self._items.move_to_end(key)
            if tally:
                self._count(found)
            return item[1] if found else None  # type: ignore[index]

    def peek(self, key: Hashable, index: Index) -> _Value | None:
        """The value of ``key`` for ``index``, as ``get`` finds it, but not counted as a lookup nor as a use."""
        with self._lock:
            item = self._items.get(key)
            return item[1] if item is not None and item[0] is index else None

    def tally(self, served: bool) -> None:
        """Count a lookup made with ``get(..., tally=False)`` as a hit or a miss."""
        with self._lock:
            self._count(served)

    def _count(self, served: bool) -> None:
        if served:
            self.hits += 1
        else:
            self.misses += 1

    def put(self, key: Hashable, index: Index, value: _Value) -> None:
        with self._lock:
            if self._recent is not None and key not in self._items and not self._admitted(key):
                return
            self._items[key] = (index, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def _admitted(self, key: Hashable) -> bool:
        recent = self._recent
        seen = recent.count(hash(key))  # type: ignore[union-attr]
        if seen < 2:
            return False
        if len(self._items) < self.size:
            return True
        victim = next(iter(self._items))  # the least recently used
        return seen > recent.count(hash(victim))  # type: ignore[union-attr]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            if self._recent is not None:
                self._recent.clear()

    def __len__(self) -> int:
        return len(self._items)


class _Frequencies:
    """How often each key (by hash) was looked up of late: every count is halved each ``period`` lookups."""

    def __init__(self, period: int) -> None:
        self.period = period
        self._counts: dict[int, int] = {}
        self._added = 0

    def add(self, mark: int) -> None:
        self._counts[mark] = self._counts.get(mark, 0) + 1
        self._added += 1
        if self._added >= self.period:
            self._counts = {m: n // 2 for m, n in self._counts.items() if n > 1}
            self._added = 0

    def count(self, mark: int) -> int:
        return self._counts.get(mark, 0)

    def clear(self) -> None:
        self._counts.clear()
        self._added = 0
