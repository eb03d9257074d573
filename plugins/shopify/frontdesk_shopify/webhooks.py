"""``POST /webhooks/shopify``: verified, de-duplicated Shopify webhooks → proactive customer messages.

Shopify signs each delivery with the app's client secret: ``X-Shopify-Hmac-Sha256`` is the base64
HMAC-SHA256 of the raw body (https://shopify.dev/docs/apps/build/webhooks/subscribe/https). Shopify
retries and may deliver twice, so ``X-Shopify-Webhook-Id`` is remembered and a repeat is acknowledged
without acting again.

Topics handled: ``orders/fulfilled`` (shipped), ``fulfillments/create`` and ``fulfillments/update``
(shipped / delivered by ``shipment_status``), ``inventory_levels/update`` (back in stock).
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from flask import Blueprint

from frontdesk.events import BackendEvent
from frontdesk.webhooks import (
    WebhookSource,
    back_in_stock_message,
    delivered_message,
    shipped_message,
    webhook_blueprint,
)

log = logging.getLogger("frontdesk.plugins.shopify")

SOURCE = "shopify"
WEBHOOKS = WebhookSource(name=SOURCE, label="Shopify", signature_header="X-Shopify-Hmac-Sha256",
                         topic_header="X-Shopify-Topic", delivery_id_header="X-Shopify-Webhook-Id",
                         secret_setting="webhook_secret/client_secret")


def _tracking(payload: dict[str, Any]) -> tuple[str, str, str]:
    fulfillments = payload.get("fulfillments") or [payload]
    for f in fulfillments:
        number = f.get("tracking_number") or next(iter(f.get("tracking_numbers") or []), "")
        if number or f.get("tracking_company"):
            url = f.get("tracking_url") or next(iter(f.get("tracking_urls") or []), "")
            return f.get("tracking_company") or "", number or "", url or ""
    return "", "", ""


def events_for(topic: str, payload: dict[str, Any], lookup_variant: Callable[[str], dict[str, Any] | None],
               delivery_id: str) -> list[BackendEvent]:
    """The core events one webhook delivery means (often none)."""
    if topic == "orders/fulfilled":
        number = str(payload.get("order_number") or str(payload.get("name", "")).lstrip("#"))
        carrier, tracking, url = _tracking(payload)
        return [BackendEvent(kind="order.shipped", source=SOURCE, email=payload.get("email") or None,
                             order_number=number, delivery_id=delivery_id,
                             data={"carrier": carrier, "tracking_number": tracking, "tracking_url": url,
                                   "status_url": payload.get("order_status_url") or ""},
                             message=shipped_message(number, carrier, tracking, url))]
    if topic in ("fulfillments/create", "fulfillments/update"):
        number = str(payload.get("name", "")).lstrip("#").split(".")[0]
        status = str(payload.get("shipment_status") or "").lower()
        carrier, tracking, url = _tracking(payload)
        data = {"carrier": carrier, "tracking_number": tracking, "tracking_url": url, "shipment_status": status}
        if status == "delivered":
            return [BackendEvent(kind="order.delivered", source=SOURCE, email=payload.get("email") or None,
                                 order_number=number or None, delivery_id=delivery_id, data=data,
                                 message=delivered_message(number))]
        if topic == "fulfillments/create" or status in ("in_transit", "confirmed", "label_printed"):
            return [BackendEvent(kind="order.shipped", source=SOURCE, email=payload.get("email") or None,
                                 order_number=number or None, delivery_id=delivery_id, data=data,
                                 message=shipped_message(number, carrier, tracking, url))]
        return []
    if topic == "inventory_levels/update":
        available = payload.get("available")
        if not isinstance(available, int) or available <= 0:
            return []
        variant = lookup_variant(str(payload.get("inventory_item_id")))
        if not variant:
            return []
        product = variant["product"]
        name = product["title"] + (f" ({variant['title']})" if variant["title"] != "Default Title" else "")
        return [BackendEvent(kind="product.back_in_stock", source=SOURCE, delivery_id=delivery_id,
                             data={"product_id": product["id"], "product_title": product["title"],
                                   "variant_id": variant["id"], "variant_title": variant["title"],
                                   "available": available, "url": product.get("onlineStoreUrl") or ""},
                             message=back_in_stock_message(name))]
    return []


def make_blueprint(frontdesk: Any, secret: Callable[[], str], backend: Callable[[], Any]) -> Blueprint:
    """The webhook blueprint. ``secret()`` and ``backend()`` are read per request so settings reloads apply."""

    def handle(topic: str, payload: dict[str, Any], delivery_id: str) -> list[BackendEvent]:
        return events_for(topic, payload, lambda item: backend().variant_for_inventory_item(item), delivery_id)

    return webhook_blueprint(WEBHOOKS, secret=secret, handle=handle, emit=frontdesk.emit_backend_event, log=log)
