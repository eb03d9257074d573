"""The commerce contract: what a shop back end must answer so the built-in intents work.

The demo store, Shopify and WooCommerce plugins each register a factory for a
:class:`CommerceBackend` through the ``register_commerce_backends`` hook. The
built-in actions only ever talk to this protocol, so every commerce intent
behaves the same whichever shop is connected.

Back ends never decide who may see an order: they return the order for a
number, and the core compares the email or postcode itself
(:mod:`frontdesk.verification`). A back end that cannot be reached raises
:class:`BackendUnavailable`; the core then tells the customer honestly and
offers a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable, Protocol, runtime_checkable


class BackendError(Exception):
    """Base class for errors a back end raises on purpose."""


class BackendUnavailable(BackendError):
    """The shop cannot be reached now (timeout, 5xx, throttled past retries, bad credentials)."""


class ActionNotAllowed(BackendError):
    """The shop's policy or the order's state forbids this (for example cancelling a shipped order).

    ``reason`` is safe to show to the verified customer.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Variant:
    id: str
    title: str
    """Human name of the variant, e.g. ``"10 / Blue"``."""
    options: dict[str, str] = field(default_factory=dict)
    """Option name → value, lower-case names: ``{"size": "10", "colour": "blue"}``."""
    price: Decimal = Decimal("0")
    sku: str = ""
    inventory: int | None = None
    """Units in stock, or None when the shop does not track it."""
    available: bool = True


@dataclass(frozen=True)
class Product:
    id: str
    title: str
    price: Decimal
    currency: str = "USD"
    url: str | None = None
    image: str | None = None
    description: str = ""
    tags: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()

    @property
    def available(self) -> bool:
        return any(v.available for v in self.variants) if self.variants else True

    def variant_matching(self, wanted: dict[str, str]) -> Variant | None:
        """The first variant whose options contain every ``wanted`` option (case-insensitive)."""
        wanted_l = {k.lower(): str(v).lower() for k, v in wanted.items()}
        for variant in self.variants:
            opts = {k.lower(): str(v).lower() for k, v in variant.options.items()}
            if all(opts.get(k) == v for k, v in wanted_l.items()):
                return variant
        return None


@dataclass(frozen=True)
class OrderLine:
    title: str
    quantity: int
    price: Decimal = Decimal("0")
    sku: str = ""


ORDER_STATUSES = ("pending", "processing", "shipped", "delivered", "cancelled", "refunded", "on-hold")


@dataclass(frozen=True)
class Order:
    id: str
    """The back end's own id (may differ from the number customers see)."""
    number: str
    """The number printed on the customer's receipt, without ``#``."""
    email: str
    status: str
    """One of :data:`ORDER_STATUSES`."""
    postcode: str = ""
    phone: str = ""
    customer_name: str = ""
    lines: tuple[OrderLine, ...] = ()
    total: Decimal = Decimal("0")
    currency: str = "USD"
    created_at: datetime | None = None
    carrier: str = ""
    tracking_number: str = ""
    tracking_url: str = ""
    status_url: str = ""
    invoice_url: str = ""
    shipping_address: str = ""
    refund_status: str = ""
    """Empty, or ``requested``, ``approved``, ``refunded``, ``rejected``."""


@dataclass(frozen=True)
class CartLine:
    variant_id: str
    quantity: int = 1


@dataclass(frozen=True)
class Checkout:
    url: str
    total: Decimal | None = None
    currency: str = "USD"


@runtime_checkable
class CommerceBackend(Protocol):
    """What a shop back end implements. Every method may raise :class:`BackendUnavailable`."""

    name: str

    def search_products(self, query: str, *, limit: int = 5) -> list[Product]:
        """Products matching a free-text query, best first. Loose spelling is the caller's job
        (the core fuzzy-matches against :meth:`catalog_names` first)."""
        ...

    def get_product(self, product_id: str) -> Product | None: ...

    def catalog_names(self) -> list[str]:
        """Every product title, for fuzzy entity matching. Called at start-up and cached briefly."""
        ...

    def find_order(self, number: str) -> Order | None:
        """The order with this customer-facing number, or None. Never shown before verification."""
        ...

    def create_checkout(self, lines: list[CartLine], *, email: str | None = None) -> Checkout: ...

    def cancel_order(self, order: Order) -> Order:
        """Cancel, or raise :class:`ActionNotAllowed` with a reason."""
        ...

    def change_shipping_address(self, order: Order, address: str) -> Order:
        """Change the address, or raise :class:`ActionNotAllowed`."""
        ...

    def request_refund(self, order: Order, reason: str) -> Order:
        """Record a refund request, or raise :class:`ActionNotAllowed`."""
        ...


CommerceFactory = Callable[[dict[str, Any]], CommerceBackend]
"""Builds a back end from its settings table (``[plugins.<name>]`` in the config)."""
