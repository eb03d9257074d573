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

from frontdesk.events import BackendEvent

log = logging.getLogger("frontdesk.plugins.woocommerce")

SOURCE = "woocommerce"


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


def _tracking(order: dict[str, Any]) -> tuple[str, str, str]:
    for meta in order.get("meta_data") or ():
        if meta.get("key") == "_wc_shipment_tracking_items" and meta.get("value"):
            item = meta["value"][-1]
            return (item.get("tracking_provider") or item.get("custom_tracking_provider") or "",
                    item.get("tracking_number") or "", item.get("tracking_link") or item.get("custom_tracking_link") or "")
    return "", "", ""


def shipped_message(number: str, carrier: str, tracking: str, url: str) -> str:
    text = f"Good news: your order #{number} has shipped"
    text += f" with {carrier}." if carrier else "."
    if tracking:
        text += f" Tracking number {tracking}"
        text += f": {url}" if url else "."
    return text


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
                                 delivery_id=delivery_id, data=data,
                                 message=f"Your order #{number} has been delivered. Enjoy!")]
        return []
    if topic == "product.updated":
        product_id = str(payload.get("id", ""))
        if stock.became_available(product_id, str(payload.get("stock_status", ""))):
            name = payload.get("name", "")
            return [BackendEvent(kind="product.back_in_stock", source=SOURCE, delivery_id=delivery_id,
                                 data={"product_id": product_id, "product_title": name,
                                       "available": payload.get("stock_quantity"), "url": payload.get("permalink", "")},
                                 message=f"{name} is back in stock.")]
    return []


def make_blueprint(frontdesk: Any, secret: Callable[[], str]) -> Blueprint:
    blueprint = Blueprint("woocommerce_webhooks", __name__)
    seen = SeenDeliveries()
    stock = StockMemory()

    @blueprint.post("/webhooks/woocommerce")
    def receive() -> tuple[Response, int]:
        body = request.get_data(cache=False)
        if "X-WC-Webhook-Signature" not in request.headers and body.startswith(b"webhook_id="):
            return jsonify(ok=True, ping=True), 200
        signing_secret = secret()
        if not signing_secret:
            log.error("woocommerce webhook refused: no webhook_secret configured")
            return jsonify(error="not_configured", message="WooCommerce webhooks are not configured here."), 503
        if not valid_signature(body, request.headers.get("X-WC-Webhook-Signature"), signing_secret):
            log.warning("woocommerce webhook rejected: bad signature (topic %s, from %s)",
                        request.headers.get("X-WC-Webhook-Topic"), request.remote_addr)
            return jsonify(error="invalid_signature", message="X-WC-Webhook-Signature does not match the body."), 401
        topic = request.headers.get("X-WC-Webhook-Topic", "")
        delivery_id = request.headers.get("X-WC-Webhook-Delivery-ID") or hashlib.sha256(body).hexdigest()
        try:
            payload = json.loads(body)
            if not isinstance(payload, dict):
                raise ValueError("not an object")
        except ValueError:
            return jsonify(error="invalid_json", message="The webhook body is not a JSON object."), 400
        if not seen.first_time(delivery_id):
            return jsonify(ok=True, duplicate=True), 200
        events = events_for(topic, payload, delivery_id, stock)
        for event in events:
            frontdesk.emit_backend_event(event)
        return jsonify(ok=True, topic=topic, events=[e.kind for e in events]), 200

    return blueprint
