"""The store of answered deliveries: replay, conflict, deliveries in flight, time and size bounds."""

from __future__ import annotations

import pytest

from app.api.idempotency import DeliveryStore, KeyConflict, KeyInFlight


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_new_key_is_claimed_then_its_answer_replayed() -> None:
    store = DeliveryStore(ttl_seconds=60, max_entries=10)
    assert store.begin("k", "body-1") is None
    store.finish("k", "body-1", b'{"answer": 1}')
    assert store.begin("k", "body-1") == b'{"answer": 1}'


def test_a_key_reused_with_another_body_conflicts() -> None:
    store = DeliveryStore(ttl_seconds=60, max_entries=10)
    store.begin("k", "body-1")
    store.finish("k", "body-1", b"answer")
    with pytest.raises(KeyConflict):
        store.begin("k", "body-2")


def test_a_key_in_flight_is_refused_until_finished_or_abandoned() -> None:
    store = DeliveryStore(ttl_seconds=60, max_entries=10)
    store.begin("k", "body")
    with pytest.raises(KeyInFlight):
        store.begin("k", "body")
    store.abandon("k")
    assert store.begin("k", "body") is None  # the failed first try left nothing behind


def test_answers_expire_after_the_ttl() -> None:
    clock = Clock()
    store = DeliveryStore(ttl_seconds=60, max_entries=10, clock=clock)
    store.begin("k", "body")
    store.finish("k", "body", b"answer")
    clock.now += 59
    assert store.begin("k", "body") == b"answer"
    clock.now += 2
    assert store.begin("k", "other body") is None  # expired: the key is free again
    assert len(store) == 1


def test_the_oldest_answers_go_first_when_full() -> None:
    store = DeliveryStore(ttl_seconds=60, max_entries=3)
    for key in "abcd":
        store.begin(key, "body")
        store.finish(key, "body", key.encode())
    assert len(store) == 3
    assert store.begin("a", "body") is None  # evicted, processed again
    assert store.begin("d", "body") == b"d"
