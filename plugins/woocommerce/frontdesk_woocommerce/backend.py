"""WooCommerceBackend: the :class:`frontdesk.commerce.CommerceBackend` for a WooCommerce shop (REST wc/v3)."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from frontdesk.caching import TTLCache
from frontdesk.catalog_search import closest_titles, option_key, query_words
from frontdesk.commerce import (
    ActionNotAllowed,
    BackendUnavailable,
    CartLine,
    Checkout,
    Order,
    OrderLine,
    Product,
    Variant,
)
from frontdesk_woocommerce.client import TRACKING_API, WooClient, WooError
from frontdesk_woocommerce.config import WooConfig

REFUND_META = "_frontdesk_refund_requested"
# WooCommerce order statuses → the core's ORDER_STATUSES. "completed" means fulfilled and sent;
# "shipped"/"delivered" are custom statuses that shipping plugins commonly add.
STATUS_MAP = {
    "pending": "pending", "checkout-draft": "pending", "processing": "processing", "on-hold": "on-hold",
    "completed": "shipped", "shipped": "shipped", "delivered": "delivered", "cancelled": "cancelled",
    "failed": "cancelled", "refunded": "refunded",
}
TRACKING_IN_NOTE = re.compile(r"tracking (?:number|no\.?|#)?\s*(?:is\s*)?:?\s*([A-Z0-9]{8,40})", re.I)
URL_IN_NOTE = re.compile(r"https?://\S+")
CARRIER_IN_NOTE = re.compile(r"(?:shipped|sent|dispatched) (?:with|via|by) ([A-Z][\w&. -]{1,30}?)(?:[.,;]| with| tracking|$)", re.I)


class WooCommerceBackend:
    name = "woocommerce"

    def __init__(self, config: WooConfig, client: WooClient | None = None):
        self.config = config
        self.client = client or WooClient(config)
        self.cache = TTLCache(config.catalog_cache_seconds)
        self._has_tracking_extension: bool | None = None

    # --- products ------------------------------------------------------------------------

    def currency(self) -> str:
        if self.config.currency:
            return self.config.currency
        return self.cache.get_or_set("currency", lambda: self.client.get("data/currencies/current")["code"])

    def search_products(self, query: str, *, limit: int = 5) -> list[Product]:
        words = query_words(query)
        if not words:
            return []
        found = self._search(" ".join(words), limit)
        if not found:
            # Woo's search is a substring match on the whole phrase: "trail runer" finds nothing, so match
            # against the catalogue's names here and fetch the closest ones.
            for title in closest_titles(" ".join(words), self.catalog_names(), limit):
                found += [p for p in self._search(title, limit) if p.title == title and p not in found]
        return found[:limit]

    def _search(self, text: str, limit: int) -> list[Product]:
        def fetch() -> list[Product]:
            nodes = self.client.get("products", search=text, status="publish", per_page=max(min(limit, 100), 1))
            return [self._product(node) for node in nodes]

        return self.cache.get_or_set(("search", text, limit), fetch)

    def get_product(self, product_id: str) -> Product | None:
        def fetch() -> Product | None:
            try:
                return self._product(self.client.get(f"products/{int(str(product_id).split(':')[0])}"))
            except (WooError, ValueError):
                return None

        return self.cache.get_or_set(("product", product_id), fetch)

    def catalog_names(self) -> list[str]:
        return self.cache.get_or_set("catalog", lambda: [html.unescape(p["name"]) for p in self.client.get_all(
            "products", status="publish", _fields="id,name")])

    def _product(self, node: dict[str, Any]) -> Product:
        if node.get("type") == "variable":
            variations = self.client.get_all(f"products/{node['id']}/variations")
            variants = tuple(self._variation(node, v) for v in variations)
        else:
            variants = (Variant(id=str(node["id"]), title="Standard", options={}, price=_decimal(node.get("price")),
                                sku=node.get("sku") or "", inventory=node.get("stock_quantity"),
                                available=node.get("stock_status") in ("instock", "onbackorder")),)
        images = node.get("images") or []
        return Product(
            id=str(node["id"]),
            title=html.unescape(node["name"]),
            price=_decimal(node.get("price")),
            currency=self.currency(),
            url=node.get("permalink"),
            image=images[0]["src"] if images else None,
            description=_text(node.get("short_description") or node.get("description") or ""),
            tags=tuple(t["name"] for t in node.get("tags") or ()),
            variants=variants,
        )

    @staticmethod
    def _variation(product: dict[str, Any], node: dict[str, Any]) -> Variant:
        options = {option_key(a["name"]): a["option"] for a in node.get("attributes") or ()}
        return Variant(
            id=f"{product['id']}:{node['id']}",
            title=" / ".join(a["option"] for a in node.get("attributes") or ()) or html.unescape(product["name"]),
            options=options,
            price=_decimal(node.get("price")),
            sku=node.get("sku") or "",
            inventory=node.get("stock_quantity"),
            available=node.get("stock_status") in ("instock", "onbackorder") and node.get("purchasable", True),
        )

    # --- orders -----------------------------------------------------------------------------

    def find_order(self, number: str) -> Order | None:
        number = number.strip().lstrip("#")
        if not number.isdigit():
            return None
        node = None
        try:
            node = self.client.get(f"orders/{number}")
        except WooError as error:
            if error.status not in (400, 404):
                raise
        if not node or str(node.get("number")) != number:
            # Sequential-order-number plugins make the customer's number differ from the post id.
            matches = [o for o in self.client.get("orders", search=number, per_page=10) if str(o.get("number")) == number]
            node = matches[0] if matches else None
        return self._order(node) if node else None

    def _order(self, node: dict[str, Any]) -> Order:
        billing, shipping = node.get("billing") or {}, node.get("shipping") or {}
        carrier, tracking, url = self._tracking(node)
        meta = {m.get("key"): m.get("value") for m in node.get("meta_data") or ()}
        status = STATUS_MAP.get(node.get("status", ""), "processing")
        return Order(
            id=str(node["id"]),
            number=str(node.get("number") or node["id"]),
            email=billing.get("email") or "",
            status=status,
            postcode=shipping.get("postcode") or billing.get("postcode") or "",
            phone=billing.get("phone") or "",
            customer_name=" ".join(x for x in (billing.get("first_name"), billing.get("last_name")) if x),
            lines=tuple(OrderLine(title=html.unescape(line["name"]), quantity=int(line["quantity"]),
                                  price=_decimal(line.get("price")), sku=line.get("sku") or "")
                        for line in node.get("line_items") or ()),
            total=_decimal(node.get("total")),
            currency=node.get("currency") or self.config.currency or "USD",
            created_at=_datetime(node.get("date_created_gmt")),
            carrier=carrier,
            tracking_number=tracking,
            tracking_url=url,
            invoice_url=(node.get("payment_url") or "") if status == "pending" else "",
            shipping_address=", ".join(x for x in (shipping.get("address_1"), shipping.get("address_2"),
                                                   shipping.get("city"), shipping.get("postcode"),
                                                   shipping.get("country")) if x),
            refund_status=("refunded" if node.get("refunds") or status == "refunded"
                           else "requested" if meta.get(REFUND_META) else ""),
        )

    def _tracking(self, node: dict[str, Any]) -> tuple[str, str, str]:
        """Shipment Tracking extension if the shop has it, else a tracking number written in an order note."""
        if node.get("status") not in ("completed", "shipped", "delivered"):
            return "", "", ""
        if self._has_tracking_extension is not False:
            try:
                items = self.client.request("GET", f"orders/{node['id']}/shipment-trackings", version=TRACKING_API)[0]
                self._has_tracking_extension = True
                if items:
                    item = items[-1]
                    return (item.get("tracking_provider") or item.get("custom_tracking_provider") or "",
                            item.get("tracking_number") or "",
                            item.get("tracking_link") or item.get("custom_tracking_link") or "")
            except WooError as error:
                if error.code != "rest_no_route":
                    raise
                self._has_tracking_extension = False
        for note in self.client.get(f"orders/{node['id']}/notes", type="customer"):
            text = _text(note.get("note") or "")
            number = TRACKING_IN_NOTE.search(text)
            if number:
                carrier = CARRIER_IN_NOTE.search(text)
                link = URL_IN_NOTE.search(text)
                return (carrier.group(1).strip() if carrier else "", number.group(1),
                        link.group(0).rstrip(".,)") if link else "")
        return "", "", ""

    # --- checkout and changes -------------------------------------------------------------------

    def create_checkout(self, lines: list[CartLine], *, email: str | None = None) -> Checkout:
        if not lines:
            raise ActionNotAllowed("The cart is empty.")
        items = []
        for line in lines:
            product_id, _, variation_id = str(line.variant_id).partition(":")
            item: dict[str, Any] = {"product_id": int(product_id), "quantity": line.quantity}
            if variation_id:
                item["variation_id"] = int(variation_id)
            items.append(item)
        body: dict[str, Any] = {"status": "pending", "set_paid": False, "created_via": "frontdesk", "line_items": items}
        if email:
            body["billing"] = {"email": email}
        try:
            order = self.client.request("POST", "orders", data=body)[0]
        except WooError as error:
            raise ActionNotAllowed(error.message) from error
        return Checkout(url=order["payment_url"], total=_decimal(order.get("total")),
                        currency=order.get("currency") or self.currency())

    def cancel_order(self, order: Order) -> Order:
        node = self._changeable(order, "cancelled")
        updated = self._put(f"orders/{node['id']}", {"status": "cancelled"})
        return self._order(updated)

    def change_shipping_address(self, order: Order, address: str) -> Order:
        node = self._changeable(order, "changed")
        parts = [p.strip() for p in address.split(",") if p.strip()]
        if not parts:
            raise ActionNotAllowed("The new address is empty.")
        shipping: dict[str, Any] = {"address_1": parts[0], "address_2": ""}
        if len(parts) >= 2:
            shipping["city"] = parts[1]
        if len(parts) >= 3:
            shipping["postcode"] = parts[-1]
        return self._order(self._put(f"orders/{node['id']}", {"shipping": shipping}))

    def request_refund(self, order: Order, reason: str) -> Order:
        if not self.config.order_changes:
            raise ActionNotAllowed("This shop handles order changes personally.")
        if order.status in ("cancelled", "refunded") or order.refund_status == "refunded":
            raise ActionNotAllowed(f"Order {order.number} has already been refunded.")
        if order.refund_status == "requested":
            raise ActionNotAllowed(f"A refund for order {order.number} has already been requested.")
        # Woo has no refund-request object: a private note tells staff, the meta flag lets us answer "requested".
        self.client.request("POST", f"orders/{order.id}/notes",
                            data={"note": f"Refund requested by the customer through Frontdesk: {reason}",
                                  "customer_note": False})
        self._put(f"orders/{order.id}", {"meta_data": [{"key": REFUND_META, "value": "yes"}]})
        return replace(order, refund_status="requested")

    def _changeable(self, order: Order, verb: str) -> dict[str, Any]:
        if not self.config.order_changes:
            raise ActionNotAllowed("This shop handles order changes personally.")
        node = self.client.get(f"orders/{order.id}")  # the status now, not when the customer asked
        if node.get("status") not in self.config.cancellable_statuses:
            current = STATUS_MAP.get(node.get("status", ""), node.get("status", ""))
            if current in ("shipped", "delivered"):
                raise ActionNotAllowed(f"Order {order.number} has already shipped, so it can't be {verb} here.")
            raise ActionNotAllowed(f"Order {order.number} is {current}, so it can't be {verb} here.")
        return node

    def _put(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.client.request("PUT", endpoint, data=body)[0]
        except WooError as error:
            raise ActionNotAllowed(error.message) from error

    def check(self) -> dict[str, Any]:
        """What ``frontdesk woocommerce check`` reports: can we read, and can we write?"""
        self.client.get("products", per_page=1)
        self.client.get("orders", per_page=1)
        currency = self.currency()
        # An empty batch changes nothing but needs write permission, which is how to learn the key's level.
        try:
            self.client.request("POST", "orders/batch", data={})
            writable = True
        except BackendUnavailable as error:
            if "write" not in str(error):
                raise
            writable = False
        tracking = True
        try:
            self.client.request("GET", "orders/0/shipment-trackings", version=TRACKING_API)
        except WooError as error:
            tracking = error.code != "rest_no_route"
        return {"currency": currency, "writable": writable, "shipment_tracking": tracking}


def _text(value: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", value)).split()) if value else ""


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal("0")
    except (InvalidOperation, ValueError):
        return Decimal("0")


def _datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def build(settings: dict[str, Any]) -> WooCommerceBackend:
    """The factory registered with ``register_commerce_backends``: ``settings`` is ``[plugins.woocommerce]``."""
    from frontdesk_woocommerce import config as config_module

    try:
        config = config_module.load(settings)
    except ValueError as error:
        raise BackendUnavailable(f"WooCommerce is not configured: {error}") from error
    return WooCommerceBackend(config)
