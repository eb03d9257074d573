"""How the voice line talks to the conversation engine.

:class:`Bot` is the small surface a call needs; :class:`FrontdeskBot` implements it
with core's ``Frontdesk`` object so calls share intents, actions, verification,
storage and handoff with the chat widget.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Protocol

from frontdesk.hours import is_open

log = logging.getLogger("frontdesk_voice.bot")

E164 = re.compile(r"\+[1-9]\d{6,14}")


@dataclass(frozen=True)
class BotReply:
    text: str
    quick_replies: tuple[str, ...] = ()
    role: str = "bot"


class Bot(Protocol):
    def start_conversation(self, caller_id: str | None, transport: str) -> str: ...
    def handle(self, conversation_id: str, text: str) -> list[BotReply]: ...
    def expecting(self, conversation_id: str) -> dict[str, Any] | None: ...
    def status(self, conversation_id: str) -> str: ...
    def note(self, conversation_id: str, event: str, data: dict[str, Any]) -> None: ...
    def catalog(self) -> list[str]: ...
    def intent(self, name: str) -> Any: ...
    def subscribe(self, conversation_id: str) -> Any: ...
    def transfer_number(self) -> str | None: ...


def _as_reply(message: Any) -> BotReply:
    """Core returns stored messages (or Reply objects); keep text and quick replies."""
    if hasattr(message, "to_api"):
        message = message.to_api()
    if isinstance(message, dict):
        return BotReply(str(message.get("text") or ""), tuple(message.get("quick_replies") or ()), message.get("role", "bot"))
    text = getattr(message, "text", "") or ""
    quick = getattr(message, "quick_replies", None)
    if quick is None and hasattr(message, "payload"):
        quick = (getattr(message, "payload") or {}).get("quick_replies")
    if quick is None and hasattr(message, "to_dict"):
        quick = message.to_dict().get("quick_replies")
    return BotReply(str(text), tuple(quick or ()), getattr(message, "role", "bot") or "bot")


class FrontdeskBot:
    """The real engine: ``frontdesk.engine.handle(conv_id, text, channel="voice")``."""

    channel = "voice"

    def __init__(self, frontdesk: Any, site: str | None = None):
        self.frontdesk = frontdesk
        sites = frontdesk.settings.get("sites") or [{}]
        self.site = site or sites[0].get("key", "default")

    def start_conversation(self, caller_id: str | None, transport: str) -> str:
        # The phone network vouches for caller ID (Twilio's From, Asterisk's CALLERID(num)),
        # so core's verification may match it against the order's phone number.
        conversation, _token = self.frontdesk.conversations.create(self.site, channel=self.channel,
                                                                  trusted_phone=caller_id or None)
        self.frontdesk.call_event("conversation_started", conversation=conversation)
        return str(conversation.id)

    def handle(self, conversation_id: str, text: str) -> list[BotReply]:
        messages = self.frontdesk.engine.handle(conversation_id, text, channel=self.channel)
        return [_as_reply(m) for m in messages or []]

    def expecting(self, conversation_id: str) -> dict[str, Any] | None:
        view = self.frontdesk.conversations.get(conversation_id)
        return getattr(view, "expecting", None) if view is not None else None

    def status(self, conversation_id: str) -> str:
        view = self.frontdesk.conversations.get(conversation_id)
        return getattr(view, "status", "open") if view is not None else "closed"

    def note(self, conversation_id: str, event: str, data: dict[str, Any]) -> None:
        self.frontdesk.record_event(conversation_id, f"voice.{event}", data)

    def catalog(self) -> list[str]:
        """Product titles, for the grammar when the bot asks which product."""
        return self.frontdesk.catalog_names()

    def intent(self, name: str) -> Any:
        return self.frontdesk.intent(name) if name else None

    def subscribe(self, conversation_id: str) -> Any:
        """Live events of the conversation (core's bus): how a person's typed answer reaches the caller."""
        return self.frontdesk.bus.subscribe(conversation_id)

    def transfer_number(self) -> str | None:
        """Where a handed-off call goes: ``[plugins.voice] transfer_number``, only while the shop is open.

        Read from the live settings on every handoff, since the owner's settings page edits them in place.
        """
        settings = self.frontdesk.settings
        voice = {**settings.get("plugins", {}).get("voice", {}), **settings.get("voice", {})}
        number = e164(voice.get("transfer_number"))
        if voice.get("transfer_number") and number is None:
            log.warning("transfer_number %r is not an E.164 number (+ and country code); not transferring",
                        voice.get("transfer_number"))
        if number is None or not is_open(settings.get("shop", {})):
            return None
        return number


def e164(value: Any) -> str | None:
    """``+44 20 7946 0000`` → ``+442079460000``; None for anything that is not a full international number."""
    number = re.sub(r"[\s().-]", "", str(value or ""))
    return number if E164.fullmatch(number) else None
