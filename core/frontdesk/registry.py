"""Registration records: what plugins hand to the ``register`` callbacks.

Each record is validated when registered; the registry stamps it with the
plugin that provided it and refuses a second registration of the same id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable

if TYPE_CHECKING:
    from frontdesk.actions import ActionContext
    from frontdesk.messages import Reply

INTENT_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


class RegistrationError(ValueError):
    """A plugin registered something invalid or something another plugin already owns."""


@dataclass(frozen=True)
class Slot:
    """A value an intent needs. The engine fills it from an entity of type ``entity`` or asks ``prompt``."""

    name: str
    entity: str
    prompt: str
    required: bool = True
    quick_replies: tuple[str, ...] = ()
    sensitive: bool = False
    """Masked in logs (emails, phone numbers, postcodes)."""


@dataclass(frozen=True)
class Intent:
    """An intent as data: hassil templates, plain examples for the statistical model, and slots.

    ``templates`` use hassil syntax: ``"(where is|track) my order [number] {order_number}"``;
    ``lists`` gives values for ``{list}`` references that are not entity slots.
    ``confirm`` (optional) is asked before the action runs, formatted with the slots.
    """

    name: str
    templates: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    slots: tuple[Slot, ...] = ()
    language: str = "en"
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    confirm: str | None = None
    description: str = ""
    label: str = ""
    """A short phrase for "did you mean" buttons (tapping it must parse back to this intent)."""
    plugin: str = ""

    def validate(self) -> None:
        if not INTENT_NAME.match(self.name):
            raise RegistrationError(f"intent name {self.name!r} must be dotted lower-case, like 'order.status'")
        if not self.templates and not self.examples:
            raise RegistrationError(f"intent {self.name!r} needs at least one template or example")
        names = [s.name for s in self.slots]
        if len(names) != len(set(names)):
            raise RegistrationError(f"intent {self.name!r} declares a slot twice")


ActionHandler = Callable[["ActionContext"], "Reply | list[Reply] | None"]


@dataclass(frozen=True)
class Action:
    """The handler that runs once an intent's required slots are filled (and confirmed)."""

    intent: str
    handler: ActionHandler
    plugin: str = ""


EntityExtractorFn = Callable[[str, dict[str, Any]], Iterable["Entity"]]


@dataclass(frozen=True)
class Entity:
    type: str
    value: Any
    text: str
    start: int = 0
    end: int = 0
    score: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        return {"type": self.type, "value": value, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class EntityExtractor:
    """Finds entities of ``types`` in text. ``fn(text, context)`` yields :class:`Entity`.

    ``context`` carries ``{"catalog": [...product names], "now": datetime, "timezone": str}``.
    """

    name: str
    types: tuple[str, ...]
    fn: EntityExtractorFn
    plugin: str = ""


KnowledgeFn = Callable[["ActionContext"], "str | None"]


@dataclass(frozen=True)
class KnowledgeAnswer:
    """A policy/FAQ answer for an intent: fixed ``text`` or ``fn(ctx)`` returning text (or None to pass)."""

    intent: str
    text: str | None = None
    fn: KnowledgeFn | None = None
    quick_replies: tuple[str, ...] = ()
    plugin: str = ""


@dataclass(frozen=True)
class Channel:
    """A way customers reach the bot (web widget, phone line, …). ``setup(app)`` may add routes."""

    name: str
    description: str = ""
    setup: Callable[[Any], None] | None = None
    plugin: str = ""


@dataclass(frozen=True)
class CommerceBackendFactory:
    name: str
    factory: Callable[[dict[str, Any]], Any]
    plugin: str = ""
