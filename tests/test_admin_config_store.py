"""Owner-edited settings override the file config at run time; plugin credentials are encrypted at rest."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from frontdesk.admin.testing import csrf_token, owner_client
from frontdesk.admin.config_store import ConfigStore
from frontdesk.admin.models import AdminSecret
from frontdesk.testing import demo_settings
from frontdesk.web import create_app

NO_VOICE = {"disabled_plugins": ["voice"]}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(demo_settings(tmp_path_factory.mktemp("admin-config"), NO_VOICE))
    yield app
    app.extensions["frontdesk"].close_resources()


@pytest.fixture
def owner(app: Flask) -> FlaskClient:
    return owner_client(app)



def test_saved_settings_reach_the_bot_and_the_widget_at_once(app: Flask, owner: FlaskClient) -> None:
    response = owner.post("/admin/settings", data={
        "csrf_token": csrf_token(owner, "/admin/settings"),
        "policies.returns": "Returns are free for 60 days, no questions asked.",
        "shop.hours.sun": "11:00-15:00",
        "sites.demo.colour": "#aa3300",
        "sites.demo.origins": "https://shop.example\r\nhttps://www.shop.example\r\n",
    })
    assert response.status_code == 200 and "Saved" in response.get_data(as_text=True)
    fd = app.extensions["frontdesk"]
    assert fd.settings["shop"]["hours"]["sun"] == "11:00-15:00"
    assert fd.conversations.site("demo")["origins"] == ["https://shop.example", "https://www.shop.example"]
    conversation, _ = fd.conversations.create("demo")
    replies = fd.engine.handle(conversation.id, "what is your returns policy")
    assert "free for 60 days" in replies[0].text
    config = app.test_client().get("/api/v1/sites/demo/config", headers={"Origin": "https://shop.example"})
    assert config.status_code == 200 and config.get_json()["colour"] == "#aa3300"
    assert app.test_client().get("/api/v1/sites/demo/config", headers={"Origin": "http://shop.test"}).status_code == 403


def test_saved_settings_survive_a_restart(app: Flask) -> None:
    fd = app.extensions["frontdesk"]
    fd_settings_from_file = demo_settings(Path(fd.settings["data_dir"]), NO_VOICE)
    assert fd_settings_from_file["policies"]["returns"] != fd.settings["policies"]["returns"]
    ConfigStore(fd.db, fd_settings_from_file).apply()  # what the admin plugin's start-up hook does
    assert fd_settings_from_file["policies"]["returns"] == fd.settings["policies"]["returns"]
    assert fd_settings_from_file["sites"][0]["colour"] == "#aa3300"


def test_invalid_values_are_refused_with_a_reason(app: Flask, owner: FlaskClient) -> None:
    before = copy.deepcopy(app.extensions["frontdesk"].settings)
    response = owner.post("/admin/settings", data={"csrf_token": csrf_token(owner, "/admin/settings"), "shop.hours.mon": "nine till five",
                                                   "sites.demo.colour": "red", "shop.name": "Renamed"})
    html = response.get_data(as_text=True)
    assert "write hours like 09:00-17:30" in html and "use a colour like #1f6feb" in html
    assert app.extensions["frontdesk"].settings == before  # nothing saved when anything is wrong


def test_credentials_are_encrypted_at_rest_and_never_shown_back(app: Flask, owner: FlaskClient,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "shpat_0123456789abcdef0123456789ab"
    response = owner.post("/admin/settings/credentials", data={"csrf_token": csrf_token(owner, "/admin/settings"), "plugin": "shopify",
                                                                "name": "access_token", "value": secret})
    assert response.status_code == 302
    fd = app.extensions["frontdesk"]
    with fd.db.session() as session:
        row = session.scalar(select(AdminSecret).where(AdminSecret.plugin == "shopify"))
    assert secret not in row.ciphertext and "0123456789" not in row.ciphertext
    page = owner.get("/admin/settings").get_data(as_text=True)
    assert secret not in page and "••••••ab" in page
    assert fd.settings["plugins"]["shopify"]["access_token"] == secret

    fresh = demo_settings(Path(fd.settings["data_dir"]), NO_VOICE)
    ConfigStore(fd.db, fresh).apply()
    assert fresh["plugins"]["shopify"]["access_token"] == secret
    monkeypatch.setenv("FRONTDESK_SECRET_KEY", "a different key")  # a wrong key cannot read it, and nothing breaks
    wrong = demo_settings(Path(fd.settings["data_dir"]), NO_VOICE)
    ConfigStore(fd.db, wrong).apply()
    assert "access_token" not in wrong["plugins"].get("shopify", {})

    owner.post("/admin/settings/credentials", data={"csrf_token": csrf_token(owner, "/admin/settings"), "plugin": "shopify",
                                                     "name": "access_token", "action": "delete"})
    assert "access_token" not in fd.settings["plugins"]["shopify"]


def test_credentials_are_keyed_from_the_environment_secret(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    fd = app.extensions["frontdesk"]
    monkeypatch.setenv("FRONTDESK_SECRET_KEY", "owner's long random secret")
    store = ConfigStore(fd.db, fd.settings)
    store.set_secret("booking", "api_key", "cal_live_abcdefgh")
    monkeypatch.setenv("FRONTDESK_SECRET_KEY", "owner's long random secret")
    assert ("booking", "api_key", "cal_live_abcdefgh") in ConfigStore(fd.db, fd.settings).secrets()
    monkeypatch.delenv("FRONTDESK_SECRET_KEY")
    assert all(name != "api_key" for _, name, _ in ConfigStore(fd.db, fd.settings).secrets())


def test_snippet_has_the_site_key(owner: FlaskClient) -> None:
    page = owner.get("/admin/snippet").get_data(as_text=True)
    assert '&lt;script src=&#34;http://127.0.0.1:8000/widget.js&#34; data-site=&#34;demo&#34; async&gt;&lt;/script&gt;' in page
