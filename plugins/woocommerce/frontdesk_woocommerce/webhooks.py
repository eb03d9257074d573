"""``POST /webhooks/woocommerce``: verified, de-duplicated WooCommerce webhooks → proactive customer messages.

WooCommerce signs each delivery with the secret typed in when the webhook was added:
``X-WC-Webhook-Signature`` is the base64 HMAC-SHA256 of the raw body (``WC_Webhook::generate_signature``).
Each delivery has ``X-WC-Webhook-Delivery-ID``; a repeat is acknowledged without acting again.
When a webhook is saved, WooCommerce first sends an unsigned form-encoded ``webhook_id=<id>`` ping,
which is acknowledged so the webhook stays active.

Topics handled: ``order.updated`` (status ``completed``/``shipped`` → shipped, ``delivered`` → delivered)
and ``product.updated`` (``stock_status`` becoming ``instock`` → back in stock).
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Mapping

from flask import Blueprint

from frontdesk.events import BackendEvent
from frontdesk.webhooks import (
    WebhookSource,
    back_in_stock_message,
    delivered_message,
    shipped_message,
    webhook_blueprint,
)

log = logging.getLogger("frontdesk.plugins.woocommerce")

SOURCE = "woocommerce"
WEBHOOKS = WebhookSource(name=SOURCE, label="WooCommerce", signature_header="X-WC-Webhook-Signature",
                         topic_header="X-WC-Webhook-Topic", delivery_id_header="X-WC-Webhook-Delivery-ID",
                         secret_setting="webhook_secret")


def _tracking(order: dict[str, Any]) -> tuple[str, str, str]:
    for meta in order.get("meta_data") or ():
        if meta.get("key") == "_wc_shipment_tracking_items" and meta.get("value"):
            item = meta["value"][-1]
            return (item.get("tracking_provider") or item.get("custom_tracking_provider") or "",
                    item.get("tracking_number") or "", item.get("tracking_link") or item.get("custom_tracking_link") or "")
    return "", "", ""


class StockMemory:
    """Last stock status seen per product, so only a change to ``instock`` says "back in stock"."""

    def __init__(self) -> None:
        self._status: dict[str, str] = {}
        self._lock = threading.Lock()

    def became_available(self, product_id: str, status: str) -> bool:
        with self._lock:
            before = self._status.get(product_id)
            self._status[product_id] = status
        return status == "instock" and before != "instock"


def events_for(topic: str, payload: dict[str, Any], delivery_id: str, stock: StockMemory) -> list[BackendEvent]:
    if topic in ("order.updated", "order.created"):
        status = payload.get("status")
        number = str(payload.get("number") or payload.get("id") or "")
        email = (payload.get("billing") or {}).get("email") or None
        carrier, tracking, url = _tracking(payload)
        data = {"status": status, "carrier": carrier, "tracking_number": tracking, "tracking_url": url}
        if status in ("completed", "shipped"):
            return [BackendEvent(kind="order.shipped", source=SOURCE, email=email, order_number=number,
                                 delivery_id=delivery_id, data=data,
                                 message=shipped_message(number, carrier, tracking, url))]
        if status == "delivered":
            return [BackendEvent(kind="order.delivered", source=SOURCE, email=email, order_number=number,
                                 delivery_id=delivery_id, data=data, message=delivered_message(number))]
        return []
    if topic == "product.updated":
        product_id = str(payload.get("id", ""))
        if stock.became_available(product_id, str(payload.get("stock_status", ""))):
            name = payload.get("name", "")
            return [BackendEvent(kind="product.back_in_stock", source=SOURCE, delivery_id=delivery_id,
                                 data={"product_id": product_id, "product_title": name,
                                       "available": payload.get("stock_quantity"), "url": payload.get("permalink", "")},
                                 message=back_in_stock_message(name))]
    return []


def is_creation_ping(headers: Mapping[str, str], body: bytes) -> bool:
    """WooCommerce's unsigned form-encoded ``webhook_id=<id>`` request when a webhook is saved."""
    return "X-WC-Webhook-Signature" not in headers and body.startswith(b"webhook_id=")


def make_blueprint(frontdesk: Any, secret: Callable[[], str]) -> Blueprint:
    """The webhook blueprint. ``secret()`` is read per request so settings reloads apply."""
    stock = StockMemory()

    def handle(topic: str, payload: dict[str, Any], delivery_id: str) -> list[BackendEvent]:
        return events_for(topic, payload, delivery_id, stock)

    return webhook_blueprint(WEBHOOKS, secret=secret, handle=handle, emit=frontdesk.emit_backend_event, log=log,
                             is_ping=is_creation_ping)
