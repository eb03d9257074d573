"""Signed webhooks from a shop back end, turned into :class:`~frontdesk.events.BackendEvent` s.

Shopify, WooCommerce and many other services sign each delivery with a shared secret (the header
holds the base64 HMAC-SHA256 of the raw body) and retry until they get a 2xx, so the same delivery
may arrive twice. A plugin that receives them only has to say how its service labels a delivery
and what a payload means; this module does the rest::

    SOURCE = WebhookSource(name="myshop", label="MyShop", signature_header="X-MyShop-Hmac-Sha256",
                           topic_header="X-MyShop-Topic", delivery_id_header="X-MyShop-Delivery",
                           secret_setting="webhook_secret")

    @hookimpl
    def register_blueprints(register, frontdesk):
        register(webhook_blueprint(SOURCE, secret=lambda: ..., handle=events_for,
                                   emit=frontdesk.emit_backend_event, log=log))

``POST /webhooks/<name>`` then answers: 503 ``not_configured`` without a secret, 401
``invalid_signature``, 400 ``invalid_json``, 200 ``duplicate`` for a delivery already handled,
503 ``backend_unavailable`` when ``handle`` raises :class:`BackendUnavailable` (the delivery is
forgotten so the service's retry acts on it), else 200 with the kinds of the events emitted.
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
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from flask import Blueprint, Response, jsonify, request

from frontdesk.commerce import BackendUnavailable
from frontdesk.events import BackendEvent

EventsFor = Callable[[str, dict[str, Any], str], list[BackendEvent]]
"""``handle(topic, payload, delivery_id)`` → the events one delivery means (often none)."""

IsPing = Callable[[Mapping[str, str], bytes], bool]
"""``is_ping(headers, body)`` → True for an unsigned "is this URL alive?" request to acknowledge."""


def valid_signature(body: bytes, signature: str | None, secret: str) -> bool:
    """Whether ``signature`` is the base64 HMAC-SHA256 of ``body`` under ``secret`` (constant-time)."""
    if not signature or not secret:
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, signature.strip())


class SeenDeliveries:
    """Delivery ids seen in the last ``ttl`` seconds (at most ``max_items``), so a retried webhook acts once.

    In memory: the core's :meth:`~frontdesk.app_state.Frontdesk.emit_backend_event` also drops a
    repeated ``delivery_id`` from its database, so this only spares the work of handling it again.
    """

    def __init__(self, ttl: float = 48 * 3600, max_items: int = 20000,
                 clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.max_items = max_items
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, delivery_id: str) -> bool:
        """True the first time an id is seen (and remembers it); False for a repeat."""
        now = self._clock()
        with self._lock:
            while self._seen and (next(iter(self._seen.values())) < now - self.ttl or len(self._seen) > self.max_items):
                self._seen.popitem(last=False)
            if delivery_id in self._seen:
                return False
            self._seen[delivery_id] = now
            return True

    def forget(self, delivery_id: str) -> None:
        """Unsee an id whose handling failed, so the service's retry is acted on."""
        with self._lock:
            self._seen.pop(delivery_id, None)


def shipped_message(number: str, carrier: str, tracking: str, url: str) -> str:
    """What the customer reads when their order ships; carrier, tracking number and link when known."""
    text = f"Good news: your order #{number} has shipped"
    text += f" with {carrier}." if carrier else "."
    if tracking:
        text += f" Tracking number {tracking}"
        text += f": {url}" if url else "."
    return text


def delivered_message(number: str) -> str:
    """What the customer reads when their order has been delivered."""
    return f"Your order #{number} has been delivered. Enjoy!"


def back_in_stock_message(name: str) -> str:
    """What a customer who asked about ``name`` while it was sold out reads when it is back."""
    return f"{name} is back in stock."


@dataclass(frozen=True)
class WebhookSource:
    """How one service labels and signs its webhook deliveries."""

    name: str
    """Lower-case id: the route ``/webhooks/<name>``, the event ``source``, the log prefix."""
    label: str
    """The service's name as people write it, for error messages (``"Shopify"``)."""
    signature_header: str
    topic_header: str
    delivery_id_header: str
    secret_setting: str
    """The ``[plugins.<name>]`` key(s) holding the secret, named in the log when it is missing."""


def webhook_blueprint(source: WebhookSource, *, secret: Callable[[], str], handle: EventsFor,
                      emit: Callable[[BackendEvent], Any], log: logging.Logger,
                      is_ping: IsPing | None = None) -> Blueprint:
    """The ``POST /webhooks/<name>`` blueprint. ``secret()`` is read per request so settings reloads apply."""
    blueprint = Blueprint(f"{source.name}_webhooks", __name__)
    seen = SeenDeliveries()

    @blueprint.post(f"/webhooks/{source.name}")
    def receive() -> tuple[Response, int]:
        body = request.get_data(cache=False)
        if is_ping is not None and is_ping(request.headers, body):
            return jsonify(ok=True, ping=True), 200
        signing_secret = secret()
        if not signing_secret:
            log.error("%s webhook refused: no %s configured", source.name, source.secret_setting)
            return jsonify(error="not_configured",
                           message=f"{source.label} webhooks are not configured on this server."), 503
        if not valid_signature(body, request.headers.get(source.signature_header), signing_secret):
            log.warning("%s webhook rejected: bad signature (topic %s, from %s)",
                        source.name, request.headers.get(source.topic_header), request.remote_addr)
            return jsonify(error="invalid_signature",
                           message=f"{source.signature_header} does not match the body."), 401
        topic = request.headers.get(source.topic_header, "")
        # Without the service's id, the body itself names the delivery: an identical retry is still one.
        delivery_id = request.headers.get(source.delivery_id_header) or hashlib.sha256(body).hexdigest()
        payload = _json_object(body)
        if payload is None:
            return jsonify(error="invalid_json", message="The webhook body is not a JSON object."), 400
        if not seen.first_time(delivery_id):
            return jsonify(ok=True, duplicate=True), 200
        try:
            events = handle(topic, payload, delivery_id)
        except BackendUnavailable as error:
            seen.forget(delivery_id)  # let the service's retry act on it later
            log.warning("%s webhook %s could not be handled now: %s", source.name, topic, error)
            return jsonify(error="backend_unavailable", message="Try again later."), 503
        for event in events:
            emit(event)
        return jsonify(ok=True, topic=topic, events=[e.kind for e in events]), 200

    return blueprint


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None
