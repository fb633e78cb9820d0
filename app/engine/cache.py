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

    ``hits`` and ``misses`` count lookups, for the metrics. With ``second_sight``, a value is kept from
    the second ``put`` of its key on (keys seen once are remembered by hash only, at most ``4 * size``):
    a flood of keys seen once (distinct inputs, a log of unknown errors) then neither pushes out the
    values that do come back nor churns the cache. A churning cache costs more than its lookups: every
    new value outlives its request, and the garbage collector's youngest generation, which counts
    allocations minus deallocations, fills with them unnoticed until one long collection.
    """

    def __init__(self, size: int, *, second_sight: bool = False) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[Hashable, tuple[Index, _Value]] = OrderedDict()
        self._lock = threading.Lock()
        self._seen_once: set[int] | None = set() if second_sight else None

    def get(self, key: Hashable, index: Index) -> _Value | None:
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] is not index:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[1]

    def put(self, key: Hashable, index: Index, value: _Value) -> None:
        with self._lock:
            if self._seen_once is not None and key not in self._items and not self._second_sight(hash(key)):
                return
            self._items[key] = (index, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def _second_sight(self, mark: int) -> bool:
        seen = self._seen_once
        if mark in seen:  # type: ignore[operator]
            seen.discard(mark)  # type: ignore[union-attr]
            return True
        if len(seen) >= 4 * self.size:  # type: ignore[arg-type]
            seen.clear()  # type: ignore[union-attr]
        seen.add(mark)  # type: ignore[union-attr]
        return False

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            if self._seen_once is not None:
                self._seen_once.clear()

    def __len__(self) -> int:
        return len(self._items)
