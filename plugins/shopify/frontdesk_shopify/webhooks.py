"""``POST /webhooks/shopify``: verified, de-duplicated Shopify webhooks → proactive customer messages.

Shopify signs each delivery with the app's client secret: ``X-Shopify-Hmac-Sha256`` is the base64
HMAC-SHA256 of the raw body (https://shopify.dev/docs/apps/build/webhooks/subscribe/https). Shopify
retries and may deliver twice, so ``X-Shopify-Webhook-Id`` is remembered and a repeat is acknowledged
without acting again.

Topics handled: ``orders/fulfilled`` (shipped), ``fulfillments/create`` and ``fulfillments/update``
(shipped / delivered by ``shipment_status``), ``inventory_levels/update`` (back in stock).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
import time
from collections import OrderedDict
from typing import Any, Callable

from flask import Blueprint, Response, jsonify, request

from frontdesk.commerce import BackendUnavailable
from frontdesk.events import BackendEvent

log = logging.getLogger("frontdesk.plugins.shopify")

SOURCE = "shopify"


def valid_signature(body: bytes, signature: str | None, secret: str) -> bool:
    if not signature or not secret:
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, signature.strip())


class SeenDeliveries:
    """Delivery ids seen in the last ``ttl`` seconds (bounded), so a retried webhook acts once."""

    def __init__(self, ttl: float = 48 * 3600, max_items: int = 20000):
        self.ttl = ttl
        self.max_items = max_items
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, delivery_id: str) -> bool:
        now = time.monotonic()
        with self._lock:
            while self._seen and (next(iter(self._seen.values())) < now - self.ttl or len(self._seen) > self.max_items):
                self._seen.popitem(last=False)
            if delivery_id in self._seen:
                return False
            self._seen[delivery_id] = now
            return True

    def forget(self, delivery_id: str) -> None:
        with self._lock:
            self._seen.pop(delivery_id, None)


def _tracking(payload: dict[str, Any]) -> tuple[str, str, str]:
    fulfillments = payload.get("fulfillments") or [payload]
    for f in fulfillments:
        number = f.get("tracking_number") or next(iter(f.get("tracking_numbers") or []), "")
        if number or f.get("tracking_company"):
            url = f.get("tracking_url") or next(iter(f.get("tracking_urls") or []), "")
            return f.get("tracking_company") or "", number or "", url or ""
    return "", "", ""


def shipped_message(number: str, carrier: str, tracking: str, url: str) -> str:
    text = f"Good news: your order #{number} has shipped"
    text += f" with {carrier}." if carrier else "."
    if tracking:
        text += f" Tracking number {tracking}"
        text += f": {url}" if url else "."
    return text


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
                                 message=f"Your order #{number} has been delivered. Enjoy!")]
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
                             message=f"{name} is back in stock.")]
    return []


def make_blueprint(frontdesk: Any, secret: Callable[[], str], backend: Callable[[], Any]) -> Blueprint:
    """The webhook blueprint. ``secret()`` and ``backend()`` are read per request so settings reloads apply."""
    blueprint = Blueprint("shopify_webhooks", __name__)
    seen = SeenDeliveries()

    @blueprint.post("/webhooks/shopify")
    def receive() -> tuple[Response, int]:
        body = request.get_data(cache=False)
        signing_secret = secret()
        if not signing_secret:
            log.error("shopify webhook refused: no webhook_secret/client_secret configured")
            return jsonify(error="not_configured", message="Shopify webhooks are not configured on this server."), 503
        if not valid_signature(body, request.headers.get("X-Shopify-Hmac-Sha256"), signing_secret):
            log.warning("shopify webhook rejected: bad signature (topic %s, from %s)",
                        request.headers.get("X-Shopify-Topic"), request.remote_addr)
            return jsonify(error="invalid_signature", message="X-Shopify-Hmac-Sha256 does not match the body."), 401
        topic = request.headers.get("X-Shopify-Topic", "")
        delivery_id = request.headers.get("X-Shopify-Webhook-Id") or hashlib.sha256(body).hexdigest()
        try:
            payload = json.loads(body)
            if not isinstance(payload, dict):
                raise ValueError("not an object")
        except ValueError:
            return jsonify(error="invalid_json", message="The webhook body is not a JSON object."), 400
        if not seen.first_time(delivery_id):
            return jsonify(ok=True, duplicate=True), 200
        try:
            events = events_for(topic, payload, lambda item: backend().variant_for_inventory_item(item), delivery_id)
        except BackendUnavailable as error:
            seen.forget(delivery_id)  # let Shopify's retry act on it later
            log.warning("shopify webhook %s could not be handled now: %s", topic, error)
            return jsonify(error="backend_unavailable", message="Try again later."), 503
        for event in events:
            frontdesk.emit_backend_event(event)
        return jsonify(ok=True, topic=topic, events=[e.kind for e in events]), 200

    return blueprint
