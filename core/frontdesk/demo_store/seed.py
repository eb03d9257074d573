"""Fill the demo shop's tables from ``catalog.yaml``.

Seeding only inserts rows whose key is missing, so running it again (every start-up) never
duplicates anything and never undoes a change such as a cancelled order or a sold unit.
"""

from __future__ import annotations

import itertools
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import Connection, select

from frontdesk.demo_store import tables

CATALOG_FILE = "catalog.yaml"


def load_catalog() -> dict[str, Any]:
    text = resources.files("frontdesk.demo_store").joinpath(CATALOG_FILE).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class VariantRow:
    id: str
    title: str
    options: dict[str, str]
    price: Decimal
    inventory: int


def expand_variants(product: dict[str, Any]) -> list[VariantRow]:
    """Every combination of the product's options, with stock and price overrides applied."""
    options: dict[str, list[str]] = product.get("options") or {}
    price = Decimal(str(product["price"]))
    stock = int(product.get("stock", 0))
    stock_overrides = product.get("stock_overrides") or {}
    price_overrides = product.get("price_overrides") or {}
    if not options:
        return [VariantRow(product["handle"], "Default", {}, price, stock)]
    names = list(options)
    rows = []
    for values in itertools.product(*(options[name] for name in names)):
        values = [str(v) for v in values]
        title = " / ".join(values)
        rows.append(
            VariantRow(
                id=f"{product['handle']}-{slugify('-'.join(values))}",
                title=title,
                options={name.lower(): value.lower() for name, value in zip(names, values)},
                price=Decimal(str(price_overrides.get(title, price))),
                inventory=int(stock_overrides.get(title, stock)),
            )
        )
    return rows


def seed(conn: Connection, catalog: dict[str, Any], now: datetime | None = None) -> None:
    """Insert whatever the catalogue has that the database does not (products, variants, orders)."""
    now = now or datetime.now(timezone.utc)
    currency = catalog["shop"].get("currency", "USD")
    variant_index = _seed_products(conn, catalog["products"], currency)
    _seed_orders(conn, catalog.get("orders") or [], variant_index, currency, now)


def _seed_products(conn: Connection, products: list[dict], currency: str) -> dict[str, tuple[str, Decimal, str]]:
    known_products = set(conn.scalars(select(tables.products.c.handle)))
    known_variants = set(conn.scalars(select(tables.variants.c.id)))
    index: dict[str, tuple[str, Decimal, str]] = {}
    for position, product in enumerate(products):
        handle = product["handle"]
        if handle not in known_products:
            conn.execute(
                tables.products.insert().values(
                    handle=handle,
                    title=product["title"],
                    description=product.get("description", ""),
                    price=Decimal(str(product["price"])),
                    currency=currency,
                    tags=list(product.get("tags") or []),
                    colour=product.get("colour", "#888888"),
                    position=position,
                )
            )
        for v_position, variant in enumerate(expand_variants(product)):
            sku = variant.id.upper()
            line_title = product["title"] if variant.title == "Default" else f"{product['title']} - {variant.title}"
            index[variant.id] = (line_title, variant.price, sku)
            if variant.id in known_variants:
                continue
            conn.execute(
                tables.variants.insert().values(
                    id=variant.id,
                    product_handle=handle,
                    title=variant.title,
                    options=variant.options,
                    price=variant.price,
                    sku=sku,
                    inventory=variant.inventory,
                    position=v_position,
                )
            )
    return index


def _days_ago(now: datetime, days: int | None) -> datetime | None:
    return None if days is None else now - timedelta(days=int(days))


def _seed_orders(
    conn: Connection, orders: list[dict], variants: dict[str, tuple[str, Decimal, str]], currency: str, now: datetime
) -> None:
    known = set(conn.scalars(select(tables.orders.c.number)))
    for order in orders:
        number = str(order["number"])
        if number in known:
            continue
        order_id = conn.execute(
            tables.orders.insert().values(
                number=number,
                email=order["email"],
                customer_name=order.get("customer_name", ""),
                postcode=str(order.get("postcode", "")),
                phone=str(order.get("phone", "")),
                status=order["status"],
                currency=currency,
                created_at=_days_ago(now, order.get("days_ago", 0)),
                shipped_at=_days_ago(now, order.get("shipped_days_ago")),
                delivered_at=_days_ago(now, order.get("delivered_days_ago")),
                carrier=order.get("carrier", ""),
                tracking_number=str(order.get("tracking_number", "")),
                tracking_url=order.get("tracking_url", ""),
                shipping_address=order.get("shipping_address", ""),
                refund_status=order.get("refund_status", ""),
                status_token=secrets.token_urlsafe(18),
            )
        ).inserted_primary_key[0]
        for line in order["lines"]:
            title, price, sku = variants[line["variant"]]
            conn.execute(
                tables.order_lines.insert().values(
                    order_id=order_id,
                    variant_id=line["variant"],
                    title=title,
                    quantity=int(line["quantity"]),
                    price=price,
                    sku=sku,
                )
            )
