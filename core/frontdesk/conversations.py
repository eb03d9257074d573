"""Creating, authenticating and reading conversations.

A conversation's bearer token is shown once, at creation; only its SHA-256 is
stored. Identity comes from two places only: a shop-signed email (the widget's
``{email, signature}``, checked here against the site secret) or a caller ID
handed over by a voice transport on the server side (``trusted_phone``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy import select

from frontdesk.settings import site_settings
from frontdesk.storage import Database
from frontdesk.storage.models import Conversation, Event, utcnow

STATUSES = ("open", "handoff", "solved", "closed")
PROACTIVE_WINDOW = timedelta(days=30)
"""Proactive messages go to conversations active this recently; older ones are history, not a channel."""


class ConversationError(Exception):
    """Raised with an HTTP-ish ``status`` and a message safe to show to the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ConversationView:
    """A read-only snapshot handed to hooks and actions."""

    id: str
    site: str
    channel: str
    language: str
    status: str
    created_at: datetime
    state: dict[str, Any] = field(default_factory=dict)
    handoff_reason: str | None = None
    agent_name: str | None = None

    @property
    def slots(self) -> dict[str, Any]:
        form = self.state.get("form") or {}
        return dict(form.get("slots", {}))

    @property
    def expecting(self) -> dict[str, str] | None:
        """What the bot waits for: ``{"intent", "slot", "entity"}``, or None. Voice builds its grammar from it."""
        return self.state.get("expecting")

    @property
    def identity_email(self) -> str | None:
        return (self.state.get("identity") or {}).get("email")

    @property
    def trusted_phone(self) -> str | None:
        return (self.state.get("identity") or {}).get("phone")

    @property
    def verified_orders(self) -> list[str]:
        return list((self.state.get("memory") or {}).get("verified_orders", []))

    @classmethod
    def of(cls, row: Conversation) -> "ConversationView":
        return cls(id=row.id, site=row.site, channel=row.channel, language=row.language, status=row.status,
                   created_at=row.created_at, state=dict(row.state or {}), handoff_reason=row.handoff_reason,
                   agent_name=row.agent_name)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "site": self.site, "channel": self.channel, "language": self.language,
                "status": self.status, "created_at": self.created_at.isoformat(),
                "handoff_reason": self.handoff_reason, "agent_name": self.agent_name}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_identity(email: str, secret: str) -> str:
    """The signature a shop's server computes for a logged-in customer: hex HMAC-SHA256(email, secret)."""
    return hmac.new(secret.encode(), email.strip().lower().encode(), hashlib.sha256).hexdigest()


class Conversations:
    def __init__(self, db: Database, settings: dict[str, Any],
                 on_created: Callable[[ConversationView], None] | None = None) -> None:
        self.db = db
        self.settings = settings
        self.on_created = on_created
        """Called for every new conversation, whatever the channel (Frontdesk fires ``conversation_started``)."""

    def site(self, key: str) -> dict[str, Any]:
        site = site_settings(self.settings, key)
        if site is None:
            raise ConversationError(404, f"unknown site {key!r}")
        return site

    def _checked_identity(self, site: dict[str, Any], identity: dict[str, Any] | None) -> dict[str, Any]:
        if not identity:
            return {}
        email, signature = identity.get("email"), identity.get("signature")
        if not isinstance(email, str) or not isinstance(signature, str):
            raise ConversationError(400, "identity needs string fields 'email' and 'signature'")
        secret = site.get("secret")
        if not secret:
            raise ConversationError(400, f"site {site['key']!r} has no secret configured, so it cannot accept signed identities")
        if not hmac.compare_digest(sign_identity(email, secret), signature.strip().lower()):
            raise ConversationError(401, "identity signature does not match")
        return {"email": email.strip().lower(), "signed": True}

    def create(self, site: str, *, channel: str = "web", language: str = "en",
               identity: dict[str, Any] | None = None, trusted_phone: str | None = None) -> tuple[ConversationView, str]:
        site_conf = self.site(site)
        ident = self._checked_identity(site_conf, identity)
        if trusted_phone:
            ident["phone"] = trusted_phone
        token = secrets.token_urlsafe(32)
        row = Conversation(id=uuid.uuid4().hex, site=site, channel=channel, language=language or "en",
                           status="open", token_hash=hash_token(token), state={"identity": ident} if ident else {})
        with self.db.session() as session:
            session.add(row)
            session.add(Event(conversation_id=row.id, type="conversation.started", data={"channel": channel}))
        view = ConversationView.of(row)
        if self.on_created is not None:
            self.on_created(view)
        return view, token

    def get(self, conversation_id: str) -> ConversationView:
        with self.db.session() as session:
            row = session.get(Conversation, conversation_id)
            if row is None:
                raise ConversationError(404, "unknown conversation")
            return ConversationView.of(row)

    def authenticate(self, conversation_id: str, token: str | None) -> ConversationView:
        """The conversation if ``token`` is its bearer token; 401 otherwise (404 never leaks existence)."""
        with self.db.session() as session:
            row = session.get(Conversation, conversation_id)
            expected = row.token_hash if row is not None else hash_token("")
            if not token or not hmac.compare_digest(expected, hash_token(token)) or row is None:
                raise ConversationError(401, "missing or wrong conversation token")
            return ConversationView.of(row)

    def set_status(self, conversation_id: str, status: str, *, reason: str | None = None,
                   agent_name: str | None = None) -> ConversationView:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self.db.session() as session:
            row = session.get(Conversation, conversation_id)
            if row is None:
                raise ConversationError(404, "unknown conversation")
            row.status = status
            if status == "handoff":
                row.handoff_reason = reason or row.handoff_reason
                row.agent_name = agent_name or row.agent_name
            elif status == "open":
                row.agent_name = None
            row.updated_at = utcnow()
            session.add(Event(conversation_id=row.id, type=f"status.{status}", data={"reason": reason} if reason else {}))
            return ConversationView.of(row)

    def rate(self, conversation_id: str, score: int, comment: str | None) -> None:
        with self.db.session() as session:
            row = session.get(Conversation, conversation_id)
            if row is None:
                raise ConversationError(404, "unknown conversation")
            row.rating, row.rating_comment = score, comment
            session.add(Event(conversation_id=row.id, type="csat", data={"score": score}))

    def open_for_contact(self, *, email: str | None = None, phone: str | None = None,
                         order_number: str | None = None, product_id: str | None = None) -> list[str]:
        """Ids of open conversations whose verified identity, verified orders or stock watches match."""
        with self.db.session() as session:
            recent = utcnow() - PROACTIVE_WINDOW
            rows = session.scalars(select(Conversation).where(
                Conversation.status.in_(("open", "handoff", "solved")), Conversation.updated_at >= recent))
            matches = []
            for row in rows:
                state = row.state or {}
                ident, memory = state.get("identity") or {}, state.get("memory") or {}
                if (email and ident.get("email") == email.lower()) or (phone and ident.get("phone") == phone) \
                        or (order_number and order_number in memory.get("verified_orders", [])) \
                        or (product_id and product_id in memory.get("back_in_stock", [])):
                    matches.append(row.id)
            return matches
