"""FakeShopify: a local stand-in for a Shopify shop's Admin API, for tests (yours and ours).

A real HTTP server on a real port, so the real ``ShopifyAPI`` library (which talks through
``urllib``) is pointed at it unchanged. It executes real GraphQL against a schema that is a
slice of the Admin API (``fake_schema.graphql``, every type cited there), so a misspelt field
fails here as it would at Shopify.

What it reproduces, with the documentation it follows:

* Endpoint ``POST /admin/api/<version>/graphql.json`` with ``X-Shopify-Access-Token``;
  a bad token answers 401 ``{"errors": "[API] Invalid API key or access token ..."}``
  (https://shopify.dev/docs/api/usage/authentication, https://shopify.dev/docs/api/usage/response-codes).
* Client-credentials grant ``POST /admin/oauth/access_token`` with ``grant_type=client_credentials``,
  answering ``{"access_token", "scope", "expires_in"}``; tokens expire
  (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/client-credentials-grant).
* Calculated query cost and a leaky bucket: every answer carries
  ``extensions.cost = {requestedQueryCost, actualQueryCost, throttleStatus: {maximumAvailable,
  currentlyAvailable, restoreRate}}``; an over-budget query gets HTTP 200 with
  ``errors: [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]``
  (https://shopify.dev/docs/api/usage/limits, https://shopify.dev/docs/api/admin-graphql#rate-limits).
* Missing access scopes: ``errors[].extensions.code == "ACCESS_DENIED"`` with ``requiredAccess``
  (https://shopify.dev/docs/api/usage/access-scopes).
* Cursor pagination with ``first``/``after`` and ``pageInfo {hasNextPage endCursor}``
  (https://shopify.dev/docs/api/usage/pagination-graphql).
* Search syntax ``query: "trail runner"``, ``"sku:TR-10"``, ``"name:#1001"``, ``OR``
  (https://shopify.dev/docs/api/usage/search-syntax).
* Webhooks signed with the app's client secret: ``X-Shopify-Hmac-Sha256`` = base64 HMAC-SHA256 of the
  raw body, plus ``X-Shopify-Topic``, ``X-Shopify-Webhook-Id``, ``X-Shopify-Shop-Domain``
  (https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook).

Failure injection for honest-failure tests: :meth:`fail_next` (5xx), :meth:`rate_limit_next`
(HTTP 429 + ``Retry-After``), :meth:`throttle_next` (GraphQL ``THROTTLED``), :attr:`delay` (slow shop).

Usage::

    with FakeShopify.seeded() as shop:
        settings = shop.plugin_settings()      # the [plugins.shopify] table pointing at the fake
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import secrets
import shlex
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any

import graphql
from graphql import GraphQLError

DEFAULT_SCOPES = ("read_products", "read_inventory", "read_orders", "write_orders", "write_draft_orders")
SCOPE_FOR_ROOT_FIELD = {
    "products": "read_products",
    "product": "read_products",
    "orders": "read_orders",
    "order": "read_orders",
    "inventoryItem": "read_inventory",
    "draftOrderCreate": "write_draft_orders",
    "orderCancel": "write_orders",
    "orderUpdate": "write_orders",
    "tagsAdd": "write_orders",
}
MUTATION_COST = 10  # https://shopify.dev/docs/api/usage/limits#cost-calculation: mutations cost 10 points
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"

_SCHEMA: graphql.GraphQLSchema | None = None


def schema() -> graphql.GraphQLSchema:
    global _SCHEMA
    if _SCHEMA is None:
        sdl = resources.files("frontdesk_shopify").joinpath("fake_schema.graphql").read_text(encoding="utf-8")
        _SCHEMA = graphql.build_schema(sdl)
    return _SCHEMA


def sign_webhook(body: bytes, secret: str) -> str:
    """The ``X-Shopify-Hmac-Sha256`` value Shopify sends: base64 of HMAC-SHA256(secret, raw body)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _money(amount: Decimal | str, currency: str) -> dict[str, Any]:
    return {"amount": str(Decimal(str(amount)).quantize(Decimal("0.01"))), "currencyCode": currency}


def _bag(amount: Decimal | str, currency: str) -> dict[str, Any]:
    return {"shopMoney": _money(amount, currency), "presentmentMoney": _money(amount, currency)}


def _connection(items: list[dict[str, Any]], first: int | None, after: str | None) -> dict[str, Any]:
    """Relay connection with opaque cursors (base64 of the position), as Shopify's cursors are opaque."""
    if first is None:
        raise GraphQLError("you must provide one of first or last", extensions={"code": "BAD_REQUEST"})
    if first > 250:
        raise GraphQLError("The first argument must be less than or equal to 250", extensions={"code": "BAD_REQUEST"})
    start = 0
    if after:
        try:
            start = int(base64.urlsafe_b64decode(after.encode()).decode().split(":")[1]) + 1
        except Exception as exc:
            raise GraphQLError(f"Invalid cursor for current pagination sort.", extensions={"code": "BAD_REQUEST"}) from exc
    page = items[start:start + first]
    cursors = [base64.urlsafe_b64encode(f"pos:{start + i}".encode()).decode() for i in range(len(page))]
    return {
        "nodes": page,
        "edges": [{"cursor": c, "node": n} for c, n in zip(cursors, page)],
        "pageInfo": {
            "hasNextPage": start + first < len(items),
            "hasPreviousPage": start > 0,
            "startCursor": cursors[0] if cursors else None,
            "endCursor": cursors[-1] if cursors else None,
        },
    }


# --- search syntax ------------------------------------------------------------------


def _terms(query: str) -> list[list[str]]:
    """``a b OR c`` → ``[["a", "b"], ["c"]]`` (AND inside a group, OR between groups)."""
    query = query.replace("(", " ").replace(")", " ")
    try:
        tokens = shlex.split(query)
    except ValueError:
        tokens = query.split()
    groups: list[list[str]] = [[]]
    for token in tokens:
        if token == "OR":
            groups.append([])
        elif token != "AND":
            groups[-1].append(token)
    return [g for g in groups if g]


def _word_match(term: str, text: str) -> bool:
    words = "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()
    term = term.lower()
    if term.endswith("*"):
        return any(w.startswith(term[:-1]) for w in words)
    return term in words or (" " in term and term in text.lower())


def _matches(groups: list[list[str]], fields: dict[str, list[str]], default_fields: tuple[str, ...]) -> bool:
    if not groups:
        return True
    for group in groups:
        ok = True
        for term in group:
            negate = term.startswith("-")
            term = term.lstrip("-")
            if ":" in term:
                name, value = term.split(":", 1)
                values = fields.get(name, [])
                hit = any(v.lower() == value.lower() or (value.endswith("*") and v.lower().startswith(value[:-1].lower()))
                          for v in values)
            else:
                hit = any(_word_match(term, text) for f in default_fields for text in fields.get(f, []))
            if hit == negate:
                ok = False
                break
        if ok:
            return True
    return False


# --- shop data ------------------------------------------------------------------------


@dataclass
class FakeVariant:
    id: int
    product_id: int
    title: str
    options: list[tuple[str, str]]
    price: Decimal
    sku: str
    inventory: int
    inventory_item_id: int
    tracked: bool = True


@dataclass
class FakeProduct:
    id: int
    title: str
    handle: str
    description: str = ""
    tags: list[str] = field(default_factory=list)
    vendor: str = "Frontdesk Test"
    product_type: str = ""
    image_url: str | None = None
    status: str = "ACTIVE"
    published: bool = True
    variants: list[FakeVariant] = field(default_factory=list)


@dataclass
class FakeFulfillment:
    id: int
    company: str = ""
    number: str = ""
    url: str = ""
    display_status: str = "IN_TRANSIT"
    """FulfillmentDisplayStatus: IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED, FULFILLED, ..."""
    created_at: str = field(default_factory=_now_iso)


@dataclass
class FakeOrder:
    id: int
    number: int
    email: str
    lines: list[dict[str, Any]]
    zip: str = ""
    phone: str = ""
    customer_name: str = ""
    address1: str = ""
    city: str = ""
    country: str = "United Kingdom"
    financial_status: str = "PAID"
    fulfillment_status: str = "UNFULFILLED"
    fulfillments: list[FakeFulfillment] = field(default_factory=list)
    cancelled_at: str | None = None
    tags: list[str] = field(default_factory=list)
    note: str = ""
    created_at: str = field(default_factory=_now_iso)

    @property
    def name(self) -> str:
        return f"#{self.number}"


class FakeShopify:
    """A fake Shopify shop on ``http://127.0.0.1:<port>``. Start with :meth:`start` or ``with``."""

    def __init__(self, *, shop: str = "frontdesk-test", access_token: str = "shpat_fake_token",
                 client_id: str = "fake-client-id", client_secret: str = "shpss_fake_secret",
                 scopes: tuple[str, ...] = DEFAULT_SCOPES, currency: str = "GBP",
                 bucket_size: float = 2000.0, restore_rate: float = 100.0, token_lifetime: int = 86399):
        self.shop = shop
        self.domain = f"{shop}.myshopify.com"
        self.access_tokens: dict[str, float | None] = {access_token: None}  # token → expiry (monotonic) or None
        self.static_token = access_token
        self.client_id = client_id
        self.client_secret = client_secret
        self.scopes = tuple(scopes)
        self.currency = currency
        self.bucket_size = bucket_size
        self.restore_rate = restore_rate
        self.token_lifetime = token_lifetime
        self.products: list[FakeProduct] = []
        self.orders: list[FakeOrder] = []
        self.draft_orders: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        """Every request the fake answered: ``{"method", "path", "operation", "status"}``."""
        self.delay = 0.0
        """Seconds to wait before answering each API request (to make clients time out)."""
        self._ids = itertools.count(1001)
        self._lock = threading.RLock()
        self._bucket = bucket_size
        self._bucket_at = time.monotonic()
        self._failures: list[tuple[int, dict[str, str], str]] = []
        self._throttles = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------

    def start(self) -> "FakeShopify":
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-shopify", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeShopify":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the fake first"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def plugin_settings(self, **overrides: Any) -> dict[str, Any]:
        """A ``[plugins.shopify]`` table that points the real plugin at this fake."""
        settings = {
            "shop": self.domain,
            "api_version": "2025-10",
            "access_token": self.static_token,
            "webhook_secret": self.client_secret,
            "api_base_url": self.url,
            "timeout": 2.0,
            "retry_base_delay": 0.02,
        }
        settings.update(overrides)
        return settings

    # --- seeding -----------------------------------------------------------------

    def add_product(self, title: str, price: str | Decimal, *, options: dict[str, list[str]] | None = None,
                    stock: int = 5, stock_overrides: dict[str, int] | None = None, tags: list[str] | None = None,
                    description: str = "", image_url: str | None = None, sku_prefix: str | None = None,
                    published: bool = True) -> FakeProduct:
        """Add a product; every combination of ``options`` becomes a variant titled ``"10 / Blue"``."""
        with self._lock:
            product = FakeProduct(id=next(self._ids), title=title, handle=_handle(title), description=description,
                                  tags=list(tags or []), image_url=image_url, published=published)
            options = options or {}
            names = list(options)
            combos = list(itertools.product(*options.values())) if options else [()]
            prefix = sku_prefix or "".join(w[0] for w in title.upper().split())
            for combo in combos:
                vtitle = " / ".join(combo) if combo else "Default Title"
                variant = FakeVariant(
                    id=next(self._ids), product_id=product.id, title=vtitle,
                    options=list(zip(names, combo)) if combo else [("Title", "Default Title")],
                    price=Decimal(str(price)), sku="-".join([prefix, *combo]).upper().replace(" ", ""),
                    inventory=(stock_overrides or {}).get(vtitle, stock), inventory_item_id=next(self._ids),
                )
                product.variants.append(variant)
            self.products.append(product)
            return product

    def add_order(self, number: int, email: str, lines: list[tuple[str, int, str]], *, zip: str = "",
                  financial_status: str = "PAID", fulfillment_status: str = "UNFULFILLED",
                  tracking: list[dict[str, str]] | None = None, cancelled: bool = False, customer_name: str = "",
                  address1: str = "1 High Street", city: str = "London", phone: str = "") -> FakeOrder:
        """Add an order. ``lines`` are ``(title, quantity, unit price)``; ``tracking`` items have
        ``company``, ``number``, ``url`` and optionally ``display_status`` (``IN_TRANSIT``, ``DELIVERED``)."""
        with self._lock:
            order = FakeOrder(
                id=next(self._ids), number=number, email=email, zip=zip, phone=phone, customer_name=customer_name,
                address1=address1, city=city, financial_status=financial_status,
                fulfillment_status=fulfillment_status, cancelled_at=_now_iso() if cancelled else None,
                lines=[{"id": next(self._ids), "title": t, "quantity": q, "price": Decimal(p), "sku": ""}
                       for t, q, p in lines],
            )
            for info in tracking or []:
                order.fulfillments.append(FakeFulfillment(
                    id=next(self._ids), company=info.get("company", ""), number=info.get("number", ""),
                    url=info.get("url", ""), display_status=info.get("display_status", "IN_TRANSIT")))
            self.orders.append(order)
            return order

    @classmethod
    def seeded(cls, **kwargs: Any) -> "FakeShopify":
        """A fake with a small outdoor shop: sized and coloured shoes, an out-of-stock hat, four orders."""
        fake = cls(**kwargs)
        fake.add_product("Trail Runner", "119.00", options={"Size": ["8", "9", "10", "11"], "Color": ["Blue", "Black"]},
                         stock=4, stock_overrides={"10 / Black": 0}, tags=["running", "shoes", "trail"],
                         description="Lightweight trail running shoe with a grippy outsole.",
                         image_url="https://cdn.example.test/trail-runner.jpg", sku_prefix="TR")
        fake.add_product("Trail Runner GTX", "139.00", options={"Size": ["9", "10"], "Color": ["Black"]},
                         stock=2, tags=["running", "shoes", "waterproof"],
                         description="The Trail Runner with a waterproof membrane.", sku_prefix="TRG")
        fake.add_product("Merino Beanie", "25.00", options={"Color": ["Grey"]}, stock=0, tags=["hats", "wool"],
                         description="Warm merino wool beanie.", sku_prefix="MB")
        fake.add_product("Wool Hat", "22.00", stock=7, tags=["hats", "wool"], description="A warm wool hat.",
                         sku_prefix="WH")
        fake.add_product("Camp Mug", "12.50", stock=30, tags=["camping"], description="Enamel camp mug.",
                         sku_prefix="CM")
        fake.add_order(1001, "ann@example.com", [("Trail Runner - 10 / Blue", 1, "119.00")], zip="SW1A 1AA",
                       customer_name="Ann Example", fulfillment_status="FULFILLED",
                       tracking=[{"company": "UPS", "number": "1Z999AA10123456784",
                                  "url": "https://www.ups.com/track?tracknum=1Z999AA10123456784"}])
        fake.add_order(1002, "bob@example.com", [("Camp Mug", 2, "12.50")], zip="EH1 1YZ", customer_name="Bob Test")
        fake.add_order(1003, "cat@example.com", [("Wool Hat", 1, "22.00")], zip="M1 1AE", customer_name="Cat Test",
                       fulfillment_status="FULFILLED",
                       tracking=[{"company": "Royal Mail", "number": "RM123456785GB",
                                  "url": "https://www.royalmail.com/track-your-item#/tracking-results/RM123456785GB",
                                  "display_status": "DELIVERED"}])
        fake.add_order(1004, "dan@example.com", [("Merino Beanie - Grey", 1, "25.00")], zip="B1 1AA",
                       customer_name="Dan Test", cancelled=True, financial_status="REFUNDED")
        return fake

    def product(self, title: str) -> FakeProduct:
        return next(p for p in self.products if p.title == title)

    def order(self, number: int) -> FakeOrder:
        return next(o for o in self.orders if o.number == number)

    # --- failure injection ---------------------------------------------------------

    def fail_next(self, count: int = 1, status: int = 503, body: str = '{"errors":"Service Unavailable"}') -> None:
        """The next ``count`` API requests answer ``status`` (Shopify answers 5xx as JSON ``errors``)."""
        with self._lock:
            self._failures.extend([(status, {}, body)] * count)

    def rate_limit_next(self, count: int = 1, retry_after: float = 1.0) -> None:
        """The next ``count`` API requests answer 429 with ``Retry-After`` (seconds, as Shopify sends)."""
        body = '{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}'
        with self._lock:
            self._failures.extend([(429, {"Retry-After": f"{retry_after:.1f}"}, body)] * count)

    def throttle_next(self, count: int = 1) -> None:
        """The next ``count`` GraphQL requests are THROTTLED (HTTP 200, ``errors[].extensions.code``)."""
        with self._lock:
            self._throttles += count

    def expire_tokens(self) -> None:
        """Expire every client-credentials token now (the static custom-app token stays valid)."""
        with self._lock:
            for token, expiry in list(self.access_tokens.items()):
                if expiry is not None:
                    self.access_tokens[token] = 0.0

    # --- webhooks ------------------------------------------------------------------

    def send_webhook(self, url: str, topic: str, payload: dict[str, Any], *, webhook_id: str | None = None,
                     secret: str | None = None, api_version: str = "2025-10") -> tuple[int, dict[str, Any]]:
        """POST ``payload`` to ``url`` signed as Shopify signs it; returns ``(status, json body)``."""
        body = json.dumps(payload).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": sign_webhook(body, secret if secret is not None else self.client_secret),
            "X-Shopify-Shop-Domain": self.domain,
            "X-Shopify-API-Version": api_version,
            "X-Shopify-Webhook-Id": webhook_id or secrets.token_hex(16),
            "X-Shopify-Triggered-At": _now_iso(),
            "X-Shopify-Event-Id": secrets.token_hex(8),
        }
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def order_webhook_payload(self, number: int) -> dict[str, Any]:
        """The REST-shaped order payload of ``orders/fulfilled`` and ``orders/updated``
        (https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-orders/fulfilled)."""
        order = self.order(number)
        return {
            "id": order.id,
            "admin_graphql_api_id": f"gid://shopify/Order/{order.id}",
            "name": order.name,
            "order_number": order.number,
            "email": order.email,
            "contact_email": order.email,
            "financial_status": order.financial_status.lower(),
            "fulfillment_status": "fulfilled" if order.fulfillment_status == "FULFILLED" else None,
            "order_status_url": self._status_url(order),
            "shipping_address": {"zip": order.zip, "address1": order.address1, "city": order.city},
            "fulfillments": [
                {"id": f.id, "order_id": order.id, "name": f"{order.name}.{i + 1}", "status": "success",
                 "shipment_status": f.display_status.lower(), "tracking_company": f.company,
                 "tracking_number": f.number, "tracking_numbers": [f.number], "tracking_url": f.url,
                 "tracking_urls": [f.url]}
                for i, f in enumerate(order.fulfillments)
            ],
        }

    def fulfillment_webhook_payload(self, number: int, shipment_status: str = "delivered") -> dict[str, Any]:
        """The REST Fulfillment payload of ``fulfillments/update``
        (https://shopify.dev/docs/api/admin-rest/latest/resources/fulfillment)."""
        order = self.order(number)
        f = order.fulfillments[0]
        return {
            "id": f.id, "order_id": order.id, "name": f"{order.name}.1", "status": "success",
            "shipment_status": shipment_status, "email": order.email, "tracking_company": f.company,
            "tracking_number": f.number, "tracking_numbers": [f.number], "tracking_url": f.url,
            "tracking_urls": [f.url], "admin_graphql_api_id": f"gid://shopify/Fulfillment/{f.id}",
        }

    def inventory_webhook_payload(self, product_title: str, variant_title: str, available: int) -> dict[str, Any]:
        """Set a variant's stock and return the ``inventory_levels/update`` payload
        (https://shopify.dev/docs/api/admin-rest/latest/resources/inventorylevel)."""
        variant = next(v for v in self.product(product_title).variants if v.title == variant_title)
        variant.inventory = available
        return {"inventory_item_id": variant.inventory_item_id, "location_id": 1, "available": available,
                "updated_at": _now_iso(),
                "admin_graphql_api_id": f"gid://shopify/InventoryLevel/1?inventory_item_id={variant.inventory_item_id}"}

    # --- GraphQL -------------------------------------------------------------------

    def _status_url(self, order: FakeOrder) -> str:
        return f"https://{self.domain}/{order.id}/orders/{hashlib.sha1(str(order.id).encode()).hexdigest()[:32]}/authenticate?key=fake"

    def _product_node(self, product: FakeProduct) -> dict[str, Any]:
        variants = [self._variant_node(product, v) for v in product.variants]
        prices = [v.price for v in product.variants] or [Decimal("0")]
        return {
            "id": f"gid://shopify/Product/{product.id}",
            "legacyResourceId": str(product.id),
            "title": product.title,
            "handle": product.handle,
            "description": product.description,
            "status": product.status,
            "tags": product.tags,
            "vendor": product.vendor,
            "productType": product.product_type,
            "onlineStoreUrl": f"https://{self.domain}/products/{product.handle}" if product.published else None,
            "totalInventory": sum(max(v.inventory, 0) for v in product.variants),
            "tracksInventory": True,
            "priceRangeV2": {"minVariantPrice": _money(min(prices), self.currency),
                             "maxVariantPrice": _money(max(prices), self.currency)},
            "featuredMedia": ({"id": f"gid://shopify/MediaImage/{product.id}",
                               "preview": {"image": {"url": product.image_url, "altText": product.title}}}
                              if product.image_url else None),
            "variants": lambda info, first=None, after=None: _connection(variants, first, after),
        }

    def _variant_node(self, product: FakeProduct, variant: FakeVariant) -> dict[str, Any]:
        def inventory_quantity(info: Any) -> int:
            if "read_inventory" not in self.scopes:
                raise _access_denied("inventoryQuantity", "read_inventory")
            return variant.inventory

        node: dict[str, Any] = {
            "id": f"gid://shopify/ProductVariant/{variant.id}",
            "legacyResourceId": str(variant.id),
            "title": variant.title,
            "sku": variant.sku,
            "price": str(variant.price.quantize(Decimal("0.01"))),
            "inventoryQuantity": inventory_quantity,
            "availableForSale": variant.inventory > 0 or not variant.tracked,
            "selectedOptions": [{"name": n, "value": v} for n, v in variant.options],
            "product": lambda info: self._product_node(product),
        }
        node["inventoryItem"] = {"id": f"gid://shopify/InventoryItem/{variant.inventory_item_id}",
                                 "legacyResourceId": str(variant.inventory_item_id), "tracked": variant.tracked,
                                 "variant": node}
        return node

    def _order_node(self, order: FakeOrder) -> dict[str, Any]:
        address = {"name": order.customer_name, "address1": order.address1, "address2": None, "city": order.city,
                   "province": None, "zip": order.zip, "country": order.country, "phone": order.phone,
                   "formatted": lambda info, withName=False, withCompany=False: [
                       x for x in ([order.customer_name] if withName else []) + [order.address1, order.city,
                                                                                  order.zip, order.country] if x]}
        total = sum((line["price"] * line["quantity"] for line in order.lines), Decimal("0"))
        lines = [{"id": f"gid://shopify/LineItem/{line['id']}", "title": line["title"].split(" - ")[0],
                  "variantTitle": line["title"].split(" - ")[1] if " - " in line["title"] else None,
                  "quantity": line["quantity"], "sku": line["sku"],
                  "originalUnitPriceSet": _bag(line["price"], self.currency)} for line in order.lines]
        fulfillments = [{
            "id": f"gid://shopify/Fulfillment/{f.id}", "name": f"{order.name}.{i + 1}", "status": "SUCCESS",
            "displayStatus": f.display_status, "createdAt": f.created_at,
            "deliveredAt": f.created_at if f.display_status == "DELIVERED" else None,
            "trackingInfo": lambda info, first=None, f=f: [{"company": f.company, "number": f.number,
                                                            "url": f.url}][: first or None],
        } for i, f in enumerate(order.fulfillments)]
        return {
            "id": f"gid://shopify/Order/{order.id}",
            "legacyResourceId": str(order.id),
            "name": order.name,
            "email": order.email,
            "phone": order.phone or None,
            "createdAt": order.created_at,
            "cancelledAt": order.cancelled_at,
            "closed": order.cancelled_at is not None,
            "tags": order.tags,
            "note": order.note or None,
            "displayFinancialStatus": order.financial_status,
            "displayFulfillmentStatus": order.fulfillment_status,
            "statusPageUrl": self._status_url(order),
            "currencyCode": self.currency,
            "totalPriceSet": _bag(total, self.currency),
            "customer": {"id": f"gid://shopify/Customer/{order.id + 50000}", "displayName": order.customer_name,
                         "email": order.email} if order.customer_name else None,
            "shippingAddress": address,
            "billingAddress": address,
            "lineItems": lambda info, first=None, after=None: _connection(lines, first, after),
            "fulfillments": lambda info, first=None: fulfillments[: first or None],
        }

    def _find_gid(self, gid: str, kind: str) -> int | None:
        prefix = f"gid://shopify/{kind}/"
        if not gid.startswith(prefix):
            return None
        try:
            return int(gid[len(prefix):].split("?")[0])
        except ValueError:
            return None

    def _root(self) -> dict[str, Any]:
        def products(info: Any, first: int | None = None, after: str | None = None, query: str | None = None,
                     sortKey: str | None = None, reverse: bool = False) -> dict[str, Any]:
            groups = _terms(query or "")
            found = [self._product_node(p) for p in self.products if _matches(groups, {
                "title": [p.title], "tag": p.tags, "tags": p.tags, "sku": [v.sku for v in p.variants],
                "vendor": [p.vendor], "product_type": [p.product_type], "status": [p.status.lower()],
                "handle": [p.handle], "body": [p.description],
            }, ("title", "tag", "vendor", "product_type", "sku"))]
            return _connection(found, first, after)

        def product(info: Any, id: str) -> dict[str, Any] | None:
            pid = self._find_gid(id, "Product")
            match = next((p for p in self.products if p.id == pid), None)
            return self._product_node(match) if match else None

        def orders(info: Any, first: int | None = None, after: str | None = None, query: str | None = None,
                   sortKey: str | None = None, reverse: bool = False) -> dict[str, Any]:
            groups = _terms((query or "").replace("name:#", "name:"))
            found = [self._order_node(o) for o in self.orders if _matches(groups, {
                "name": [str(o.number), o.name], "email": [o.email], "id": [str(o.id)],
            }, ("name", "email"))]
            return _connection(found, first, after)

        def order(info: Any, id: str) -> dict[str, Any] | None:
            oid = self._find_gid(id, "Order")
            match = next((o for o in self.orders if o.id == oid), None)
            return self._order_node(match) if match else None

        def inventory_item(info: Any, id: str) -> dict[str, Any] | None:
            iid = self._find_gid(id, "InventoryItem")
            for p in self.products:
                for v in p.variants:
                    if v.inventory_item_id == iid:
                        return self._variant_node(p, v)["inventoryItem"]
            return None

        def draft_order_create(info: Any, input: dict[str, Any]) -> dict[str, Any]:
            errors: list[dict[str, Any]] = []
            total = Decimal("0")
            for i, line in enumerate(input.get("lineItems") or []):
                vid = self._find_gid(line.get("variantId") or "", "ProductVariant")
                variant = next((v for p in self.products for v in p.variants if v.id == vid), None)
                if variant is None:
                    errors.append({"field": ["lineItems", str(i), "variantId"], "message": "Variant not found"})
                    continue
                if line["quantity"] < 1:
                    errors.append({"field": ["lineItems", str(i), "quantity"],
                                   "message": "Quantity must be greater than or equal to 1"})
                total += variant.price * line["quantity"]
            if not input.get("lineItems"):
                errors.append({"field": ["lineItems"], "message": "Add at least 1 product"})
            if errors:
                return {"draftOrder": None, "userErrors": errors}
            draft_id = next(self._ids)
            token = secrets.token_hex(16)
            draft = {"id": f"gid://shopify/DraftOrder/{draft_id}", "name": f"#D{len(self.draft_orders) + 1}",
                     "invoiceUrl": f"https://{self.domain}/{draft_id}/invoices/{token}", "status": "OPEN",
                     "totalPriceSet": _bag(total, self.currency), "input": input}
            self.draft_orders.append(draft)
            return {"draftOrder": draft, "userErrors": []}

        def order_cancel(info: Any, orderId: str, reason: str, refund: bool, restock: bool,
                         notifyCustomer: bool = False, staffNote: str | None = None) -> dict[str, Any]:
            oid = self._find_gid(orderId, "Order")
            target = next((o for o in self.orders if o.id == oid), None)
            if target is None:
                return {"job": None, "userErrors": [], "orderCancelUserErrors": [
                    {"field": ["orderId"], "message": "Order does not exist", "code": "NOT_FOUND"}]}
            if target.cancelled_at:
                return {"job": None, "userErrors": [], "orderCancelUserErrors": [
                    {"field": ["orderId"], "message": "Order has already been cancelled", "code": "INVALID"}]}
            if target.fulfillment_status in ("FULFILLED", "PARTIALLY_FULFILLED"):
                return {"job": None, "userErrors": [], "orderCancelUserErrors": [
                    {"field": ["orderId"], "message": "Cannot cancel a fulfilled order", "code": "INVALID"}]}
            target.cancelled_at = _now_iso()
            if refund and target.financial_status == "PAID":
                target.financial_status = "REFUNDED"
            return {"job": {"id": f"gid://shopify/Job/{secrets.token_hex(8)}", "done": False},
                    "userErrors": [], "orderCancelUserErrors": []}

        def order_update(info: Any, input: dict[str, Any]) -> dict[str, Any]:
            oid = self._find_gid(input["id"], "Order")
            target = next((o for o in self.orders if o.id == oid), None)
            if target is None:
                return {"order": None, "userErrors": [{"field": ["id"], "message": "Order does not exist"}]}
            address = input.get("shippingAddress")
            if address:
                target.address1 = address.get("address1") or target.address1
                target.city = address.get("city") or target.city
                target.zip = address.get("zip") or target.zip
            if input.get("note") is not None:
                target.note = input["note"]
            if input.get("tags") is not None:
                target.tags = list(input["tags"])
            return {"order": self._order_node(target), "userErrors": []}

        def tags_add(info: Any, id: str, tags: list[str]) -> dict[str, Any]:
            oid = self._find_gid(id, "Order")
            target = next((o for o in self.orders if o.id == oid), None)
            if target is None:
                return {"node": None, "userErrors": [{"field": ["id"], "message": "Resource does not exist"}]}
            target.tags = sorted(set(target.tags) | set(tags))
            return {"node": {"id": id}, "userErrors": []}

        root: dict[str, Any] = {
            "shop": {"name": "Frontdesk Test Outfitters", "email": f"owner@{self.domain}",
                     "myshopifyDomain": self.domain, "currencyCode": self.currency,
                     "primaryDomain": {"host": self.domain, "url": f"https://{self.domain}"}},
            "currentAppInstallation": {"accessScopes": [{"handle": s, "description": s} for s in self.scopes]},
            "products": products, "product": product, "orders": orders, "order": order,
            "inventoryItem": inventory_item, "draftOrderCreate": draft_order_create,
            "orderCancel": order_cancel, "orderUpdate": order_update, "tagsAdd": tags_add,
        }
        # Root fields the token's scopes do not cover answer ACCESS_DENIED, field by field.
        for name, scope in SCOPE_FOR_ROOT_FIELD.items():
            if scope not in self.scopes:
                root[name] = _denied(name, scope)
        return root

    def _query_cost(self, document: graphql.DocumentNode, variables: dict[str, Any]) -> int:
        """Requested cost, per https://shopify.dev/docs/api/usage/limits#cost-calculation: objects cost 1,
        connections cost 2 plus ``first`` times their children, mutations cost 10."""

        def arg(node: graphql.FieldNode, name: str) -> Any:
            for a in node.arguments or ():
                if a.name.value == name:
                    return graphql.value_from_ast_untyped(a.value, variables)
            return None

        def cost(selection_set: graphql.SelectionSetNode | None) -> int:
            total = 0
            for sel in selection_set.selections if selection_set else ():
                if isinstance(sel, graphql.FieldNode) and sel.name.value in ("nodes", "edges", "node"):
                    total += cost(sel.selection_set)  # connection wrappers: their objects are counted below
                elif isinstance(sel, graphql.FieldNode) and sel.selection_set is not None:
                    first = arg(sel, "first")
                    inner = cost(sel.selection_set)
                    total += 2 + int(first) * inner if first else 1 + inner
                elif isinstance(sel, graphql.InlineFragmentNode):
                    total += cost(sel.selection_set)
            return total

        total = 0
        for definition in document.definitions:
            if isinstance(definition, graphql.OperationDefinitionNode):
                if definition.operation == graphql.OperationType.MUTATION:
                    total += MUTATION_COST
                else:
                    total += cost(definition.selection_set)
        return max(total, 1)

    def _throttle_status(self) -> dict[str, Any]:
        return {"maximumAvailable": self.bucket_size, "currentlyAvailable": int(self._bucket),
                "restoreRate": self.restore_rate}

    def execute(self, body: dict[str, Any]) -> dict[str, Any]:
        """Run one GraphQL request body as the Admin API would; returns the response JSON."""
        query = body.get("query")
        if not isinstance(query, str) or not query.strip():
            return {"errors": [{"message": "Parse error on \"\" (error) at [1, 1]",
                                "extensions": {"code": "BAD_REQUEST"}}]}
        variables = body.get("variables") or {}
        try:
            document = graphql.parse(query)
        except GraphQLError as exc:
            return {"errors": [{"message": exc.message, "locations": [l._asdict() for l in exc.locations or []]}]}
        problems = graphql.validate(schema(), document)
        if problems:
            return {"errors": [p.formatted for p in problems]}
        requested = self._query_cost(document, variables)
        with self._lock:
            now = time.monotonic()
            self._bucket = min(self.bucket_size, self._bucket + (now - self._bucket_at) * self.restore_rate)
            self._bucket_at = now
            throttled = self._throttles > 0 or requested > self._bucket
            if self._throttles > 0:
                self._throttles -= 1
            if requested > self.bucket_size:
                return {"errors": [{"message": f"Query cost is {requested}, which exceeds the single query max cost "
                                               f"limit ({int(self.bucket_size)}).",
                                    "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested,
                                                   "maxCost": int(self.bucket_size)}}]}
            if throttled:
                return {"errors": [{"message": "Throttled", "extensions": {
                            "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
                        "extensions": {"cost": {"requestedQueryCost": requested, "actualQueryCost": None,
                                                "throttleStatus": self._throttle_status()}}}
            self._bucket -= requested
            result = graphql.execute(schema(), document, root_value=self._root(), variable_values=variables,
                                     operation_name=body.get("operationName"))
            status = self._throttle_status()
        answer: dict[str, Any] = {}
        if result.errors:
            answer["errors"] = [e.formatted for e in result.errors]
        answer["data"] = result.data
        answer["extensions"] = {"cost": {"requestedQueryCost": requested, "actualQueryCost": requested,
                                         "throttleStatus": status}}
        return answer

    def issue_token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type",
                         "error_description": "The authorization grant type is not supported by the authorization server."}
        if form.get("client_id") != self.client_id or not hmac.compare_digest(
                form.get("client_secret", ""), self.client_secret):
            return 400, {"error": "invalid_client",
                         "error_description": "Client authentication failed due to unknown client or invalid credentials."}
        token = "shpat_" + secrets.token_hex(16)
        with self._lock:
            self.access_tokens[token] = time.monotonic() + self.token_lifetime
        return 200, {"access_token": token, "scope": ",".join(self.scopes), "expires_in": self.token_lifetime}

    def token_valid(self, token: str | None) -> bool:
        with self._lock:
            if token is None or token not in self.access_tokens:
                return False
            expiry = self.access_tokens[token]
            return expiry is None or expiry > time.monotonic()

    def next_failure(self) -> tuple[int, dict[str, str], str] | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None


def _access_denied(field_name: str, scope: str) -> GraphQLError:
    return GraphQLError(
        f"Access denied for {field_name} field. Required access: `{scope}` access scope.",
        extensions={"code": "ACCESS_DENIED", "documentation": "https://shopify.dev/api/usage/access-scopes",
                    "requiredAccess": f"`{scope}` access scope."},
    )


def _denied(field_name: str, scope: str) -> Any:
    def resolve(info: Any, **kwargs: Any) -> None:
        raise _access_denied(field_name, scope)

    return resolve


def _handle(title: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in title.lower()).split())


class _Handler(BaseHTTPRequestHandler):
    fake: FakeShopify
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _record(self, status: int, operation: str = "") -> None:
        self.fake.requests.append({"method": self.command, "path": self.path, "operation": operation,
                                   "status": status})

    def do_GET(self) -> None:
        self._record(404)
        self._send(404, {"errors": "Not Found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = urllib.parse.urlsplit(self.path).path
        if path == "/admin/oauth/access_token":
            ctype = self.headers.get("Content-Type", "")
            form = json.loads(raw or b"{}") if "json" in ctype else dict(urllib.parse.parse_qsl(raw.decode()))
            status, payload = self.fake.issue_token(form)
            self._record(status, "access_token")
            return self._send(status, payload)
        parts = path.strip("/").split("/")
        if len(parts) != 4 or parts[:2] != ["admin", "api"] or parts[3] != "graphql.json":
            self._record(404)
            return self._send(404, {"errors": "Not Found"})
        if self.fake.delay:
            time.sleep(self.fake.delay)
        failure = self.fake.next_failure()
        if failure is not None:
            status, headers, body = failure
            self._record(status)
            return self._send(status, body.encode(), headers)
        if not self.fake.token_valid(self.headers.get("X-Shopify-Access-Token")):
            self._record(401)
            return self._send(401, {"errors": INVALID_TOKEN})
        try:
            body = json.loads(raw)
            assert isinstance(body, dict)
        except Exception:
            self._record(400)
            return self._send(400, {"errors": {"query": "Required parameter missing or invalid"}})
        answer = self.fake.execute(body)
        self._record(200, body.get("operationName") or "")
        self._send(200, answer, {"X-Shopify-API-Version": parts[2]})
