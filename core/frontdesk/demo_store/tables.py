"""The demo shop's own tables, in their own MetaData, so they never mix with Frontdesk's migrations."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, Text
from sqlalchemy.types import TypeDecorator

metadata = MetaData()


class Money(TypeDecorator):
    """Decimal stored as text: SQLite has no decimal type and floats would round prices."""

    impl = String(24)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite drops the offset otherwise)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)


meta = Table(
    "demo_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

products = Table(
    "demo_products",
    metadata,
    Column("handle", String(100), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("price", Money, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("tags", JSON, nullable=False, default=list),
    Column("colour", String(16), nullable=False, default="#888888"),
    Column("position", Integer, nullable=False, default=0),
)

variants = Table(
    "demo_variants",
    metadata,
    Column("id", String(160), primary_key=True),
    Column("product_handle", ForeignKey("demo_products.handle"), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("options", JSON, nullable=False, default=dict),
    Column("price", Money, nullable=False),
    Column("sku", String(160), nullable=False),
    Column("inventory", Integer, nullable=False, default=0),
    Column("position", Integer, nullable=False, default=0),
)

orders = Table(
    "demo_orders",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("email", String(200), nullable=False),
    Column("customer_name", String(200), nullable=False, default=""),
    Column("postcode", String(32), nullable=False, default=""),
    Column("phone", String(32), nullable=False, default=""),
    Column("status", String(20), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("shipped_at", UTCDateTime),
    Column("delivered_at", UTCDateTime),
    Column("carrier", String(60), nullable=False, default=""),
    Column("tracking_number", String(60), nullable=False, default=""),
    Column("tracking_url", String(300), nullable=False, default=""),
    Column("shipping_address", Text, nullable=False, default=""),
    Column("refund_status", String(20), nullable=False, default=""),
    Column("refund_reason", Text, nullable=False, default=""),
    # Random, so the status page link cannot be guessed from the order number.
    Column("status_token", String(64), nullable=False, unique=True),
)

order_lines = Table(
    "demo_order_lines",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", ForeignKey("demo_orders.id"), nullable=False, index=True),
    Column("variant_id", String(160), nullable=False, default=""),
    Column("title", String(300), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("price", Money, nullable=False),
    Column("sku", String(160), nullable=False, default=""),
)

carts = Table(
    "demo_carts",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("email", String(200)),
    Column("currency", String(3), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("order_number", String(32)),
)

cart_lines = Table(
    "demo_cart_lines",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cart_token", ForeignKey("demo_carts.token"), nullable=False, index=True),
    Column("variant_id", String(160), nullable=False),
    Column("title", String(300), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("price", Money, nullable=False),
)
