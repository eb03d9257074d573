"""What the bot says: replies made of text, quick replies, cards and links.

Actions return these; the engine stores them and every channel renders them
(the web widget as bubbles and cards, the voice line as speech and a keypad menu).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    """A card button: either sends ``payload`` as the customer's next message, or opens ``url``."""

    label: str
    payload: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Card:
    """A product, order or booking shown as a card. ``buttons`` act as above."""

    title: str
    subtitle: str = ""
    image: str | None = None
    url: str | None = None
    buttons: tuple[Button, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "image": self.image,
            "url": self.url,
            "buttons": [b.to_dict() for b in self.buttons],
        }


@dataclass(frozen=True)
class Reply:
    """One bot message. ``quick_replies`` are short texts the customer can tap (or key in on the phone)."""

    text: str
    quick_replies: tuple[str, ...] = ()
    cards: tuple[Card, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
    """Machine-readable extras for channels (for example ``{"ics_url": ...}``); not shown as text."""

    def to_payload(self) -> dict[str, Any]:
        return {
            "quick_replies": list(self.quick_replies),
            "cards": [c.to_dict() for c in self.cards],
            "data": dict(self.data),
        }


def reply(text: str, quick_replies: list[str] | tuple[str, ...] = (), cards: list[Card] | tuple[Card, ...] = (), **data: Any) -> Reply:
    """Shorthand used by actions: ``reply("Done", ["Thanks"], order_number="1001")``."""
    return Reply(text=text, quick_replies=tuple(quick_replies), cards=tuple(cards), data=data)
