"""ActionContext: everything an action needs, and nothing that lets it skip verification."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from frontdesk.commerce import BackendUnavailable, CommerceBackend, Order
from frontdesk.conversations import ConversationView
from frontdesk.messages import Reply, reply
from frontdesk.registry import Entity
from frontdesk.verification import VerificationResult

if TYPE_CHECKING:
    from frontdesk.app_state import Frontdesk


@dataclass
class FormRequest:
    """Returned (inside a Reply's data) by :meth:`ActionContext.ask`: keep the form open for ``slot``."""

    slot: str
    entity: str


@dataclass
class ActionContext:
    frontdesk: "Frontdesk"
    intent: str
    text: str
    conversation: ConversationView
    slots: dict[str, Any]
    entities: list[Entity]
    memory: dict[str, Any]
    channel: str = "web"
    language: str = "en"
    asks: list[FormRequest] = field(default_factory=list)
    handoff_reason: str | None = None
    cleared_slots: set[str] = field(default_factory=set)
    verification: VerificationResult | None = None
    solved: bool = False

    @property
    def settings(self) -> dict[str, Any]:
        return self.frontdesk.settings

    @property
    def shop(self) -> dict[str, Any]:
        return self.frontdesk.settings["shop"]

    def plugin_settings(self, name: str) -> dict[str, Any]:
        return dict(self.frontdesk.settings.get("plugins", {}).get(name, {}))

    @property
    def commerce(self) -> CommerceBackend:
        backend = self.frontdesk.commerce
        if backend is None:
            raise BackendUnavailable("no shop back end is configured ([commerce] backend)")
        return backend

    def entity(self, entity_type: str) -> Entity | None:
        return next((e for e in self.entities if e.type == entity_type), None)

    def verified_order(self) -> Order | None:
        """The order in slot ``order_number`` if slot ``verifier`` (or the signed identity) matches it.

        The result is cached on the context; :attr:`verification` tells ``mismatch`` from ``throttled``.
        """
        if self.verification is None:
            number = str(self.slots.get("order_number") or "")
            factors = [str(self.slots.get("verifier") or "")]
            self.verification = self.frontdesk.verifier.verify(self.commerce, self.conversation.id, number, factors)
            if self.verification.ok:
                verified = self.memory.setdefault("verified_orders", [])
                if self.verification.order.number not in verified:
                    verified.append(self.verification.order.number)
        return self.verification.order if self.verification.ok else None

    def ask(self, slot: str, prompt: str, quick_replies: tuple[str, ...] | list[str] = (), entity: str = "text") -> Reply:
        """Keep this intent's form open: the customer's next message fills ``slot``, then the action runs again."""
        self.asks.append(FormRequest(slot=slot, entity=entity))
        self.cleared_slots.add(slot)
        return reply(prompt, quick_replies)

    def clear_slots(self, *names: str) -> None:
        """Forget slots (for example a wrong order number) so the form asks for them again."""
        self.cleared_slots.update(names)

    def handoff(self, reason: str = "plugin", note: str = "") -> Reply:
        """Flag the conversation for a person; the bot stays quiet until an agent releases it."""
        self.handoff_reason = reason
        if note:
            self.memory.setdefault("handoff_notes", []).append(note)
        return self.frontdesk.engine.handoff_reply(self.conversation.site)

    def mark_solved(self) -> None:
        """The customer's request is done: the conversation becomes ``solved`` (and the widget may ask for a rating)."""
        self.solved = True

    def emit(self, event_type: str, data: dict[str, Any] | None = None) -> None:
        self.frontdesk.record_event(self.conversation.id, event_type, data or {})
