"""The gift card book: a YAML file of cards, looked up by normalised number."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from frontdesk_giftcard.numbers import normalise

DEMO_CARDS = Path(__file__).resolve().parent / "demo_cards.yaml"
CURRENCY_SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€"}


class CardFileError(ValueError):
    """The cards file is missing or malformed."""


@dataclass(frozen=True)
class GiftCard:
    number: str
    balance: Decimal
    currency: str
    status: str = "active"
    expired_on: str | None = None

    @property
    def balance_text(self) -> str:
        symbol = CURRENCY_SYMBOLS.get(self.currency)
        return f"{symbol}{self.balance:.2f}" if symbol else f"{self.balance:.2f} {self.currency}"


def load_cards(path: str | Path | None = None) -> dict[str, GiftCard]:
    """Cards by normalised number, from ``path`` (default: the demo cards shipped with the plugin)."""
    path = Path(path) if path else DEMO_CARDS
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CardFileError(f"cannot read gift cards from {path}: {exc}") from None
    currency = str(data.get("currency", "GBP")).upper()
    cards = [_card(spec, currency, path) for spec in data.get("cards") or ()]
    return {normalise(card.number): card for card in cards}


def _card(spec: Any, currency: str, path: Path) -> GiftCard:
    try:
        return GiftCard(
            number=str(spec["number"]),
            balance=Decimal(str(spec["balance"])),
            currency=str(spec.get("currency", currency)).upper(),
            status=str(spec.get("status", "active")),
            expired_on=str(spec["expired_on"]) if spec.get("expired_on") else None,
        )
    except (KeyError, TypeError, InvalidOperation) as exc:
        raise CardFileError(f"{path}: each card needs a number and a numeric balance ({spec!r}: {exc})") from None


def find_card(number: str, path: str | Path | None = None) -> GiftCard | None:
    # Re-read on every lookup: the file is small, and the owner may edit it while the server runs.
    return load_cards(path).get(normalise(number))
