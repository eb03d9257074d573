"""ShopifyBackend: the :class:`frontdesk.commerce.CommerceBackend` for a Shopify shop."""

from __future__ import annotations

from datetime import datetime
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
from frontdesk_shopify import queries
from frontdesk_shopify.client import ShopifyClient
from frontdesk_shopify.config import ShopifyConfig

REFUND_TAG = "frontdesk-refund-requested"


class ShopifyBackend:
    name = "shopify"

    def __init__(self, config: ShopifyConfig, client: ShopifyClient | None = None):
        self.config = config
        self.client = client or ShopifyClient(config)
        self.cache = TTLCache(config.catalog_cache_seconds)

    # --- products ------------------------------------------------------------------

    def search_products(self, query: str, *, limit: int = 5) -> list[Product]:
        words = query_words(query)
        if not words:
            return []
        found = self._search(" ".join(words), limit)
        if not found:
            # Loose spelling ("trail runer"): Shopify's search is word-exact, so match the words against the
            # catalogue's titles here and ask for the closest titles instead.
            titles = closest_titles(" ".join(words), self.catalog_names(), limit)
            if titles:
                found = self._search(" OR ".join(f'title:"{t}"' for t in titles), limit)
                found.sort(key=lambda p: titles.index(p.title) if p.title in titles else len(titles))
        return found[:limit]

    def _search(self, shopify_query: str, limit: int) -> list[Product]:
        def fetch() -> list[Product]:
            data = self.client.execute(queries.SEARCH_PRODUCTS, {"query": shopify_query, "first": max(limit, 1)})
            # Drafts and archived products are not for sale; filtered here so OR-queries stay simple.
            return [self._product(node) for node in data["products"]["nodes"] if node.get("status", "ACTIVE") == "ACTIVE"]

        return self.cache.get_or_set(("search", shopify_query, limit), fetch)

    def get_product(self, product_id: str) -> Product | None:
        gid = product_id if product_id.startswith("gid://") else f"gid://shopify/Product/{product_id}"

        def fetch() -> Product | None:
            node = self.client.execute(queries.GET_PRODUCT, {"id": gid}).get("product")
            return self._product(node) if node else None

        return self.cache.get_or_set(("product", gid), fetch)

    def catalog_names(self) -> list[str]:
        def fetch() -> list[str]:
            return [node["title"] for node in self.client.paginate(queries.CATALOG_TITLES, "products")]

        return self.cache.get_or_set("catalog", fetch)

    def _product(self, node: dict[str, Any]) -> Product:
        money = node["priceRangeV2"]["minVariantPrice"]
        media = node.get("featuredMedia") or {}
        image = ((media.get("preview") or {}).get("image") or {}).get("url")
        return Product(
            id=node["id"],
            title=node["title"],
            price=_decimal(money["amount"]),
            currency=money["currencyCode"],
            url=node.get("onlineStoreUrl") or f"{self.config.shop_url}/products/{node['handle']}",
            image=image,
            description=node.get("description") or "",
            tags=tuple(node.get("tags") or ()),
            variants=tuple(self._variant(v) for v in node["variants"]["nodes"]),
        )

    @staticmethod
    def _variant(node: dict[str, Any]) -> Variant:
        options = {option_key(o["name"]): o["value"] for o in node.get("selectedOptions") or () if o["name"] != "Title"}
        return Variant(
            id=node["id"],
            # Shopify names the only variant of an option-less product "Default Title"; customers see this.
            title="Standard" if node["title"] == "Default Title" else node["title"],
            options=options,
            price=_decimal(node["price"]),
            sku=node.get("sku") or "",
            inventory=node.get("inventoryQuantity"),
            available=bool(node.get("availableForSale")),
        )

    # --- orders ----------------------------------------------------------------------

    def find_order(self, number: str) -> Order | None:
        number = number.strip().lstrip("#")
        if not number.isdigit():
            return None
        data = self.client.execute(queries.FIND_ORDER, {"query": f"name:#{number}"})
        for node in data["orders"]["nodes"]:
            if node["name"].lstrip("#") == number:
                return self._order(node)
        return None

    def order_by_id(self, order_id: str) -> Order | None:
        gid = order_id if order_id.startswith("gid://") else f"gid://shopify/Order/{order_id}"
        node = self.client.execute(queries.GET_ORDER, {"id": gid}).get("order")
        return self._order(node) if node else None

    def _order(self, node: dict[str, Any]) -> Order:
        total = node["totalPriceSet"]["shopMoney"]
        address = node.get("shippingAddress") or {}
        tracking = next((t for f in node.get("fulfillments") or [] for t in f.get("trackingInfo") or []), {})
        tags = set(node.get("tags") or ())
        financial = (node.get("displayFinancialStatus") or "").upper()
        return Order(
            id=node["id"],
            number=node["name"].lstrip("#"),
            email=node.get("email") or "",
            status=order_status(node),
            postcode=address.get("zip") or "",
            phone=node.get("phone") or "",
            customer_name=(node.get("customer") or {}).get("displayName") or address.get("name") or "",
            lines=tuple(
                OrderLine(title=line["title"] + (f" ({line['variantTitle']})" if line.get("variantTitle") else ""),
                          quantity=int(line["quantity"]),
                          price=_decimal(line["originalUnitPriceSet"]["shopMoney"]["amount"]),
                          sku=line.get("sku") or "")
                for line in node["lineItems"]["nodes"]
            ),
            total=_decimal(total["amount"]),
            currency=total["currencyCode"],
            created_at=_datetime(node.get("createdAt")),
            carrier=tracking.get("company") or "",
            tracking_number=tracking.get("number") or "",
            tracking_url=tracking.get("url") or "",
            status_url=node.get("statusPageUrl") or "",
            shipping_address=", ".join(x for x in (address.get("address1"), address.get("address2"),
                                                   address.get("city"), address.get("zip"),
                                                   address.get("country")) if x),
            refund_status=("refunded" if financial in ("REFUNDED", "PARTIALLY_REFUNDED")
                           else "requested" if REFUND_TAG in tags else ""),
        )

    # --- checkout and changes ------------------------------------------------------------

    def create_checkout(self, lines: list[CartLine], *, email: str | None = None) -> Checkout:
        if not lines:
            raise ActionNotAllowed("The cart is empty.")
        if self.config.checkout == "permalink":
            # Cart permalink: /cart/<variant id>:<qty>,… (https://shopify.dev/docs/apps/build/checkout/cart-permalinks).
            items = ",".join(f"{_numeric_id(line.variant_id)}:{line.quantity}" for line in lines)
            suffix = f"?checkout[email]={email}" if email else ""
            return Checkout(url=f"{self.config.shop_url}/cart/{items}{suffix}")
        variables: dict[str, Any] = {"input": {"lineItems": [
            {"variantId": _gid("ProductVariant", line.variant_id), "quantity": line.quantity} for line in lines]}}
        if email:
            variables["input"]["email"] = email
        payload = self.client.execute(queries.DRAFT_ORDER_CREATE, variables)["draftOrderCreate"]
        if payload["userErrors"]:
            raise ActionNotAllowed("; ".join(e["message"] for e in payload["userErrors"]))
        draft = payload["draftOrder"]
        money = draft["totalPriceSet"]["shopMoney"]
        return Checkout(url=draft["invoiceUrl"], total=_decimal(money["amount"]), currency=money["currencyCode"])

    def cancel_order(self, order: Order) -> Order:
        self._require_changes_allowed()
        if order.status not in ("pending", "processing", "on-hold"):
            raise ActionNotAllowed(_not_changeable(order, "cancelled"))
        payload = self.client.execute(queries.ORDER_CANCEL, {"orderId": order.id})["orderCancel"]
        if payload["orderCancelUserErrors"]:
            raise ActionNotAllowed("; ".join(e["message"] for e in payload["orderCancelUserErrors"]))
        # orderCancel runs as a background job; read the order back, and report it cancelled if the job lags.
        fresh = self.order_by_id(order.id) or order
        if fresh.status != "cancelled":
            fresh = _replace(fresh, status="cancelled")
        return fresh

    def change_shipping_address(self, order: Order, address: str) -> Order:
        self._require_changes_allowed()
        if order.status not in ("pending", "processing", "on-hold"):
            raise ActionNotAllowed(_not_changeable(order, "changed"))
        parts = [p.strip() for p in address.split(",") if p.strip()]
        if not parts:
            raise ActionNotAllowed("The new address is empty.")
        mailing: dict[str, Any] = {"address1": parts[0]}
        if len(parts) >= 2:
            mailing["city"] = parts[1]
        if len(parts) >= 3:
            mailing["zip"] = parts[-1]
        payload = self.client.execute(queries.ORDER_UPDATE_ADDRESS,
                                      {"input": {"id": order.id, "shippingAddress": mailing}})["orderUpdate"]
        if payload["userErrors"]:
            raise ActionNotAllowed("; ".join(e["message"] for e in payload["userErrors"]))
        return self.order_by_id(order.id) or order

    def request_refund(self, order: Order, reason: str) -> Order:
        self._require_changes_allowed()
        if order.status in ("cancelled", "refunded") or order.refund_status == "refunded":
            raise ActionNotAllowed(f"Order {order.number} has already been refunded.")
        if order.refund_status == "requested":
            raise ActionNotAllowed(f"A refund for order {order.number} has already been requested.")
        # Shopify has no customer "refund request" object: tag the order so staff see it in the admin's order list.
        payload = self.client.execute(queries.TAGS_ADD, {"id": order.id, "tags": [REFUND_TAG]})["tagsAdd"]
        if payload["userErrors"]:
            raise ActionNotAllowed("; ".join(e["message"] for e in payload["userErrors"]))
        return _replace(order, refund_status="requested")

    def _require_changes_allowed(self) -> None:
        if not self.config.order_changes:
            raise ActionNotAllowed("This shop handles order changes personally.")

    # --- webhooks helpers --------------------------------------------------------------

    def variant_for_inventory_item(self, inventory_item_id: str) -> dict[str, Any] | None:
        data = self.client.execute(queries.INVENTORY_ITEM, {"id": _gid("InventoryItem", inventory_item_id)})
        item = data.get("inventoryItem")
        return item["variant"] if item else None

    def check(self) -> dict[str, Any]:
        """Shop name and granted scopes (for ``frontdesk shopify check``)."""
        data = self.client.execute(queries.SHOP_AND_SCOPES)
        return {"shop": data["shop"], "scopes": sorted(s["handle"] for s in data["currentAppInstallation"]["accessScopes"])}


def order_status(node: dict[str, Any]) -> str:
    """Map Shopify's display statuses onto the core's :data:`ORDER_STATUSES`."""
    if node.get("cancelledAt"):
        return "cancelled"
    financial = (node.get("displayFinancialStatus") or "").upper()
    fulfillment = (node.get("displayFulfillmentStatus") or "").upper()
    shipments = [(f.get("displayStatus") or "").upper() for f in node.get("fulfillments") or []]
    if financial == "REFUNDED":
        return "refunded"
    if shipments and all(s == "DELIVERED" for s in shipments) and fulfillment == "FULFILLED":
        return "delivered"
    if fulfillment in ("FULFILLED", "PARTIALLY_FULFILLED") or shipments:
        return "shipped"
    if fulfillment == "ON_HOLD":
        return "on-hold"
    if financial in ("PENDING", "EXPIRED"):
        return "pending"
    return "processing"


def _not_changeable(order: Order, verb: str) -> str:
    if order.status in ("shipped", "delivered"):
        return f"Order {order.number} has already shipped, so it can't be {verb} here."
    return f"Order {order.number} is {order.status}, so it can't be {verb} here."


def _replace(order: Order, **changes: Any) -> Order:
    from dataclasses import replace

    return replace(order, **changes)


def _gid(kind: str, value: str) -> str:
    return value if str(value).startswith("gid://") else f"gid://shopify/{kind}/{value}"


def _numeric_id(gid: str) -> str:
    return str(gid).rsplit("/", 1)[-1]


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal("0")


def _datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def build(settings: dict[str, Any]) -> ShopifyBackend:
    """The factory registered with ``register_commerce_backends``: ``settings`` is ``[plugins.shopify]``."""
    from frontdesk_shopify import config as config_module

    try:
        config = config_module.load(settings)
    except ValueError as error:
        raise BackendUnavailable(f"Shopify is not configured: {error}") from error
    return ShopifyBackend(config)
