"""The ``[plugins.shopify]`` settings table, read once into a typed, validated object.

Example::

    [commerce]
    backend = "shopify"

    [plugins.shopify]
    shop = "northwind.myshopify.com"
    api_version = "2025-10"
    access_token_env = "SHOPIFY_ACCESS_TOKEN"     # a custom app's Admin API token, or:
    client_id = "…"                                # a Dev Dashboard app: client-credentials grant
    client_secret_env = "SHOPIFY_CLIENT_SECRET"
    webhook_secret_env = "SHOPIFY_CLIENT_SECRET"   # webhooks are signed with the app's client secret
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from frontdesk.backend_settings import client_problems, client_settings

API_VERSION = re.compile(r"^\d{4}-(01|04|07|10)$")
SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
DEFAULT_API_VERSION = "2025-10"
CHECKOUT_MODES = ("draft_order", "permalink")


@dataclass(frozen=True)
class ShopifyConfig:
    shop: str
    """``northwind.myshopify.com``."""
    api_version: str = DEFAULT_API_VERSION
    access_token: str = ""
    client_id: str = ""
    client_secret: str = ""
    webhook_secret: str = ""
    api_base_url: str = ""
    """Where the Admin API lives; empty means ``https://<shop>``. Tests point this at FakeShopify."""
    storefront_url: str = ""
    """The public shop address for product and cart links; empty means ``https://<shop>``."""
    checkout: str = "draft_order"
    timeout: float = 10.0
    max_retries: int = 3
    retry_base_delay: float = 0.5
    max_retry_wait: float = 10.0
    catalog_cache_seconds: float = 60.0
    order_changes: bool = True
    """Whether cancelling/changing orders is offered (needs ``write_orders``)."""

    @property
    def uses_client_credentials(self) -> bool:
        return not self.access_token and bool(self.client_id and self.client_secret)

    @property
    def base_url(self) -> str:
        return (self.api_base_url or f"https://{self.shop}").rstrip("/")

    @property
    def shop_url(self) -> str:
        return (self.storefront_url or f"https://{self.shop}").rstrip("/")

    @property
    def signing_secret(self) -> str:
        return self.webhook_secret or self.client_secret


def problems(table: dict[str, Any]) -> list[str]:
    """Human-readable problems with a ``[plugins.shopify]`` table (empty when it is usable)."""
    found: list[str] = []
    # Core fills an absent "shop" with the [shop] table (a dict); that is not a Shopify domain.
    shop = table.get("shop") if isinstance(table.get("shop"), str) else ""
    if not shop:
        found.append("[plugins.shopify] shop is missing (your-shop.myshopify.com)")
    elif not SHOP_DOMAIN.match(_normalise_shop(shop)):
        found.append(f"[plugins.shopify] shop {shop!r} should look like your-shop.myshopify.com")
    version = str(table.get("api_version") or DEFAULT_API_VERSION)
    if not API_VERSION.match(version):
        found.append(f"[plugins.shopify] api_version {version!r} should be a release like 2025-10")
    has_token = bool(table.get("access_token"))
    has_client = bool(table.get("client_id")) and bool(table.get("client_secret"))
    if not has_token and not has_client:
        found.append("[plugins.shopify] needs access_token (set access_token_env to the variable holding a custom "
                     "app's Admin API token) or client_id plus client_secret (client_secret_env) for the "
                     "client-credentials grant")
    if table.get("checkout", "draft_order") not in CHECKOUT_MODES:
        found.append(f"[plugins.shopify] checkout must be one of {', '.join(CHECKOUT_MODES)}")
    found += client_problems(table, "shopify")
    return found


def _normalise_shop(shop: str) -> str:
    shop = re.sub(r"^https?://", "", shop.strip().lower()).rstrip("/")
    return shop if "." in shop else f"{shop}.myshopify.com"


def load(table: dict[str, Any]) -> ShopifyConfig:
    """Build the config; raises ``ValueError`` listing every problem."""
    found = problems(table)
    if found:
        raise ValueError("; ".join(found))
    return ShopifyConfig(
        shop=_normalise_shop(str(table["shop"])),
        api_version=str(table.get("api_version") or DEFAULT_API_VERSION),
        access_token=str(table.get("access_token") or ""),
        client_id=str(table.get("client_id") or ""),
        client_secret=str(table.get("client_secret") or ""),
        webhook_secret=str(table.get("webhook_secret") or ""),
        api_base_url=str(table.get("api_base_url") or ""),
        storefront_url=str(table.get("storefront_url") or ""),
        checkout=str(table.get("checkout") or "draft_order"),
        **client_settings(table),
        order_changes=bool(table.get("order_changes", True)),
    )
