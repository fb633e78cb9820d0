"""The engine's answer cache: same answer as without it, bounded, never stale after a swap."""

from __future__ import annotations

from support import CATALOG_DIR, bundled_index

from app.engine import build_index, load_catalog
from app.engine.cache import IndexCache
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


def test_the_cache_is_bounded_and_a_newcomer_pushes_out_the_least_recent_only_if_asked_for_more_often() -> None:
    engine = Engine(bundled_index(), cache_size=2)
    for text in ("first error", "second error") * 2:  # asked for twice: kept
        engine.diagnose(text)
    engine.diagnose("first error")  # now the most recent; "second error" would go first
    engine.diagnose("third error")
    engine.diagnose("third error")  # twice, as often as "second error": not kept
    assert len(engine.cache) == 2 and engine.cache.hits == 1
    engine.diagnose("third error")  # more often than "second error" now: it takes its place
    assert len(engine.cache) == 2
    hits = engine.cache.hits
    engine.diagnose("first error")
    engine.diagnose("third error")
    engine.diagnose("second error")
    assert engine.cache.hits == hits + 2  # "first error" and "third error"; "second error" was dropped


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


def _ask(cache: IndexCache[str], key: str) -> bool:
    """Look ``key`` up as the engine does (and keep a value when missing); whether it was a hit."""
    index = bundled_index()
    if cache.get(key, index) is not None:
        return True
    cache.put(key, index, key.upper())
    return False


def test_keys_asked_for_twice_do_not_push_out_keys_asked_for_often() -> None:
    cache: IndexCache[str] = IndexCache(4, admission=True)
    for _ in range(5):
        for key in "abcd":
            _ask(cache, key)
    for i in range(8):  # a flood of keys asked for twice each (within one period of 40 lookups)
        _ask(cache, f"rare {i}")
        _ask(cache, f"rare {i}")
    assert all(_ask(cache, key) for key in "abcd")


def test_counts_fade_so_what_was_often_asked_for_long_ago_gives_way() -> None:
    cache: IndexCache[str] = IndexCache(1, admission=True)  # counts halved every 10 lookups
    for _ in range(6):
        _ask(cache, "old")
    for _ in range(30):  # "old" is not asked for any more: 6 -> 3 -> 1 -> 0
        _ask(cache, "new")
    assert _ask(cache, "new") and not _ask(cache, "old")
