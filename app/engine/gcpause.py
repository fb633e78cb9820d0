"""Pausing the garbage collector while a catalogue is built."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused", "freeze_long_lived"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects that all stay alive.

    Its passes over an ever larger heap make building a large catalogue superlinear.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def freeze_long_lived(*, collect: bool = True) -> None:
    """Put every object alive now (the catalogue, its index, the loaded modules) out of the collector's reach.

    A service keeps its catalogue for hours while each request allocates and frees a few hundred
    objects; without this, every full collection walks the whole catalogue again (tens of
    milliseconds, a stall of every request in flight). Objects frozen by an earlier call, such as a
    catalogue since replaced, are released first and collected (with ``collect``), so a reload leaks
    nothing.
    """
    gc.unfreeze()
    if collect:
        gc.collect()
    gc.freeze()
