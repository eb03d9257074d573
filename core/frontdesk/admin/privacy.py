"""A customer's data on request (export, delete) and the retention period that deletes old transcripts.

A customer is found by email: a shop-signed identity, any message in which
they typed that address (order verification), and "leave a message" notes.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select

from frontdesk.storage import Database
from frontdesk.storage.models import Contact, Conversation, Event, Message, utcnow


def normalise(email: str) -> str:
    return email.strip().lower()


def conversation_ids_for(db: Database, email: str) -> list[str]:
    email = normalise(email)
    with db.session() as session:
        ids = set(session.scalars(select(Message.conversation_id).where(
            Message.role == "customer", func.lower(Message.text).contains(email))))
        for conv_id, state in session.execute(select(Conversation.id, Conversation.state)):
            state = state or {}
            identity = (state.get("identity") or {}).get("email")
            factors = (state.get("memory") or {}).get("verified_factors", {}).values()
            if identity == email or email in (str(f).lower() for f in factors):
                ids.add(conv_id)
    return sorted(ids)


def contact_notes(db: Database, email: str) -> list[Event]:
    email = normalise(email)
    with db.session() as session:
        return [e for e in session.scalars(select(Event).where(Event.type == "contact.message", Event.conversation_id.is_(None)))
                if normalise(str((e.data or {}).get("email", ""))) == email]


def export(db: Database, email: str) -> dict[str, Any]:
    """Everything stored about ``email``, as one JSON-ready document."""
    ids = conversation_ids_for(db, email)
    conversations = []
    with db.session() as session:
        for conv_id in ids:
            row = session.get(Conversation, conv_id)
            messages = session.scalars(select(Message).where(Message.conversation_id == conv_id).order_by(Message.id))
            conversations.append({
                "id": row.id, "site": row.site, "channel": row.channel, "status": row.status,
                "created_at": row.created_at.isoformat(), "rating": row.rating, "rating_comment": row.rating_comment,
                "identity": (row.state or {}).get("identity") or {},
                "messages": [{"role": m.role, "text": m.text, "created_at": m.created_at.isoformat()} for m in messages],
            })
        contacts = [{"email": c.email, "phone": c.phone, "name": c.name}
                    for c in session.scalars(select(Contact).where(func.lower(Contact.email) == normalise(email)))]
    notes = [{"created_at": e.created_at.isoformat(), **(e.data or {})} for e in contact_notes(db, email)]
    return {"email": normalise(email), "exported_at": utcnow().isoformat(), "conversations": conversations,
            "contacts": contacts, "messages_left": notes}


def erase(db: Database, email: str) -> dict[str, int]:
    """Delete every conversation, note and contact of ``email``; keep only an anonymous record that it happened."""
    ids = conversation_ids_for(db, email)
    note_ids = [e.id for e in contact_notes(db, email)]
    with db.session() as session:
        deleted = delete_conversations(session, ids)
        if note_ids:
            session.execute(delete(Event).where(Event.id.in_(note_ids)))
        contacts = session.execute(delete(Contact).where(func.lower(Contact.email) == normalise(email))).rowcount
        session.add(Event(conversation_id=None, type="privacy.erased", data={
            "email_sha256": hashlib.sha256(normalise(email).encode()).hexdigest(), "conversations": deleted}))
    return {"conversations": deleted, "messages_left": len(note_ids), "contacts": contacts or 0}


def delete_conversations(session: Any, ids: list[str]) -> int:
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        session.execute(delete(Message).where(Message.conversation_id.in_(chunk)))
        session.execute(delete(Event).where(Event.conversation_id.in_(chunk)))
        session.execute(delete(Conversation).where(Conversation.id.in_(chunk)))
    return len(ids)


def purge(db: Database, retention_days: int) -> int:
    """Delete transcripts untouched for ``retention_days`` (0 keeps everything); returns how many went."""
    if retention_days <= 0:
        return 0
    cutoff = utcnow() - timedelta(days=retention_days)
    with db.session() as session:
        ids = list(session.scalars(select(Conversation.id).where(Conversation.updated_at < cutoff)))
        count = delete_conversations(session, ids)
        session.execute(delete(Event).where(Event.conversation_id.is_(None), Event.type == "contact.message",
                                            Event.created_at < cutoff))
    return count


def retention_days(settings: dict[str, Any]) -> int:
    try:
        return max(0, int(settings.get("admin", {}).get("retention_days", 0) or 0))
    except (TypeError, ValueError):
        return 0
