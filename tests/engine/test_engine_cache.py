"""The engine's answer cache: same answer as without it, bounded, never stale after a swap."""

from __future__ import annotations

from support import CATALOG_DIR, bundled_index

from app.engine import build_index, load_catalog
from app.engine.engine import CACHE_MAX_CHARS, Engine

MESSAGE = "Impossible de communiquer avec l’agent en charge de la machine virtuelle pour obtenir l’état de l’instantané."


def test_a_cached_answer_equals_a_fresh_one() -> None:
    cached, plain = Engine(bundled_index(), cache_size=8), Engine(bundled_index())
    cached.diagnose(MESSAGE)
    second = cached.diagnose(MESSAGE)  # the second time: kept
    assert cached.diagnose(MESSAGE) is second  # served from the cache
    assert cached.cache.hits == 1 and cached.cache.misses == 2
    assert second.model_dump_json() == plain.diagnose(MESSAGE).model_dump_json()


def test_an_input_is_kept_from_the_second_time_it_is_seen_so_inputs_seen_once_push_none_out() -> None:
    engine = Engine(bundled_index(), cache_size=2)
    engine.diagnose(MESSAGE)
    assert len(engine.cache) == 0
    engine.diagnose(MESSAGE)
    assert len(engine.cache) == 1
    for i in range(20):  # distinct inputs, each seen once
        engine.diagnose(f"{MESSAGE} (request {i})")
    assert len(engine.cache) == 1
    engine.diagnose(MESSAGE)
    assert engine.cache.hits == 1


def test_the_key_holds_every_argument() -> None:
    engine = Engine(bundled_index(), cache_size=8)
    for _twice in range(2):
        fr, en = engine.diagnose(MESSAGE, lang="fr"), engine.diagnose(MESSAGE, lang="en")
        assert fr.lang == "fr" and en.lang == "en"
        assert len(engine.diagnose(MESSAGE, lang="fr", limit=1).alternatives) <= 1
    assert engine.cache.hits == 0 and len(engine.cache) == 3


def test_the_cache_is_bounded_and_drops_the_least_recent() -> None:
    engine = Engine(bundled_index(), cache_size=2)
    for text in ("first error", "second error") * 2:  # seen twice: kept
        engine.diagnose(text)
    engine.diagnose("first error")  # now the most recent
    engine.diagnose("third error")
    engine.diagnose("third error")
    assert len(engine.cache) == 2
    engine.diagnose("first error")
    engine.diagnose("second error")
    assert engine.cache.hits == 2  # "first error" twice; "second error" was dropped


def test_long_inputs_are_not_cached() -> None:
    engine = Engine(bundled_index(), cache_size=8)
    log = (MESSAGE + "\n") * (CACHE_MAX_CHARS // len(MESSAGE) + 1)
    engine.diagnose(log)
    assert len(engine.cache) == 0


def test_a_swap_never_serves_an_answer_of_the_old_catalogue() -> None:
    engine = Engine(bundled_index(), cache_size=8)
    engine.diagnose(MESSAGE)
    old = engine.diagnose(MESSAGE)
    assert len(engine.cache) == 1
    engine.swap(build_index(load_catalog(CATALOG_DIR)))
    assert len(engine.cache) == 0
    new = engine.diagnose(MESSAGE)
    assert new is not old and engine.cache.hits == 0
    # An answer stored for an index that is no longer current is a miss, even if it is still there.
    engine.cache.put((MESSAGE, None, None, None), bundled_index(), old)
    assert engine.diagnose(MESSAGE) is not old


def test_no_cache_by_default() -> None:
    engine = Engine(bundled_index())
    assert engine.cache is None
    assert engine.diagnose(MESSAGE).matched
