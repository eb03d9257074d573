"""In-process publish/subscribe for live updates (WebSockets, other tabs, the inbox).

One process serves a shop (gunicorn with threads), so a queue per subscriber is
enough; every subscriber of a conversation sees every event once, in order.
"""

from __future__ import annotations

import queue
import threading
from typing import Any

ALL = "*"
"""Subscribe to this id to see every conversation's events (the inbox does)."""


class Subscription:
    def __init__(self, bus: "Bus", conversation_id: str) -> None:
        self._bus = bus
        self.conversation_id = conversation_id
        self._queue: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=1000)

    def get(self, timeout: float | None = None) -> dict[str, Any] | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def put(self, event: dict[str, Any]) -> None:
        try:
            self._queue.put_nowait(event)
        except queue.Full:  # a stuck reader must not block the bot; it resumes with ?after=
            pass

    def close(self) -> None:
        self._bus._remove(self)

    def __enter__(self) -> "Subscription":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Bus:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subs: dict[str, set[Subscription]] = {}

    def subscribe(self, conversation_id: str) -> Subscription:
        sub = Subscription(self, conversation_id)
        with self._lock:
            self._subs.setdefault(conversation_id, set()).add(sub)
        return sub

    def _remove(self, sub: Subscription) -> None:
        with self._lock:
            subs = self._subs.get(sub.conversation_id)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subs[sub.conversation_id]

    def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        event = {**event, "conversation_id": conversation_id}
        with self._lock:
            targets = list(self._subs.get(conversation_id, ())) + list(self._subs.get(ALL, ()))
        for sub in targets:
            sub.put(event)
