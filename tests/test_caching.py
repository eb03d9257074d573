"""frontdesk.caching.TTLCache: fresh values are reused, stale ones recomputed, the size stays bounded."""

from __future__ import annotations

import pytest

from frontdesk.caching import MAX_ITEMS, TTLCache


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_a_fresh_value_is_reused_and_a_stale_one_recomputed():
    clock, compute = Clock(), Counter()
    cache = TTLCache(60, clock=clock)
    assert cache.get_or_set("catalog", compute) == 1
    clock.now += 59.9
    assert cache.get_or_set("catalog", compute) == 1
    clock.now += 0.2
    assert cache.get_or_set("catalog", compute) == 2
    assert compute.calls == 2


def test_keys_are_separate():
    cache, compute = TTLCache(60), Counter()
    assert cache.get_or_set(("search", "mug", 5), compute) == 1
    assert cache.get_or_set(("search", "mug", 3), compute) == 2
    assert cache.get_or_set(("search", "mug", 5), compute) == 1


@pytest.mark.parametrize("seconds", [0, -1])
def test_zero_seconds_turns_caching_off(seconds):
    cache, compute = TTLCache(seconds), Counter()
    assert [cache.get_or_set("k", compute) for _ in range(3)] == [1, 2, 3]


def test_an_exception_is_not_cached():
    cache, compute = TTLCache(60), Counter()

    def failing() -> int:
        raise TimeoutError("shop down")

    with pytest.raises(TimeoutError):
        cache.get_or_set("k", failing)
    assert cache.get_or_set("k", compute) == 1


def test_clear_forgets_everything():
    cache, compute = TTLCache(60), Counter()
    cache.get_or_set("k", compute)
    cache.clear()
    assert cache.get_or_set("k", compute) == 2


def test_size_is_bounded():
    cache = TTLCache(60)
    for n in range(MAX_ITEMS * 3):
        cache.get_or_set(n, lambda n=n: n)
    assert len(cache._items) <= MAX_ITEMS + 1
    assert cache.get_or_set(MAX_ITEMS * 3 - 1, lambda: "recomputed") == MAX_ITEMS * 3 - 1
