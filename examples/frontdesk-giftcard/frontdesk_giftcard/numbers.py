"""Gift card numbers: find them in what customers type, normalise them, mask them for display.

Two formats are in use: the shop's own cards ("GC-1234-5678", printed on the card) and the
12-digit numbers of the older cards ("1234 5678 9012"). Customers type them with dashes,
spaces or nothing in between, and in any case.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from frontdesk.registry import Entity

ENTITY_TYPE = "card_number"

# "GC-1234-5678", "gc 1234 5678", "GC12345678"
PREFIXED = re.compile(r"(?<![\w-])GC[-\s]?(\d{4})[-\s]?(\d{4})(?![\w-])", re.I)
# "1234 5678 9012", "1234-5678-9012", "123456789012" (the same separator between all groups)
TWELVE_DIGITS = re.compile(r"(?<![\w+#-])(\d{4})([-\s]?)(\d{4})\2(\d{4})(?![\w-])")


def extract_card_numbers(text: str, context: dict[str, Any]) -> Iterator[Entity]:
    """Yield ``card_number`` entities whose value is the canonical form ("GC-1234-5678", "1234-5678-9012").

    Scores are 1.0: a number in one of these shapes is a gift card number rather than a phone
    number or an order number, and a full score makes it win overlaps with those readings.
    """
    for m in PREFIXED.finditer(text):
        yield Entity(ENTITY_TYPE, f"GC-{m.group(1)}-{m.group(2)}", m.group(0), m.start(), m.end(), 1.0)
    for m in TWELVE_DIGITS.finditer(text):
        yield Entity(ENTITY_TYPE, f"{m.group(1)}-{m.group(3)}-{m.group(4)}", m.group(0), m.start(), m.end(), 1.0)


def normalise(number: str) -> str:
    """The lookup key of a card number: upper-case letters and digits only ("GC12345678")."""
    return re.sub(r"[^A-Z0-9]", "", number.upper())


def mask(number: str) -> str:
    """Hide every digit but the last four, keeping the printed shape: "GC-1234-5678" → "GC-••••-5678".

    Someone reading over the customer's shoulder (or a shared transcript) learns nothing usable.
    """
    digits_seen = 0
    total = sum(ch.isdigit() for ch in number)
    out = []
    for ch in number:
        if ch.isdigit():
            digits_seen += 1
            out.append(ch if digits_seen > total - 4 else "•")
        else:
            out.append(ch)
    return "".join(out)
