"""The owner's side end to end: the real app on a real port, Debian's Chromium, the real widget as the visitor.

An agent signs in, a visitor asks the widget for a person, the conversation arrives live in the inbox, the
agent takes over and replies into the widget, hands back to the bot (which answers again) and marks it solved.
Screenshots of the inbox, a conversation and the dashboard (desktop and phone) go to docs/screenshots/
when FRONTDESK_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright; apt-get install chromium")
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from frontdesk.cli import demo_settings  # noqa: E402
from frontdesk.hours import WEEKDAYS  # noqa: E402
from frontdesk.settings import load_settings  # noqa: E402
from frontdesk.web import create_app  # noqa: E402

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
DESKTOP = {"width": 1366, "height": 860}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
HISTORY = [  # earlier conversations, so the dashboard and the inbox have something to show
    ["where is my order 1001", "ada@example.com"],
    ["what are your opening hours", "thanks"],
    ["do you ship to france"],
    ["asdfgh qwerty zxcv", "blorp the wibble", "ok"],
    ["how do I return a jacket"],
    ["I need to speak to someone please"],
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, port: int, app: Any) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.app = app
        self.fd = app.extensions["frontdesk"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = free_port()
    overrides = demo_settings("127.0.0.1", port, str(tmp_path_factory.mktemp("admin-e2e")))
    overrides["disabled_plugins"] = ["voice"]
    # Open round the clock: the handoff reply must not depend on when CI runs (the demo shop shuts at weekends).
    overrides["shop"]["hours"] = {day: "00:00-23:59:59" for day in WEEKDAYS}
    overrides["limits"] = {"conversations_per_hour_per_ip": 1000, "requests_per_minute_per_ip": 10000,
                           "messages_per_minute_per_conversation": 200}
    overrides["logging"] = {"level": "WARNING", "json": True}
    app = create_app(load_settings(None, overrides=overrides, environ={}))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    http = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    server = Server(port, app)
    seed_history(server)
    yield server
    http.shutdown()
    thread.join(timeout=5)


def seed_history(server: Server) -> None:
    for number, lines in enumerate(HISTORY):
        conversation, _ = server.fd.conversations.create("demo", channel="voice" if number == 2 else "web")
        for line in lines:
            server.fd.engine.handle(conversation.id, line)
        if number < 3:
            server.fd.mark_solved(conversation.id)
            server.fd.conversations.rate(conversation.id, 5 - number, None)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def agent_context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport=DESKTOP, locale="en-GB")
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def visitor_context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


def sign_in(page: Page, server: Server, path: str = "/admin/inbox") -> None:
    page.goto(server.base + path)
    expect(page).to_have_url(f"{server.base}/admin/login?next={path}")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill("demo-owner")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(server.base + path)


def widget_say(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Message")
    box.fill(text)
    box.press("Enter")


def test_agent_takes_over_from_the_bot_and_hands_back(agent_context: BrowserContext, visitor_context: BrowserContext,
                                                      server: Server) -> None:
    agent = agent_context.new_page()
    sign_in(agent, server)
    agent.get_by_role("navigation", name="Filter conversations").get_by_role("link", name="Needs a person").click()
    rows = agent.locator("#conversation-list li[data-id]")
    before = rows.count()

    visitor = visitor_context.new_page()
    visitor.goto(server.base + "/")
    visitor.get_by_role("button", name="Open chat").click()
    widget_say(visitor, "I want to talk to a person")
    log = visitor.get_by_role("log")
    expect(log).to_contain_text("bringing in a person")

    # it arrives live (no reload) with the in-page alert
    expect(rows).to_have_count(before + 1)
    expect(agent.locator("#notice")).to_contain_text("A customer needs a person")
    agent.locator("#conversation-list li.status-handoff a").first.click()
    expect(agent.locator("#messages")).to_contain_text("I want to talk to a person")
    conv_id = agent.locator("#conversation").get_attribute("data-id")

    agent.get_by_role("button", name="Take over").click()
    expect(agent.locator("#status-bar")).to_contain_text("Owner is answering")
    reply = agent.get_by_role("textbox", name="Reply")
    reply.fill("Hi, I'm Sam's colleague from Northwind. How can I help?")
    reply.press("Enter")
    expect(reply).to_have_value("")
    expect(log).to_contain_text("Hi, I'm Sam's colleague from Northwind. How can I help?")  # in the widget, live

    widget_say(visitor, "My jacket zip broke after a week")
    expect(agent.locator("#messages")).to_contain_text("My jacket zip broke after a week")  # back to the agent, live
    bot_messages = [m for m in server.fd.messages(conv_id) if m.role == "bot"]
    assert len(bot_messages) == 1  # the bot stayed quiet while the person had it

    agent.get_by_role("button", name="Hand back to bot").click()
    expect(agent.locator("#status-bar")).to_contain_text("The bot is answering")
    widget_say(visitor, "what are your opening hours")
    expect(log).to_contain_text("Our opening hours")
    expect(agent.locator("#messages")).to_contain_text("Our opening hours")

    agent.get_by_role("button", name="Mark solved").click()
    expect(agent.locator("#status-bar")).to_contain_text("Solved")
    assert server.fd.conversations.get(conv_id).status == "solved"
    roles = [m.role for m in server.fd.messages(conv_id)]
    assert roles.count("agent") == 1 and roles[-1] == "bot"

    agent.get_by_role("navigation", name="Filter conversations").get_by_role("link", name="All").click()
    shot(agent, "admin-inbox-desktop.png")
    agent.locator(f'#conversation-list li[data-id="{conv_id}"] a').click()
    expect(agent.locator("#messages")).to_contain_text("Our opening hours")
    shot(agent, "admin-conversation-desktop.png")


def test_search_and_filters(agent_context: BrowserContext, server: Server) -> None:
    page = agent_context.new_page()
    sign_in(page, server)
    page.get_by_role("navigation", name="Filter conversations").get_by_role("link", name="All").click()
    page.get_by_role("searchbox", name="Search conversations").fill("france")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("#conversation-list li[data-id]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("voice")  # the seeded voice call that asked about shipping to France
    rows.first.get_by_role("link").click()
    expect(page.locator("#messages")).to_contain_text("do you ship to france")
    page.get_by_role("navigation", name="Filter conversations").get_by_role("link", name="Solved").click()
    expect(page.locator("#conversation-list")).not_to_contain_text("speak to someone")


def test_dashboard_and_pages_on_a_phone(browser: Browser, server: Server) -> None:
    ctx = browser.new_context(**PHONE, locale="en-GB")
    ctx.set_default_timeout(10_000)
    try:
        page = ctx.new_page()
        sign_in(page, server, "/admin/dashboard")
        expect(page.locator('[data-metric="conversations"] .value')).not_to_have_text("0")
        no_sideways_scroll(page)
        shot(page, "admin-dashboard-phone.png", full_page=True)
        page.goto(server.base + "/admin/inbox?filter=all")
        no_sideways_scroll(page)
        shot(page, "admin-inbox-phone.png")
        page.locator("#conversation-list li[data-id] a").first.click()
        expect(page.get_by_role("textbox", name="Reply")).to_be_visible()
        expect(page.get_by_role("link", name="‹ Inbox")).to_be_visible()
        no_sideways_scroll(page)
        shot(page, "admin-conversation-phone.png")
    finally:
        ctx.close()


def test_dashboard_on_a_desktop(agent_context: BrowserContext, server: Server) -> None:
    page = agent_context.new_page()
    sign_in(page, server, "/admin/dashboard")
    expect(page.get_by_role("img", name="Conversations per day by channel")).to_be_visible()
    expect(page.locator("#not-understood")).to_contain_text("asdfgh qwerty zxcv")
    shot(page, "admin-dashboard-desktop.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert Path(download.value.path()).read_text().startswith("date,channel,conversations")


def test_settings_change_what_the_widget_is_told(agent_context: BrowserContext, server: Server) -> None:
    page = agent_context.new_page()
    sign_in(page, server, "/admin/settings")
    page.get_by_label("Greeting on this site").fill("Ahoy! Northwind's helper here.")
    page.get_by_label("Widget position").select_option("left")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    expect(page.locator("pre.snippet").first).to_contain_text(f'<script src="{server.base}/widget.js" data-site="demo" async></script>')
    config = requests.get(f"{server.base}/api/v1/sites/demo/config", timeout=10).json()
    assert config["greeting"] == "Ahoy! Northwind's helper here." and config["position"] == "left"


def shot(page: Page, name: str, full_page: bool = False) -> None:
    """Refresh docs/screenshots only when asked, so a test run leaves the tree clean."""
    if os.environ.get("FRONTDESK_UPDATE_SCREENSHOTS") == "1":
        page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
