"""Admin sign-in, sessions, CSRF, throttling, roles, and the `frontdesk admin create-owner` command."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from frontdesk.admin.testing import OWNER, csrf_token, log_in, owner_client
from frontdesk.admin import auth
from frontdesk.cli import cli
from frontdesk.testing import demo_settings
from frontdesk.web import create_app

NO_VOICE = {"disabled_plugins": ["voice"]}  # its start-up pre-renders prompts; these tests need no voice


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(demo_settings(tmp_path_factory.mktemp("admin-auth"), NO_VOICE))
    yield app
    app.extensions["frontdesk"].close_resources()


@pytest.fixture
def owner(app: Flask) -> FlaskClient:
    return owner_client(app)


@pytest.fixture
def handoff_conversation(app: Flask) -> tuple[str, str]:
    fd = app.extensions["frontdesk"]
    conversation, token = fd.conversations.create("demo")
    fd.engine.handle(conversation.id, "I want to talk to a person")
    assert fd.conversations.get(conversation.id).status == "handoff"
    return conversation.id, token


# --- passwords --------------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["demo-owner", "password123", "Changeme", "short1!", "aaaaaaaaaaaa",
                                      "maria.lopez-2024"])
def test_weak_and_default_passwords_are_refused(password: str) -> None:
    assert auth.password_problem(password, "maria.lopez@example.com") is not None


def test_a_long_own_password_is_accepted() -> None:
    assert auth.password_problem("copper kettle by the harbour", "maria@example.com") is None


def test_passwords_are_stored_as_scrypt_hashes(app: Flask) -> None:
    db = app.extensions["frontdesk"].db
    auth.create_agent(db, "Hash.Check@example.com", "copper kettle by the harbour")
    stored = next(a for a in auth.agents(db) if a.email == "hash.check@example.com")
    assert stored.password_hash.startswith("scrypt:") and "copper" not in stored.password_hash
    assert auth.authenticate(db, "HASH.CHECK@example.com ", "copper kettle by the harbour") is not None
    assert auth.authenticate(db, "hash.check@example.com", "copper kettle by the harbor") is None


def test_create_owner_command_refuses_default_password_and_creates_a_real_owner(tmp_path: Path) -> None:
    runner = CliRunner()
    refused = runner.invoke(cli, ["admin", "create-owner", "--email", "boss@shop.test", "--data-dir", str(tmp_path)],
                            input="demo-owner\ndemo-owner\n")
    assert refused.exit_code == 1 and "default or common password" in refused.output
    made = runner.invoke(cli, ["admin", "create-owner", "--email", "boss@shop.test", "--name", "Sam",
                               "--data-dir", str(tmp_path)], input="tidal-mango-83-lantern\ntidal-mango-83-lantern\n")
    assert made.exit_code == 0, made.output
    app = create_app(demo_settings(tmp_path, {"admin": {"demo_owner": False}, **NO_VOICE}))
    try:
        client = app.test_client()
        assert log_in(client, *OWNER).status_code == 401  # no demo owner outside the demo
        assert log_in(client, "boss@shop.test", "tidal-mango-83-lantern").status_code == 302
        assert "Sam" in client.get("/admin/inbox").get_data(as_text=True)
    finally:
        app.extensions["frontdesk"].close_resources()


# --- sessions and cookies --------------------------------------------------------------------------------


def test_login_sets_a_secure_session_cookie_and_logout_revokes_it(app: Flask) -> None:
    client = app.test_client()
    response = log_in(client, *OWNER, next_path="/admin/dashboard")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/dashboard")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(auth.COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/admin" in cookie
    assert "Secure" not in cookie  # the demo is plain http on localhost
    token = cookie.split(";")[0].split("=", 1)[1]
    assert client.get("/admin/inbox").status_code == 200
    assert client.post("/admin/logout", data={"csrf_token": csrf_token(client)}).status_code == 302
    stale = app.test_client()
    stale.set_cookie(auth.COOKIE, token, path="/admin")
    assert stale.get("/admin/inbox").status_code == 302


def test_cookie_is_secure_when_the_shop_is_served_over_https(tmp_path: Path) -> None:
    app = create_app(demo_settings(tmp_path, {"shop": {"public_url": "https://help.shop.test"}, **NO_VOICE}))
    try:
        cookie = next(c for c in log_in(app.test_client(), *OWNER).headers.getlist("Set-Cookie")
                      if c.startswith(auth.COOKIE + "="))
        assert "Secure" in cookie and "HttpOnly" in cookie
    finally:
        app.extensions["frontdesk"].close_resources()


def test_an_outside_next_address_is_ignored(app: Flask) -> None:
    response = log_in(app.test_client(), *OWNER, next_path="//evil.test/admin")
    assert response.headers["Location"].endswith("/admin/inbox")


def test_wrong_password_then_throttled_even_with_the_right_one(app: Flask) -> None:
    db = app.extensions["frontdesk"].db
    auth.create_agent(db, "throttle@example.com", "quiet-river-stone-77")
    client = app.test_client()
    for _ in range(5):
        assert log_in(client, "throttle@example.com", "guess-guess-guess").status_code == 401
    blocked = log_in(client, "throttle@example.com", "quiet-river-stone-77")
    assert blocked.status_code == 429 and "Too many failed attempts" in blocked.get_data(as_text=True)


def test_login_form_needs_its_csrf_cookie(app: Flask) -> None:
    response = app.test_client().post("/admin/login", data={"email": OWNER[0], "password": OWNER[1],
                                                            "csrf_token": "made-up"})
    assert response.status_code == 403
    assert not any(c.startswith(auth.COOKIE + "=") for c in response.headers.getlist("Set-Cookie"))


# --- authorisation ------------------------------------------------------------------------------------------


def test_without_a_session_pages_redirect_and_actions_are_refused(app: Flask, handoff_conversation: tuple[str, str]) -> None:
    conv_id, _ = handoff_conversation
    client = app.test_client()
    for path in ("/admin/inbox", f"/admin/conversations/{conv_id}", "/admin/dashboard", "/admin/settings"):
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"], path
    assert client.get("/admin/events").status_code == 401
    assert client.get("/admin/dashboard.csv", headers={"Accept": "application/json"}).status_code == 401
    for action in ("reply", "takeover", "release", "solve"):
        response = client.post(f"/admin/conversations/{conv_id}/{action}", data={"text": "sneaky"})
        assert response.status_code == 401, action
    fd = app.extensions["frontdesk"]
    assert all(m.role != "agent" for m in fd.messages(conv_id))
    assert fd.conversations.get(conv_id).status == "handoff"


def test_a_visitor_conversation_token_cannot_read_the_inbox(app: Flask, handoff_conversation: tuple[str, str]) -> None:
    conv_id, token = handoff_conversation
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    for path in ("/admin/inbox", "/admin/inbox/list", f"/admin/conversations/{conv_id}/thread", "/admin/events"):
        response = client.get(path, headers=bearer)
        assert response.status_code == 401, path
        assert "talk to a person" not in response.get_data(as_text=True)
    assert client.get(f"/admin/inbox?token={token}").status_code == 302
    client.set_cookie(auth.COOKIE, token, path="/admin")  # the token is not a session either
    assert client.get("/admin/inbox").status_code == 302


def test_every_post_needs_the_sessions_csrf_token(app: Flask, owner: FlaskClient,
                                                  handoff_conversation: tuple[str, str]) -> None:
    conv_id, _ = handoff_conversation
    other = app.test_client()
    log_in(other, *OWNER)
    others_token = csrf_token(other)
    for headers in ({}, {"X-CSRF-Token": "wrong"}, {"X-CSRF-Token": others_token}):
        response = owner.post(f"/admin/conversations/{conv_id}/reply", data={"text": "forged"}, headers=headers)
        assert response.status_code == 403
    assert owner.post("/admin/settings", data={"shop.name": "Forged"}).status_code == 403
    fd = app.extensions["frontdesk"]
    assert all(m.text != "forged" for m in fd.messages(conv_id)) and fd.settings["shop"]["name"] != "Forged"
    ok = owner.post(f"/admin/conversations/{conv_id}/reply", data={"text": "genuine", "csrf_token": csrf_token(owner)})
    assert ok.status_code == 302 and fd.messages(conv_id)[-1].text == "genuine"


def test_agents_cannot_open_owner_pages(app: Flask, handoff_conversation: tuple[str, str]) -> None:
    auth.create_agent(app.extensions["frontdesk"].db, "staff@example.com", "amber-otter-window-12", name="Jo")
    client = app.test_client()
    assert log_in(client, "staff@example.com", "amber-otter-window-12").status_code == 302
    for path in ("/admin/settings", "/admin/team", "/admin/privacy"):
        assert client.get(path).status_code == 403, path
    assert client.post("/admin/privacy", data={"email": "ada@example.com", "action": "export",
                                               "csrf_token": csrf_token(client)}).status_code == 403
    conv_id, _ = handoff_conversation
    assert client.get(f"/admin/conversations/{conv_id}").status_code == 200
    assert client.get("/admin/dashboard").status_code == 200


def test_admin_pages_send_security_headers(owner: FlaskClient) -> None:
    response = owner.get("/admin/inbox")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Cache-Control"] == "no-store"
