"""The web channel: the chat widget and the HTTP/WebSocket API it talks to (served by core's app)."""

from __future__ import annotations

from typing import Callable

from frontdesk.hookspecs import hookimpl
from frontdesk.registry import Channel


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(Channel(name="web", description="Chat widget and HTTP/WebSocket API (/widget.js, /api/v1)"))
