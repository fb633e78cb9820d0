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
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[Hashable, tuple[Index, _Value]] = OrderedDict()
        self._lock = threading.Lock()

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
            self._items[key] = (index, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
