"""TTLCache: remember a back end's answers for a short while.

A shop's catalogue changes rarely but every customer message may ask about it; reading it again
for each message is slow and eats the shop's API rate limit. Back-end plugins keep one
:class:`TTLCache` per back end and wrap their catalogue reads in :meth:`TTLCache.get_or_set`.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Hashable, TypeVar

T = TypeVar("T")

MAX_ITEMS = 512
"""Past this many keys the cache starts again empty: simpler than LRU, and search phrases are many."""


class TTLCache:
    """Values kept ``seconds`` seconds after they were computed; ``seconds <= 0`` turns caching off."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self._items: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get_or_set(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for ``key`` if still fresh, else ``compute()`` (stored for next time).

        ``compute`` runs outside the lock, so a slow back end never blocks other keys; an exception
        from it is not cached.
        """
        if self.seconds <= 0:
            return compute()
        with self._lock:
            hit = self._items.get(key)
            if hit and hit[0] > self._clock():
                return hit[1]
        value = compute()
        with self._lock:
            if len(self._items) > MAX_ITEMS:
                self._items.clear()
            self._items[key] = (self._clock() + self.seconds, value)
        return value

    def clear(self) -> None:
        """Forget everything (after the shop's catalogue is known to have changed)."""
        with self._lock:
            self._items.clear()
