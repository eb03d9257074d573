"""Conversations: tokens shown once and stored hashed; identities only from a valid signature."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from frontdesk.conversations import ConversationError, hash_token, sign_identity
from frontdesk.storage.models import Conversation


def test_token_is_stored_hashed(bot):
    with bot.frontdesk.db.session() as session:
        row = session.scalar(select(Conversation).where(Conversation.id == bot.conversation.id))
    assert row.token_hash == hash_token(bot.token) and bot.token not in row.token_hash


def test_authenticate(bot):
    conversations = bot.frontdesk.conversations
    assert conversations.authenticate(bot.conversation.id, bot.token).id == bot.conversation.id
    for token in ("", None, "x" + bot.token):
        with pytest.raises(ConversationError) as error:
            conversations.authenticate(bot.conversation.id, token)
        assert error.value.status == 401


def test_identity_needs_the_sites_signature(bot):
    conversations = bot.frontdesk.conversations
    good = {"email": "Ada@Example.com", "signature": sign_identity("ada@example.com", "test-secret")}
    view, _ = conversations.create("demo", identity=good)
    assert view.identity_email == "ada@example.com"
    with pytest.raises(ConversationError, match="signature does not match"):
        conversations.create("demo", identity={"email": "ada@example.com", "signature": sign_identity("ada@example.com", "guess")})
    with pytest.raises(ConversationError, match="string fields"):
        conversations.create("demo", identity={"email": 1})


def test_unknown_site(bot):
    with pytest.raises(ConversationError, match="unknown site"):
        bot.frontdesk.conversations.create("nope")
