"""Back-end events: what a shop or calendar reports for proactive messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class BackendEvent:
    """Something a back end reported, e.g. ``kind="order.shipped"``.

    ``email``/``phone``/``order_number`` say whose conversations it concerns;
    ``conversation_id``/``product_id`` add more targets (below);
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
    conversation_id: str | None = None
    """Deliver to this conversation too (a booking's own chat, for example)."""
    product_id: str | None = None
    """For ``product.back_in_stock``: customers who asked about this product while it was out of stock."""
