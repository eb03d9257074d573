"""A customer's data exported and erased by email; the retention period purges old transcripts."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from frontdesk.admin.testing import csrf_token, owner_client
from frontdesk.admin import privacy
from frontdesk.cli import cli
from frontdesk.conversations import sign_identity
from frontdesk.default_plugins import admin as admin_plugin
from frontdesk.storage.models import Conversation, Event, utcnow
from frontdesk.testing import demo_settings
from frontdesk.web import create_app

NO_VOICE = {"disabled_plugins": ["voice"]}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(demo_settings(tmp_path_factory.mktemp("admin-privacy"), NO_VOICE))
    yield app
    app.extensions["frontdesk"].close_resources()


@pytest.fixture
def owner(app: Flask) -> FlaskClient:
    return owner_client(app)



def customer_data(app: Flask, email: str) -> dict[str, str]:
    """A signed-in conversation, one where the customer typed their email, a message left for the team."""
    fd = app.extensions["frontdesk"]
    signed, _ = fd.conversations.create("demo", identity={"email": email, "signature": sign_identity(email, "test-secret")})
    fd.engine.handle(signed.id, "hello, what are your opening hours")
    typed, _ = fd.conversations.create("demo")
    fd.engine.handle(typed.id, "where is my order 1001")
    fd.engine.handle(typed.id, email.upper())
    fd.record_event(None, "contact.message", {"site": "demo", "name": "Ada", "email": email, "text": "call me back"})
    other, _ = fd.conversations.create("demo")
    fd.engine.handle(other.id, "my email is grace@example.org, any news on my refund?")
    return {"signed": signed.id, "typed": typed.id, "other": other.id}


def test_export_holds_everything_about_the_customer_and_nothing_else(app: Flask, owner: FlaskClient) -> None:
    ids = customer_data(app, "ada.export@example.com")
    response = owner.post("/admin/privacy", data={"csrf_token": csrf_token(owner, "/admin/privacy"), "email": "Ada.Export@example.com",
                                                  "action": "export"})
    assert response.mimetype == "application/json" and "attachment" in response.headers["Content-Disposition"]
    document = json.loads(response.get_data(as_text=True))
    assert {c["id"] for c in document["conversations"]} == {ids["signed"], ids["typed"]}
    assert document["messages_left"][0]["text"] == "call me back"
    assert "grace@example.org" not in response.get_data(as_text=True)


def test_erase_deletes_the_customer_and_keeps_others(app: Flask, owner: FlaskClient) -> None:
    ids = customer_data(app, "ada.erase@example.com")
    unconfirmed = owner.post("/admin/privacy", data={"csrf_token": csrf_token(owner, "/admin/privacy"), "email": "ada.erase@example.com",
                                                     "confirm": "someone@else.com", "action": "erase"})
    assert "type the email address again" in unconfirmed.get_data(as_text=True)
    assert privacy.conversation_ids_for(app.extensions["frontdesk"].db, "ada.erase@example.com")
    done = owner.post("/admin/privacy", data={"csrf_token": csrf_token(owner, "/admin/privacy"), "email": "ada.erase@example.com",
                                              "confirm": "ada.erase@example.com", "action": "erase"})
    assert "Deleted 2 conversations, 1 messages left for the team" in done.get_data(as_text=True)
    fd = app.extensions["frontdesk"]
    with fd.db.session() as session:
        remaining = set(session.scalars(select(Conversation.id)))
        erased = session.scalars(select(Event).where(Event.type == "privacy.erased")).all()
        notes = [e.data for e in session.scalars(select(Event).where(Event.type == "contact.message"))]
    assert ids["signed"] not in remaining and ids["typed"] not in remaining and ids["other"] in remaining
    assert fd.messages(ids["typed"]) == []
    assert all(note["email"] != "ada.erase@example.com" for note in notes)
    record = erased[-1].data
    assert record["email_sha256"] == hashlib.sha256(b"ada.erase@example.com").hexdigest()
    assert "ada.erase" not in json.dumps(record)


def age(app: Flask, conversation_id: str, days: int) -> None:
    with app.extensions["frontdesk"].db.session() as session:
        session.get(Conversation, conversation_id).updated_at = utcnow() - timedelta(days=days)


def test_retention_purges_old_transcripts_at_startup(app: Flask) -> None:
    fd = app.extensions["frontdesk"]
    old, _ = fd.conversations.create("demo")
    fd.engine.handle(old.id, "hello")
    recent, _ = fd.conversations.create("demo")
    fd.engine.handle(recent.id, "hello")
    age(app, old.id, 100)
    age(app, recent.id, 10)
    admin_plugin.startup(fd)  # no retention period set: nothing goes
    assert fd.conversations.get(old.id)
    fd.settings.setdefault("admin", {})["retention_days"] = 30
    try:
        admin_plugin.startup(fd)
    finally:
        fd.settings["admin"]["retention_days"] = 0
    with fd.db.session() as session:
        assert session.get(Conversation, old.id) is None and session.get(Conversation, recent.id) is not None
    assert fd.messages(old.id) == []


def test_purge_command(tmp_path: Path) -> None:
    app = create_app(demo_settings(tmp_path, NO_VOICE))
    try:
        fd = app.extensions["frontdesk"]
        old, _ = fd.conversations.create("demo")
        fd.engine.handle(old.id, "hello")
        age(app, old.id, 400)
    finally:
        app.extensions["frontdesk"].close_resources()
    runner = CliRunner()
    nothing = runner.invoke(cli, ["admin", "purge", "--data-dir", str(tmp_path)])
    assert nothing.exit_code == 0 and "nothing deleted" in nothing.output
    purged = runner.invoke(cli, ["admin", "purge", "--data-dir", str(tmp_path), "--days", "365"])
    assert purged.exit_code == 0 and "Deleted 1 conversations" in purged.output
