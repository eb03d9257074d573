"""Back-end events: what a shop or calendar reports for proactive messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class BackendEvent:
    """Something a back end reported, e.g. ``kind="order.shipped"``.

    ``email``/``phone``/``order_number`` say whose conversations it concerns;
    ``message`` (if set) is sent to that customer's open conversations as a bot
    message; ``source`` names the plugin; ``delivery_id`` de-duplicates.
    """

    kind: str
    source: str
    data: dict[str, Any] = field(default_factory=dict)
    email: str | None = None
    phone: str | None = None
    order_number: str | None = None
    message: str | None = None
    delivery_id: str | None = None
