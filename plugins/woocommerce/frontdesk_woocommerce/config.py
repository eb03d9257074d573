"""The ``[plugins.woocommerce]`` settings table, read once into a typed, validated object.

Example::

    [commerce]
    backend = "woocommerce"

    [plugins.woocommerce]
    url = "https://shop.example.com"               # https → Basic auth; http → OAuth 1.0a signatures
    consumer_key_env = "WC_CONSUMER_KEY"
    consumer_secret_env = "WC_CONSUMER_SECRET"
    webhook_secret_env = "WC_WEBHOOK_SECRET"       # the "Secret" you typed when adding the webhook
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from frontdesk.backend_settings import client_problems, client_settings

DEFAULT_CANCELLABLE = ("pending", "on-hold", "processing")


@dataclass(frozen=True)
class WooConfig:
    url: str
    consumer_key: str
    consumer_secret: str
    webhook_secret: str = ""
    verify_ssl: bool | str = True
    """True, False, or the path of a CA bundle (for a shop with its own certificate authority)."""
    currency: str = ""
    """Shop currency; empty means ask the shop (``data/currencies/current``)."""
    timeout: float = 10.0
    max_retries: int = 3
    retry_base_delay: float = 0.5
    max_retry_wait: float = 10.0
    catalog_cache_seconds: float = 60.0
    order_changes: bool = True
    cancellable_statuses: tuple[str, ...] = DEFAULT_CANCELLABLE
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def uses_oauth(self) -> bool:
        return not self.url.startswith("https://")


def problems(table: dict[str, Any]) -> list[str]:
    found: list[str] = []
    url = table.get("url") if isinstance(table.get("url"), str) else ""
    parts = urlsplit(url or "")
    if not url:
        found.append("[plugins.woocommerce] url is missing (your shop's address, like https://shop.example.com)")
    elif parts.scheme not in ("http", "https") or not parts.netloc:
        found.append(f"[plugins.woocommerce] url {url!r} should start with https:// (or http:// for OAuth 1.0a)")
    for key in ("consumer_key", "consumer_secret"):
        if not table.get(key):
            found.append(f"[plugins.woocommerce] {key} is missing (set {key}_env to the variable holding it; "
                         "create keys in WooCommerce → Settings → Advanced → REST API)")
    found += client_problems(table, "woocommerce")
    statuses = table.get("cancellable_statuses", DEFAULT_CANCELLABLE)
    if not isinstance(statuses, (list, tuple)) or not all(isinstance(s, str) for s in statuses):
        found.append("[plugins.woocommerce] cancellable_statuses must be a list of order statuses")
    return found


def load(table: dict[str, Any]) -> WooConfig:
    found = problems(table)
    if found:
        raise ValueError("; ".join(found))
    return WooConfig(
        url=str(table["url"]).rstrip("/"),
        consumer_key=str(table["consumer_key"]),
        consumer_secret=str(table["consumer_secret"]),
        webhook_secret=str(table.get("webhook_secret") or ""),
        verify_ssl=table.get("ca_bundle") or table.get("verify_ssl", True),
        currency=str(table.get("currency") or ""),
        **client_settings(table),
        order_changes=bool(table.get("order_changes", True)),
        cancellable_statuses=tuple(table.get("cancellable_statuses", DEFAULT_CANCELLABLE)),
    )
