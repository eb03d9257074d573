"""Shared pieces of the WebSocket transports."""

from __future__ import annotations

import logging
import threading
from typing import Any

log = logging.getLogger("frontdesk_voice.transports")

IDLE_TIMEOUT_S = 30.0
"""A phone network sends audio every 20 ms; this long with nothing means the peer is gone."""


class LockedSocket:
    """flask-sock's socket, safe to send on from the receive thread and the call's worker."""

    def __init__(self, ws: Any):
        self.ws = ws
        self._lock = threading.Lock()
        self.closed = False

    def send(self, data: str | bytes) -> bool:
        if self.closed:
            return False
        try:
            with self._lock:
                self.ws.send(data)
            return True
        except Exception as error:  # peer went away mid-sentence
            log.debug("send failed: %s", error)
            self.closed = True
            return False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            try:
                self.ws.close()
            except Exception:
                pass
