"""DemoStore: the demo shop's :class:`~frontdesk.commerce.CommerceBackend`, on its own SQLite file.

Every call reads the database (no cache), so two processes on the same file agree, and a file
that cannot be read shows up as :class:`BackendUnavailable` on the very call that needed it.
"""

from __future__ import annotations

import secrets
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator, Mapping

from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

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
from frontdesk.demo_store import search, seed, tables

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
DEFAULT_DATA_DIR = "./var"
URL_PREFIX = "/demo-store"
CHANGEABLE_STATUSES = ("pending", "processing")
REFUNDABLE_STATUSES = ("shipped", "delivered")
MAX_ADDRESS_LENGTH = 500
MAX_QUANTITY = 99


def demo_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The demo store's own settings, from either its ``[plugins.demo]`` table or the whole config.

    Given the whole config (it has ``plugins``), ``data_dir`` and ``[shop] public_url`` fill in what
    the plugin table leaves out; the config's top-level ``database`` belongs to Frontdesk and is
    never used here. A plugin table may carry a ``shop`` table too (Frontdesk adds one).
    """
    if "plugins" in settings:
        plugins = settings.get("plugins") or {}
        own = dict(plugins.get("demo") or plugins.get("demo_store") or {})
        own.setdefault("data_dir", settings.get("data_dir", DEFAULT_DATA_DIR))
    else:
        own = dict(settings)
    own.setdefault("public_url", (settings.get("shop") or {}).get("public_url", DEFAULT_PUBLIC_URL))
    return own


def database_url(settings: Mapping[str, Any]) -> str:
    url = settings.get("database")
    if isinstance(url, str) and url:
        return url
    data_dir = Path(settings.get("data_dir") or DEFAULT_DATA_DIR)
    return f"sqlite:///{(data_dir / 'demo_store.db').resolve()}"


@dataclass(frozen=True)
class CheckoutView:
    """A stored cart as the checkout page shows it."""

    token: str
    email: str
    currency: str
    lines: tuple[OrderLine, ...]
    total: Decimal
    order_number: str | None
    order_status_url: str | None


class DemoStore:
    """The demo shop. Build with :meth:`from_settings`; nothing touches the database until the first call."""

    name = "demo"

    def __init__(
        self,
        database: str,
        *,
        public_url: str = DEFAULT_PUBLIC_URL,
        fail_mode: str = "",
        refund_window_days: int = 30,
        catalog: dict[str, Any] | None = None,
    ):
        self.database = database
        self.public_url = public_url.rstrip("/")
        self.fail_mode = fail_mode
        """``"down"`` makes every call raise BackendUnavailable (for outage demos and tests)."""
        self.refund_window = timedelta(days=refund_window_days)
        self._catalog = catalog
        """The parsed catalog.yaml; loaded once, on first use, unless given."""
        self._engine: Engine | None = None
        self._ready = False
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> "DemoStore":
        own = demo_settings(settings)
        return cls(
            database_url(own),
            public_url=str(own.get("public_url") or DEFAULT_PUBLIC_URL),
            fail_mode=str(own.get("fail_mode") or ""),
            refund_window_days=int(own.get("refund_window_days", 30)),
        )

    @property
    def shop_name(self) -> str:
        return str(self._load_catalog()["shop"].get("name", "Demo shop"))

    def _load_catalog(self) -> dict[str, Any]:
        if self._catalog is None:
            self._catalog = seed.load_catalog()
        return self._catalog

    # --- database plumbing ---------------------------------------------------

    def _make_engine(self) -> Engine:
        if self.database.startswith("sqlite:///") and not self.database.startswith("sqlite:///:memory:"):
            Path(self.database[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(self.database, connect_args={"timeout": 10} if self.database.startswith("sqlite") else {})
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", lambda dbapi_conn, _: dbapi_conn.execute("PRAGMA foreign_keys = ON"))
        return engine

    def _ensure_ready(self) -> Engine:
        """Create the tables and seed them the first time; retried on the next call if it failed."""
        with self._lock:
            if self._engine is None:
                self._engine = self._make_engine()
            if not self._ready:
                tables.metadata.create_all(self._engine)
                catalog = self._load_catalog()
                try:
                    with self._engine.begin() as conn:
                        seed.seed(conn, catalog)
                except IntegrityError:
                    pass  # another process seeded the same rows at the same moment: nothing left to do
                self._ready = True
            return self._engine

    @contextmanager
    def _db(self) -> Iterator[Connection]:
        """A transaction; any database failure becomes BackendUnavailable (ActionNotAllowed passes through)."""
        if self.fail_mode == "down":
            raise BackendUnavailable("the demo store is down (fail_mode = 'down')")
        try:
            engine = self._ensure_ready()
            with engine.begin() as conn:
                yield conn
        except (SQLAlchemyError, OSError) as exc:
            if self._engine is not None:
                self._engine.dispose()  # pooled connections may hold the broken file open; reconnect next time
            raise BackendUnavailable(f"the demo store's database cannot be used: {exc.__class__.__name__}") from exc

    # --- urls ----------------------------------------------------------------

    def product_url(self, handle: str) -> str:
        return f"{self.public_url}{URL_PREFIX}/products/{handle}"

    def image_url(self, handle: str) -> str:
        return f"{self.public_url}{URL_PREFIX}/images/{handle}.svg"

    def order_status_url(self, token: str) -> str:
        return f"{self.public_url}{URL_PREFIX}/orders/{token}"

    def checkout_url(self, token: str) -> str:
        return f"{self.public_url}{URL_PREFIX}/checkout/{token}"

    # --- products ------------------------------------------------------------

    def _products(self, conn: Connection, handle: str | None = None) -> list[Product]:
        query = select(tables.products).order_by(tables.products.c.position)
        vquery = select(tables.variants).order_by(tables.variants.c.position)
        if handle is not None:
            query = query.where(tables.products.c.handle == handle)
            vquery = vquery.where(tables.variants.c.product_handle == handle)
        by_product: dict[str, list[Variant]] = {}
        for v in conn.execute(vquery).mappings():
            by_product.setdefault(v["product_handle"], []).append(
                Variant(
                    id=v["id"],
                    title=v["title"],
                    options=dict(v["options"]),
                    price=v["price"],
                    sku=v["sku"],
                    inventory=v["inventory"],
                    available=v["inventory"] > 0,
                )
            )
        return [
            Product(
                id=p["handle"],
                title=p["title"],
                price=p["price"],
                currency=p["currency"],
                url=self.product_url(p["handle"]),
                image=self.image_url(p["handle"]),
                description=p["description"],
                tags=tuple(p["tags"]),
                variants=tuple(by_product.get(p["handle"], ())),
            )
            for p in conn.execute(query).mappings()
        ]

    def all_products(self) -> list[Product]:
        with self._db() as conn:
            return self._products(conn)

    def search_products(self, query: str, *, limit: int = 5) -> list[Product]:
        with self._db() as conn:
            products = self._products(conn)
        return search.rank(products, query or "", limit)

    def get_product(self, product_id: str) -> Product | None:
        with self._db() as conn:
            found = self._products(conn, handle=str(product_id))
        return found[0] if found else None

    def catalog_names(self) -> list[str]:
        with self._db() as conn:
            return list(conn.scalars(select(tables.products.c.title).order_by(tables.products.c.position)))

    def product_colour(self, handle: str) -> str | None:
        """The swatch colour of the product's placeholder image."""
        with self._db() as conn:
            return conn.scalar(select(tables.products.c.colour).where(tables.products.c.handle == handle))

    # --- orders --------------------------------------------------------------

    def _order(self, conn: Connection, row: Mapping[str, Any]) -> Order:
        lines = conn.execute(
            select(tables.order_lines).where(tables.order_lines.c.order_id == row["id"]).order_by(tables.order_lines.c.id)
        ).mappings()
        order_lines = tuple(OrderLine(l["title"], l["quantity"], l["price"], l["sku"]) for l in lines)
        return Order(
            id=f"ord_{row['id']}",
            number=row["number"],
            email=row["email"],
            status=row["status"],
            postcode=row["postcode"],
            phone=row["phone"],
            customer_name=row["customer_name"],
            lines=order_lines,
            total=sum((l.price * l.quantity for l in order_lines), Decimal("0")),
            currency=row["currency"],
            created_at=row["created_at"],
            carrier=row["carrier"],
            tracking_number=row["tracking_number"],
            tracking_url=row["tracking_url"],
            status_url=self.order_status_url(row["status_token"]),
            shipping_address=row["shipping_address"],
            refund_status=row["refund_status"],
        )

    def _order_row(self, conn: Connection, number: str) -> Mapping[str, Any] | None:
        return conn.execute(select(tables.orders).where(tables.orders.c.number == number)).mappings().first()

    @staticmethod
    def _normalise_number(number: str) -> str:
        return str(number).strip().lstrip("#").strip()

    def find_order(self, number: str) -> Order | None:
        number = self._normalise_number(number)
        if not number:
            return None
        with self._db() as conn:
            row = self._order_row(conn, number)
            return self._order(conn, row) if row else None

    def order_by_token(self, token: str) -> Order | None:
        """The order behind a status-page link (the link itself is the customer's proof)."""
        with self._db() as conn:
            row = conn.execute(select(tables.orders).where(tables.orders.c.status_token == token)).mappings().first()
            return self._order(conn, row) if row else None

    def _changeable_row(self, conn: Connection, order: Order, doing: str) -> Mapping[str, Any]:
        """The order's current row, if its state still allows ``doing``; else ActionNotAllowed with why."""
        row = self._order_row(conn, self._normalise_number(order.number))
        if row is None:
            raise ActionNotAllowed(f"We couldn't find order #{order.number}.")
        status, number = row["status"], row["number"]
        if status in CHANGEABLE_STATUSES:
            return row
        reasons = {
            "shipped": f"Order #{number} has already shipped, so we can't {doing} any more.",
            "delivered": f"Order #{number} has already shipped and been delivered, so we can't {doing}.",
            "cancelled": f"Order #{number} is already cancelled.",
            "refunded": f"Order #{number} has already been refunded.",
            "on-hold": f"Order #{number} is on hold while our team checks it, so we can't {doing} here; a person can help.",
        }
        raise ActionNotAllowed(reasons.get(status, f"Order #{number} is {status}, so we can't {doing}."))

    def cancel_order(self, order: Order) -> Order:
        with self._db() as conn:
            row = self._changeable_row(conn, order, "cancel it")
            conn.execute(tables.orders.update().where(tables.orders.c.id == row["id"]).values(status="cancelled"))
            # Put the units back on the shelf.
            for line in conn.execute(select(tables.order_lines).where(tables.order_lines.c.order_id == row["id"])).mappings():
                conn.execute(
                    tables.variants.update()
                    .where(tables.variants.c.id == line["variant_id"])
                    .values(inventory=tables.variants.c.inventory + line["quantity"])
                )
            return self._order(conn, self._order_row(conn, row["number"]))

    def change_shipping_address(self, order: Order, address: str) -> Order:
        address = " ".join(str(address or "").split())
        if not address:
            raise ActionNotAllowed("The new address is empty.")
        if len(address) > MAX_ADDRESS_LENGTH:
            raise ActionNotAllowed(f"That address is longer than {MAX_ADDRESS_LENGTH} characters.")
        with self._db() as conn:
            row = self._changeable_row(conn, order, "change its address")
            conn.execute(
                tables.orders.update().where(tables.orders.c.id == row["id"]).values(shipping_address=address)
            )
            return self._order(conn, self._order_row(conn, row["number"]))

    def request_refund(self, order: Order, reason: str) -> Order:
        with self._db() as conn:
            row = self._order_row(conn, self._normalise_number(order.number))
            if row is None:
                raise ActionNotAllowed(f"We couldn't find order #{order.number}.")
            self._check_refundable(row)
            conn.execute(
                tables.orders.update()
                .where(tables.orders.c.id == row["id"])
                .values(refund_status="requested", refund_reason=str(reason or "")[:1000])
            )
            return self._order(conn, self._order_row(conn, row["number"]))

    def _check_refundable(self, row: Mapping[str, Any]) -> None:
        number, status = row["number"], row["status"]
        if row["refund_status"] == "requested":
            raise ActionNotAllowed(f"A refund for order #{number} has already been requested; our team will be in touch.")
        if row["refund_status"] or status == "refunded":
            raise ActionNotAllowed(f"Order #{number} has already been refunded or had its refund decided.")
        if status in CHANGEABLE_STATUSES:
            raise ActionNotAllowed(f"Order #{number} hasn't shipped yet, so it can be cancelled instead of refunded.")
        if status not in REFUNDABLE_STATUSES:
            raise ActionNotAllowed(f"Order #{number} is {status}, so there is nothing to refund here.")
        since = row["delivered_at"] or row["shipped_at"] or row["created_at"]
        if datetime.now(timezone.utc) - since > self.refund_window:
            days = self.refund_window.days
            raise ActionNotAllowed(f"Order #{number} is past the {days}-day refund window.")

    # --- checkout ------------------------------------------------------------

    def _cart_variant(self, conn: Connection, variant_id: str) -> Mapping[str, Any]:
        """The variant row for an id, or the only variant of a product handle."""
        row = conn.execute(
            select(tables.variants, tables.products.c.title.label("product_title"))
            .join(tables.products)
            .where(tables.variants.c.id == variant_id)
        ).mappings().first()
        if row is not None:
            return row
        rows = conn.execute(
            select(tables.variants, tables.products.c.title.label("product_title"))
            .join(tables.products)
            .where(tables.variants.c.product_handle == variant_id)
        ).mappings().all()
        if len(rows) == 1:
            return rows[0]
        if rows:
            raise ActionNotAllowed(f"Please choose an option ({', '.join(rows[0]['options'])}) for {rows[0]['product_title']}.")
        raise ActionNotAllowed(f"We couldn't find the item {variant_id!r}.")

    @staticmethod
    def _line_title(variant: Mapping[str, Any]) -> str:
        if variant["title"] == "Default":
            return variant["product_title"]
        return f"{variant['product_title']} - {variant['title']}"

    def create_checkout(self, lines: list[CartLine], *, email: str | None = None) -> Checkout:
        if not lines:
            raise ActionNotAllowed("The cart is empty.")
        with self._db() as conn:
            priced: list[tuple[Mapping[str, Any], int]] = []
            for line in lines:
                quantity = int(line.quantity)
                if not 1 <= quantity <= MAX_QUANTITY:
                    raise ActionNotAllowed(f"Quantities must be between 1 and {MAX_QUANTITY}.")
                variant = self._cart_variant(conn, str(line.variant_id))
                wanted = quantity + sum(q for v, q in priced if v["id"] == variant["id"])
                if variant["inventory"] < wanted:
                    title = self._line_title(variant)
                    left = variant["inventory"]
                    raise ActionNotAllowed(f"{title} is out of stock." if left <= 0 else f"Only {left} of {title} left.")
                priced.append((variant, quantity))
            currency = conn.scalar(select(tables.products.c.currency).limit(1)) or "USD"
            token = secrets.token_urlsafe(18)
            conn.execute(
                tables.carts.insert().values(
                    token=token, email=email, currency=currency, created_at=datetime.now(timezone.utc)
                )
            )
            for variant, quantity in priced:
                conn.execute(
                    tables.cart_lines.insert().values(
                        cart_token=token,
                        variant_id=variant["id"],
                        title=self._line_title(variant),
                        quantity=quantity,
                        price=variant["price"],
                    )
                )
            total = sum((v["price"] * q for v, q in priced), Decimal("0"))
        return Checkout(url=self.checkout_url(token), total=total, currency=currency)

    def get_checkout(self, token: str) -> CheckoutView | None:
        with self._db() as conn:
            cart = conn.execute(select(tables.carts).where(tables.carts.c.token == token)).mappings().first()
            if cart is None:
                return None
            rows = conn.execute(
                select(tables.cart_lines).where(tables.cart_lines.c.cart_token == token).order_by(tables.cart_lines.c.id)
            ).mappings()
            lines = tuple(OrderLine(r["title"], r["quantity"], r["price"], r["variant_id"]) for r in rows)
            status_url = None
            if cart["order_number"]:
                order = self._order_row(conn, cart["order_number"])
                status_url = self.order_status_url(order["status_token"]) if order else None
            return CheckoutView(
                token=cart["token"],
                email=cart["email"] or "",
                currency=cart["currency"],
                lines=lines,
                total=sum((l.price * l.quantity for l in lines), Decimal("0")),
                order_number=cart["order_number"],
                order_status_url=status_url,
            )

    def pay_checkout(self, token: str, *, email: str, name: str, address: str, postcode: str) -> Order:
        """The fake "Pay" button: turn the cart into a processing order and take the units off stock."""
        email, postcode = email.strip(), postcode.strip().upper()
        if "@" not in email or not postcode:
            raise ActionNotAllowed("Please give an email address and a postcode.")
        with self._db() as conn:
            cart = conn.execute(select(tables.carts).where(tables.carts.c.token == token)).mappings().first()
            if cart is None:
                raise ActionNotAllowed("This checkout link is not valid.")
            if cart["order_number"]:
                raise ActionNotAllowed(f"This checkout was already paid as order #{cart['order_number']}.")
            lines = conn.execute(select(tables.cart_lines).where(tables.cart_lines.c.cart_token == token)).mappings().all()
            for line in lines:
                taken = conn.execute(
                    tables.variants.update()
                    .where(tables.variants.c.id == line["variant_id"], tables.variants.c.inventory >= line["quantity"])
                    .values(inventory=tables.variants.c.inventory - line["quantity"])
                )
                if taken.rowcount != 1:
                    raise ActionNotAllowed(f"{line['title']} sold out before you paid; nothing was charged.")
            numbers = conn.scalars(select(tables.orders.c.number)).all()
            number = str(max((int(n) for n in numbers if n.isdigit()), default=1000) + 1)
            order_id = conn.execute(
                tables.orders.insert().values(
                    number=number,
                    email=email,
                    customer_name=" ".join(name.split()),
                    postcode=postcode,
                    status="processing",
                    currency=cart["currency"],
                    created_at=datetime.now(timezone.utc),
                    shipping_address=" ".join(address.split())[:MAX_ADDRESS_LENGTH],
                    status_token=secrets.token_urlsafe(18),
                )
            ).inserted_primary_key[0]
            for line in lines:
                conn.execute(
                    tables.order_lines.insert().values(
                        order_id=order_id,
                        variant_id=line["variant_id"],
                        title=line["title"],
                        quantity=line["quantity"],
                        price=line["price"],
                        sku=line["variant_id"].upper(),
                    )
                )
            conn.execute(tables.carts.update().where(tables.carts.c.token == token).values(order_number=number))
            return self._order(conn, self._order_row(conn, number))

    def counts(self) -> dict[str, int]:
        """Row counts, for `frontdesk demo` output and tests."""
        with self._db() as conn:
            return {
                "products": conn.scalar(select(func.count()).select_from(tables.products)),
                "variants": conn.scalar(select(func.count()).select_from(tables.variants)),
                "orders": conn.scalar(select(func.count()).select_from(tables.orders)),
            }
