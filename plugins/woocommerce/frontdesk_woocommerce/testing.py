"""FakeWooCommerce: a local stand-in for a WooCommerce shop's REST API, for tests (yours and ours).

A real HTTP (or HTTPS) server on a real port; the real ``WooCommerce`` client library is pointed at it.

What it reproduces, with the documentation it follows:

* REST ``/wp-json/wc/v3``: ``products`` (``search``, ``sku``, ``stock_status``, ``status``), ``products/<id>``,
  ``products/<id>/variations``, ``orders`` (``search``), ``orders/<id>`` (GET/PUT), ``POST orders`` (with
  ``payment_url``), ``orders/<id>/notes``, ``orders/batch``, ``data/currencies/current``
  (https://woocommerce.github.io/woocommerce-rest-api-docs/ — Products, Product variations, Orders,
  Order notes, Data).
* Pagination with ``page``/``per_page`` (1–100) and the ``X-WP-Total`` / ``X-WP-TotalPages`` headers
  (https://woocommerce.github.io/woocommerce-rest-api-docs/#pagination).
* Errors as ``{"code", "message", "data": {"status"}}``, e.g. ``woocommerce_rest_shop_order_invalid_id``
  (https://woocommerce.github.io/woocommerce-rest-api-docs/#errors).
* Authentication (https://woocommerce.github.io/woocommerce-rest-api-docs/#authentication and
  WooCommerce's ``class-wc-rest-authentication.php``): over **https** HTTP Basic with the consumer key and
  secret; over plain **http** OAuth 1.0a "one-legged" — the signature is recomputed here exactly as
  WooCommerce does (method & rawurlencoded base URL & sorted, RFC 3986-encoded, double-encoded params;
  HMAC-SHA1/SHA256 keyed with ``consumer_secret&``), the timestamp must be within 15 minutes and a nonce
  is accepted once. Read-only keys get 401 on writes.
* Shipment Tracking extension: ``/wp-json/wc-shipment-tracking/v3/orders/<id>/shipment-trackings``
  (https://woocommerce.com/document/shipment-tracking/#section-9, REST API); switch it off with
  ``shipment_tracking=False`` to get ``rest_no_route`` like a shop without the extension.
* Webhooks: ``X-WC-Webhook-Signature`` = base64 HMAC-SHA256 of the raw body with the webhook's secret, plus
  ``X-WC-Webhook-Topic``, ``-Resource``, ``-Event``, ``-ID``, ``-Delivery-ID``, ``-Source``
  (https://woocommerce.com/document/webhooks/ and ``WC_Webhook::deliver``).

Failure injection: :meth:`fail_next` (5xx), :meth:`rate_limit_next` (429 + ``Retry-After``, as hosts and
firewalls in front of WordPress send), :attr:`delay`.

``FakeWooCommerce.seeded(tls=True)`` serves https with a self-signed certificate generated on the spot
(``cryptography``); :attr:`ca_file` is the certificate to trust.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import itertools
import json
import math
import os
import secrets
import ssl
import tempfile
import threading
import time
import urllib.parse
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

API_PREFIX = "/wp-json/wc/v3/"
TRACKING_PREFIX = "/wp-json/wc-shipment-tracking/v3/"
OAUTH_WINDOW = 15 * 60  # WC_REST_Authentication::check_oauth_timestamp_and_nonce


def sign_webhook(body: bytes, secret: str) -> str:
    """The ``X-WC-Webhook-Signature`` value: base64 of HMAC-SHA256(secret, raw body)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _rfc3986(value: str) -> str:
    # PHP rawurlencode: everything but unreserved characters, with "~" kept (wc_rest_urlencode_rfc3986).
    return urllib.parse.quote(value, safe="~")


def oauth_signature(method: str, base_url: str, params: dict[str, str], secret: str, algorithm: str) -> str:
    """The signature WooCommerce computes in ``check_oauth_signature`` (without ``oauth_signature`` itself)."""
    pairs = sorted((k, v) for k, v in params.items() if k != "oauth_signature")
    normalised = [(_rfc3986(k), _rfc3986(v)) for k, v in pairs]
    query = "%26".join(_rfc3986(f"{k}={v}") for k, v in normalised)
    string_to_sign = f"{method.upper()}&{_rfc3986(base_url)}&{query}"
    digest = hashlib.sha256 if algorithm == "HMAC-SHA256" else hashlib.sha1
    return base64.b64encode(hmac.new(f"{secret}&".encode(), string_to_sign.encode(), digest).digest()).decode()


def _error(status: int, code: str, message: str, **data: Any) -> tuple[int, dict[str, Any]]:
    return status, {"code": code, "message": message, "data": {"status": status, **data}}


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None).isoformat()


def _slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


class FakeWooCommerce:
    """A fake WooCommerce shop on ``http(s)://127.0.0.1:<port>``. Start with :meth:`start` or ``with``."""

    def __init__(self, *, consumer_key: str = "ck_fake0000000000000000000000000000000000",
                 consumer_secret: str = "cs_fake0000000000000000000000000000000000", permissions: str = "read_write",
                 webhook_secret: str = "wc-webhook-secret", currency: str = "GBP", tls: bool = False,
                 shipment_tracking: bool = True):
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.permissions = permissions
        self.webhook_secret = webhook_secret
        self.currency = currency
        self.tls = tls
        self.shipment_tracking = shipment_tracking
        self.products: dict[int, dict[str, Any]] = {}
        self.variations: dict[int, list[dict[str, Any]]] = {}
        self.orders: dict[int, dict[str, Any]] = {}
        self.notes: dict[int, list[dict[str, Any]]] = {}
        self.trackings: dict[int, list[dict[str, Any]]] = {}
        self.requests: list[dict[str, Any]] = []
        """Every API request answered: ``{"method", "path", "auth", "status"}`` (auth: basic / oauth / none)."""
        self.delay = 0.0
        self.ca_file: str | None = None
        self._nonces: set[str] = set()
        self._failures: list[tuple[int, dict[str, str], dict[str, Any]]] = []
        self._ids = itertools.count(101)
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> "FakeWooCommerce":
        if self._server is not None:  # seeded() already started it
            return self
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        if self.tls:
            self._tmp = tempfile.TemporaryDirectory()
            cert, key = _self_signed_certificate(self._tmp.name)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.ca_file = cert
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         name="fake-woocommerce", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> "FakeWooCommerce":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        scheme = "https" if self.tls else "http"
        # "localhost" over TLS so the certificate's name matches; 127.0.0.1 for plain http.
        host = "localhost" if self.tls else "127.0.0.1"
        return f"{scheme}://{host}:{self._server.server_address[1]}"

    def plugin_settings(self, **overrides: Any) -> dict[str, Any]:
        """A ``[plugins.woocommerce]`` table that points the real plugin at this fake."""
        settings: dict[str, Any] = {"url": self.url, "consumer_key": self.consumer_key,
                                    "consumer_secret": self.consumer_secret, "webhook_secret": self.webhook_secret,
                                    "timeout": 2.0, "retry_base_delay": 0.02}
        if self.ca_file:
            settings["ca_bundle"] = self.ca_file
        settings.update(overrides)
        return settings

    # --- seeding ----------------------------------------------------------------------------------

    def add_product(self, name: str, price: str, *, attributes: dict[str, list[str]] | None = None, stock: int = 5,
                    stock_overrides: dict[str, int] | None = None, tags: list[str] | None = None,
                    description: str = "", image: str | None = None, sku: str | None = None,
                    status: str = "publish") -> dict[str, Any]:
        """A simple product, or a variable one with a variation per combination of ``attributes``."""
        with self._lock:
            pid = next(self._ids)
            sku = sku or "".join(w[0] for w in name.upper().split())
            product = {
                "id": pid, "name": name, "slug": _slug(name), "permalink": f"{self.url}/product/{_slug(name)}/",
                "type": "variable" if attributes else "simple", "status": status, "sku": sku,
                "price": price, "regular_price": price, "sale_price": "",
                "description": f"<p>{description}</p>", "short_description": f"<p>{description}</p>",
                "stock_quantity": None if attributes else stock, "manage_stock": not attributes,
                "stock_status": "instock" if (attributes or stock > 0) else "outofstock",
                "purchasable": True, "tags": [{"id": i, "name": t, "slug": _slug(t)} for i, t in enumerate(tags or [])],
                "images": [{"id": pid * 10, "src": image, "name": name, "alt": name}] if image else [],
                "attributes": [{"id": 0, "name": n, "position": i, "visible": True, "variation": True, "options": v}
                               for i, (n, v) in enumerate((attributes or {}).items())],
                "variations": [], "date_created_gmt": _now(),
            }
            self.products[pid] = product
            if attributes:
                import itertools as it

                names = list(attributes)
                for combo in it.product(*attributes.values()):
                    title = " / ".join(combo)
                    quantity = (stock_overrides or {}).get(title, stock)
                    vid = next(self._ids)
                    self.variations.setdefault(pid, []).append({
                        "id": vid, "sku": "-".join([sku, *combo]).upper(), "price": price, "regular_price": price,
                        "sale_price": "", "permalink": f"{product['permalink']}?" + "&".join(
                            f"attribute_{_slug(n)}={urllib.parse.quote(v)}" for n, v in zip(names, combo)),
                        "stock_quantity": quantity, "manage_stock": True,
                        "stock_status": "instock" if quantity > 0 else "outofstock", "purchasable": True,
                        "attributes": [{"id": 0, "name": n, "option": v} for n, v in zip(names, combo)],
                        "image": {"src": image} if image else None,
                    })
                    product["variations"].append(vid)
                if all(v["stock_status"] == "outofstock" for v in self.variations[pid]):
                    product["stock_status"] = "outofstock"
            return product

    def add_order(self, number: int, email: str, lines: list[tuple[str, int, str]], *, postcode: str = "",
                  status: str = "processing", tracking: dict[str, str] | None = None, note: str | None = None,
                  first_name: str = "", last_name: str = "") -> dict[str, Any]:
        """An order whose id is ``number``. ``tracking`` (``provider``, ``number``, ``link``) goes to the
        Shipment Tracking extension; ``note`` becomes a customer note."""
        with self._lock:
            total = sum(Decimal(p) * q for _, q, p in lines)
            address = {"first_name": first_name, "last_name": last_name, "company": "", "address_1": "1 High Street",
                       "address_2": "", "city": "London", "state": "", "postcode": postcode, "country": "GB"}
            order = {
                "id": number, "parent_id": 0, "number": str(number), "order_key": f"wc_order_{secrets.token_hex(6)}",
                "created_via": "checkout", "status": status, "currency": self.currency,
                "date_created_gmt": _now(), "total": f"{total:.2f}", "customer_id": 0,
                "billing": {**address, "email": email, "phone": ""}, "shipping": dict(address),
                "payment_method": "stripe", "line_items": [
                    {"id": next(self._ids), "name": t, "product_id": 0, "variation_id": 0, "quantity": q,
                     "subtotal": f"{Decimal(p) * q:.2f}", "total": f"{Decimal(p) * q:.2f}", "sku": "",
                     "price": float(p)} for t, q, p in lines],
                "refunds": [], "meta_data": [],
            }
            order["payment_url"] = self._payment_url(order)
            self.orders[number] = order
            if tracking:
                self.trackings[number] = [{"tracking_id": secrets.token_hex(8), "tracking_provider": tracking["provider"],
                                           "custom_tracking_provider": "", "custom_tracking_link": "",
                                           "tracking_link": tracking.get("link", ""),
                                           "tracking_number": tracking["number"],
                                           "date_shipped": dt.date.today().isoformat()}]
            if note:
                self.notes[number] = [{"id": next(self._ids), "author": "WooCommerce", "date_created_gmt": _now(),
                                       "note": note, "customer_note": True}]
            return order

    def _payment_url(self, order: dict[str, Any]) -> str:
        return f"{self.url}/checkout/order-pay/{order['id']}/?pay_for_order=true&key={order['order_key']}"

    @classmethod
    def seeded(cls, **kwargs: Any) -> "FakeWooCommerce":
        """A started-later fake with a small outdoor shop; seeding needs the URL, so it starts here."""
        fake = cls(**kwargs).start()
        fake.add_product("Trail Runner", "119.00", attributes={"Size": ["8", "9", "10", "11"], "Color": ["Blue", "Black"]},
                         stock=4, stock_overrides={"10 / Black": 0}, tags=["running", "shoes"],
                         description="Lightweight trail running shoe with a grippy outsole.",
                         image="https://cdn.example.test/trail-runner.jpg", sku="TR")
        fake.add_product("Trail Runner GTX", "139.00", attributes={"Size": ["9", "10"], "Color": ["Black"]}, stock=2,
                         tags=["running", "waterproof"], description="The Trail Runner with a waterproof membrane.",
                         sku="TRG")
        fake.add_product("Merino Beanie", "25.00", stock=0, tags=["hats"], description="Warm merino wool beanie.",
                         sku="MB")
        fake.add_product("Wool Hat", "22.00", stock=7, tags=["hats"], description="A warm wool hat.", sku="WH")
        fake.add_product("Camp Mug", "12.50", stock=30, tags=["camping"], description="Enamel camp mug.", sku="CM")
        fake.add_product("Secret Prototype", "99.00", stock=1, status="draft", sku="SP")
        fake.add_order(1001, "ann@example.com", [("Trail Runner - 10, Blue", 1, "119.00")], postcode="SW1A 1AA",
                       status="completed", first_name="Ann", last_name="Example",
                       tracking={"provider": "Royal Mail", "number": "RM123456785GB",
                                 "link": "https://www.royalmail.com/track-your-item#/tracking-results/RM123456785GB"})
        fake.add_order(1002, "bob@example.com", [("Camp Mug", 2, "12.50")], postcode="EH1 1YZ", status="processing")
        fake.add_order(1003, "cat@example.com", [("Wool Hat", 1, "22.00")], postcode="M1 1AE", status="completed",
                       note="Your order was shipped with DPD. Tracking number: 15501234567890 "
                            "https://track.dpd.co.uk/parcels/15501234567890")
        fake.add_order(1004, "dan@example.com", [("Merino Beanie", 1, "25.00")], postcode="B1 1AA", status="cancelled")
        return fake

    # --- failure injection ------------------------------------------------------------------------

    def fail_next(self, count: int = 1, status: int = 503) -> None:
        with self._lock:
            self._failures.extend([(status, {}, {"code": "internal_server_error",
                                                 "message": "There has been a critical error on this website.",
                                                 "data": {"status": status}})] * count)

    def rate_limit_next(self, count: int = 1, retry_after: float = 1.0) -> None:
        with self._lock:
            self._failures.extend([(429, {"Retry-After": f"{retry_after:g}"},
                                    {"code": "too_many_requests", "message": "Too Many Requests",
                                     "data": {"status": 429}})] * count)

    def next_failure(self) -> tuple[int, dict[str, str], dict[str, Any]] | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    # --- webhooks ---------------------------------------------------------------------------------

    def send_webhook(self, url: str, topic: str, payload: dict[str, Any], *, delivery_id: str | None = None,
                     secret: str | None = None) -> tuple[int, dict[str, Any]]:
        """POST ``payload`` to ``url`` signed as WooCommerce signs it; returns ``(status, json body)``."""
        body = json.dumps(payload).encode()
        resource, event = topic.split(".", 1)
        headers = {
            "Content-Type": "application/json", "User-Agent": "WooCommerce/9.4.0 Hookshot (WordPress/6.7)",
            "X-WC-Webhook-Source": f"{self.url}/", "X-WC-Webhook-Topic": topic, "X-WC-Webhook-Resource": resource,
            "X-WC-Webhook-Event": event, "X-WC-Webhook-ID": "7",
            "X-WC-Webhook-Delivery-ID": delivery_id or str(next(self._ids)),
            "X-WC-Webhook-Signature": sign_webhook(body, self.webhook_secret if secret is None else secret),
        }
        response = requests.post(url, data=body, headers=headers, timeout=10)
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, {}

    def order_json(self, number: int) -> dict[str, Any]:
        """The order as the REST API (and ``order.updated`` webhooks) shows it."""
        order = dict(self.orders[number])
        if number in self.trackings:
            order["meta_data"] = order["meta_data"] + [{"id": 1, "key": "_wc_shipment_tracking_items",
                                                        "value": self.trackings[number]}]
        return order

    def product_json(self, name: str) -> dict[str, Any]:
        return dict(next(p for p in self.products.values() if p["name"] == name))

    # --- the REST API -------------------------------------------------------------------------------

    def authenticate(self, method: str, path: str, query: dict[str, str], authorization: str | None,
                     write: bool) -> tuple[int, dict[str, Any]] | str:
        """``"basic"``/``"oauth"`` when the request may go on, else an error answer (as WooCommerce words it)."""
        if self.tls:
            key, secret = query.get("consumer_key"), query.get("consumer_secret")
            if authorization and authorization.lower().startswith("basic "):
                try:
                    key, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
                except ValueError:
                    key = secret = None
            if not key:
                return _error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
            if key != self.consumer_key:
                return _error(401, "woocommerce_rest_authentication_error", "Consumer key is invalid.")
            if not hmac.compare_digest(secret or "", self.consumer_secret):
                return _error(401, "woocommerce_rest_authentication_error", "Consumer secret is invalid.")
            kind = "basic"
        else:
            if "oauth_consumer_key" not in query:
                # Basic auth is ignored over plain http: keys would travel in the clear.
                return _error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
            for name in ("oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature",
                         "oauth_signature_method"):
                if not query.get(name):
                    return _error(401, "woocommerce_rest_authentication_error",
                                  f"Missing OAuth parameter {name}", )
            if query["oauth_consumer_key"] != self.consumer_key:
                return _error(401, "woocommerce_rest_authentication_error", "Consumer key is invalid.")
            algorithm = query["oauth_signature_method"]
            if algorithm not in ("HMAC-SHA1", "HMAC-SHA256"):
                return _error(401, "woocommerce_rest_authentication_error",
                              "Invalid signature - signature method is invalid.")
            base_url = f"http://{self._host}{path}"
            expected = oauth_signature(method, base_url, query, self.consumer_secret, algorithm)
            given = query["oauth_signature"].replace(" ", "+")
            if not hmac.compare_digest(expected, given):
                return _error(401, "woocommerce_rest_authentication_error",
                              "Invalid signature - provided signature does not match.")
            try:
                stamp = int(query["oauth_timestamp"])
            except ValueError:
                stamp = 0
            if abs(time.time() - stamp) > OAUTH_WINDOW:
                return _error(401, "woocommerce_rest_authentication_error", "Invalid timestamp.")
            with self._lock:
                if query["oauth_nonce"] in self._nonces:
                    return _error(401, "woocommerce_rest_authentication_error",
                                  "Invalid nonce - nonce has already been used.")
                self._nonces.add(query["oauth_nonce"])
            kind = "oauth"
        if write and self.permissions == "read":
            return _error(401, "woocommerce_rest_authentication_error",
                          "The API key provided does not have write permissions.")
        if not write and self.permissions == "write":
            return _error(401, "woocommerce_rest_authentication_error",
                          "The API key provided does not have read permissions.")
        return kind

    @property
    def _host(self) -> str:
        assert self._server is not None
        return f"127.0.0.1:{self._server.server_address[1]}"

    def route(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any, dict[str, str]]:
        with self._lock:
            if path.startswith(TRACKING_PREFIX):
                parts = path[len(TRACKING_PREFIX):].strip("/").split("/")
                if not self.shipment_tracking or len(parts) != 3 or parts[0] != "orders" or parts[2] != "shipment-trackings":
                    return (*_error(404, "rest_no_route", "No route was found matching the URL and request method."), {})
                order_id = int(parts[1]) if parts[1].isdigit() else -1
                if order_id not in self.orders:
                    return (*_error(404, "woocommerce_rest_order_invalid_id", "Invalid order ID."), {})
                return 200, self.trackings.get(order_id, []), {}
            parts = path[len(API_PREFIX):].strip("/").split("/")
            if parts == ["products"] and method == "GET":
                return self._list(self._products(query), query)
            if len(parts) == 2 and parts[0] == "products" and method == "GET":
                product = self.products.get(_int(parts[1]))
                if not product:
                    return (*_error(404, "woocommerce_rest_product_invalid_id", "Invalid ID."), {})
                return 200, product, {}
            if len(parts) == 3 and parts[0] == "products" and parts[2] == "variations" and method == "GET":
                if _int(parts[1]) not in self.products:
                    return (*_error(404, "woocommerce_rest_product_invalid_id", "Invalid ID."), {})
                return self._list(self.variations.get(_int(parts[1]), []), query)
            if parts == ["orders"] and method == "GET":
                search = query.get("search", "").lower()
                found = [o for o in self.orders.values() if not search or search in json.dumps(
                    [o["number"], o["billing"], o["shipping"], [li["name"] for li in o["line_items"]]]).lower()]
                return self._list(sorted(found, key=lambda o: -o["id"]), query)
            if parts == ["orders"] and method == "POST":
                return self._create_order(body)
            if parts == ["orders", "batch"] and method == "POST":
                return 200, {"create": [], "update": [], "delete": []}, {}
            if len(parts) >= 2 and parts[0] == "orders":
                order = self.orders.get(_int(parts[1]))
                if not order:
                    return (*_error(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID."), {})
                if len(parts) == 2 and method == "GET":
                    return 200, self.order_json(order["id"]), {}
                if len(parts) == 2 and method == "PUT":
                    return self._update_order(order, body)
                if len(parts) == 3 and parts[2] == "notes" and method == "GET":
                    notes = self.notes.get(order["id"], [])
                    if query.get("type") == "customer":
                        notes = [n for n in notes if n["customer_note"]]
                    elif query.get("type") == "internal":
                        notes = [n for n in notes if not n["customer_note"]]
                    return 200, notes, {}
                if len(parts) == 3 and parts[2] == "notes" and method == "POST":
                    if not (body or {}).get("note"):
                        return (*_error(400, "rest_missing_callback_param", "Missing parameter(s): note",
                                        params=["note"]), {})
                    note = {"id": next(self._ids), "author": "system", "date_created_gmt": _now(),
                            "note": body["note"], "customer_note": bool(body.get("customer_note"))}
                    self.notes.setdefault(order["id"], []).append(note)
                    return 201, note, {}
            if parts == ["data", "currencies", "current"] and method == "GET":
                return 200, {"code": self.currency, "name": "Pound sterling", "symbol": "&pound;"}, {}
            return (*_error(404, "rest_no_route", "No route was found matching the URL and request method."), {})

    def _products(self, query: dict[str, str]) -> list[dict[str, Any]]:
        found = list(self.products.values())
        status = query.get("status", "any")
        if status != "any":
            found = [p for p in found if p["status"] == status]
        if query.get("search"):
            # WP_Query search: the phrase as a substring of title, excerpt or content.
            needle = query["search"].lower()
            found = [p for p in found if needle in (p["name"] + p["description"] + p["short_description"]).lower()]
        if query.get("sku"):
            skus = {s.strip() for s in query["sku"].split(",")}
            found = [p for p in found if p["sku"] in skus]
        if query.get("stock_status"):
            found = [p for p in found if p["stock_status"] == query["stock_status"]]
        if query.get("_fields"):
            keep = query["_fields"].split(",")
            found = [{k: p[k] for k in keep if k in p} for p in found]
        return found

    def _list(self, items: list[Any], query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        try:
            page, per_page = int(query.get("page", 1)), int(query.get("per_page", 10))
        except ValueError:
            return (*_error(400, "rest_invalid_param", "Invalid parameter(s): per_page"), {})
        if not 1 <= per_page <= 100:
            return (*_error(400, "rest_invalid_param", "Invalid parameter(s): per_page",
                            params={"per_page": "per_page must be between 1 (inclusive) and 100 (inclusive)"}), {})
        pages = max(math.ceil(len(items) / per_page), 1) if items else 0
        if page > max(pages, 1):
            return (*_error(400, "rest_post_invalid_page_number",
                            "The page number requested is larger than the number of pages available."), {})
        chunk = items[(page - 1) * per_page: page * per_page]
        return 200, chunk, {"X-WP-Total": str(len(items)), "X-WP-TotalPages": str(pages)}

    def _create_order(self, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        lines = []
        for item in body.get("line_items") or []:
            product = self.products.get(int(item.get("product_id") or 0))
            if not product:
                return (*_error(400, "woocommerce_rest_invalid_product_id", "Invalid product ID."), {})
            price = product["price"]
            name = product["name"]
            if product["type"] == "variable":
                variation = next((v for v in self.variations[product["id"]] if v["id"] == item.get("variation_id")), None)
                if variation is None:
                    return (*_error(400, "woocommerce_rest_invalid_variation_id", "Invalid variation ID."), {})
                price = variation["price"]
                name += " - " + ", ".join(a["option"] for a in variation["attributes"])
            lines.append((name, int(item.get("quantity", 1)), price))
        if not lines:
            return (*_error(400, "woocommerce_rest_required_product_reference_missing",
                            "Product ID or SKU is required."), {})
        number = max(self.orders, default=1000) + 1
        order = self.add_order(number, (body.get("billing") or {}).get("email", ""), lines,
                               status=body.get("status", "pending"))
        order["created_via"] = body.get("created_via", "rest-api")
        return 201, self.order_json(number), {}

    def _update_order(self, order: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        body = body or {}
        if "status" in body:
            allowed = {"pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed"}
            if body["status"] not in allowed:
                return (*_error(400, "rest_invalid_param", "Invalid parameter(s): status"), {})
            order["status"] = body["status"]
        if "shipping" in body:
            order["shipping"].update(body["shipping"])
        for meta in body.get("meta_data") or []:
            order["meta_data"] = [m for m in order["meta_data"] if m["key"] != meta["key"]] + [
                {"id": next(self._ids), "key": meta["key"], "value": meta["value"]}]
        return 200, self.order_json(order["id"]), {}


def _int(text: str) -> int:
    return int(text) if text.isdigit() else -1


def _self_signed_certificate(directory: str) -> tuple[str, str]:
    """A throwaway certificate for ``localhost`` and 127.0.0.1, made with ``cryptography``."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return cert_path, key_path


class _Handler(BaseHTTPRequestHandler):
    fake: FakeWooCommerce
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        split = urllib.parse.urlsplit(self.path)
        # PHP's $_GET keeps the last of repeated keys; the client sends its query twice in OAuth mode.
        query = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        path = split.path
        if not (path.startswith(API_PREFIX) or path.startswith(TRACKING_PREFIX)):
            return self._send(404, {"code": "rest_no_route", "message": "No route was found matching the URL and "
                                                                        "request method.", "data": {"status": 404}})
        if self.fake.delay:
            time.sleep(self.fake.delay)
        failure = self.fake.next_failure()
        if failure is not None:
            status, headers, body = failure
            self._record(method, path, "", status)
            return self._send(status, body, headers)
        auth = self.fake.authenticate(method, path, query, self.headers.get("Authorization"),
                                      write=method in ("POST", "PUT", "DELETE"))
        if not isinstance(auth, str):
            self._record(method, path, "", auth[0])
            return self._send(*auth)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return self._send(*_error(400, "rest_invalid_json", "Invalid JSON body passed."))
        status, payload, headers = self.fake.route(method, path, query, body)
        self._record(method, path, auth, status)
        self._send(status, payload, headers)

    def _record(self, method: str, path: str, auth: str, status: int) -> None:
        self.fake.requests.append({"method": method, "path": path, "auth": auth or "none", "status": status})

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def do_PUT(self) -> None:
        self._answer("PUT")
