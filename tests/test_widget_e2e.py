"""The chat widget end to end: the real core app on a real port, the committed bundle, Debian's Chromium.

The host pages come from a second little HTTP server at http://localhost:HOSTPORT (an origin the test sites
allow), while the snippet loads the widget and talks to http://127.0.0.1:PORT — a cross-origin embed, as on a
real shop. The same host server reached as http://127.0.0.1:HOSTPORT is an origin the sites do not allow.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import logging

import pytest

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (see widget/README.md)")
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from frontdesk.cli import demo_settings  # noqa: E402
from frontdesk.settings import load_settings  # noqa: E402
from frontdesk.web import create_app  # noqa: E402

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
DEMO_SECRET = "widget-test-secret"

HOSTILE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hostile host</title>
<style>
  * { font-family: "Comic Sans MS", cursive !important; color: #f0f !important; letter-spacing: 3px !important; }
  div, button, p, textarea, span, ul, li, form, h2 { all: unset !important; display: inline !important;
      font-size: 40px !important; background: lime !important; border: 9px dotted red !important; }
  frontdesk-widget { display: none !important; position: static !important; }
  button:focus { outline: none !important; }
  .fd-bubble, .fd-launcher { background: navy !important; }
</style>
<script>
  // Hostile but ordinary page scripts: a global named like ours, polluted prototypes, a focus owner.
  window.fd = "host's own fd";
  Object.prototype.polluted = "yes";
  window.define = function () { throw new Error("hostile AMD loader"); }; window.define.amd = true;
  window.__lastFocus = null;
  document.addEventListener("focusin", function (e) { window.__lastFocus = e.target.id || e.target.tagName; });
</script>
</head><body>
<h1 id="title">Host shop</h1>
<p class="fd-bubble" id="host-bubble">A host element that shares a class name with the widget.</p>
<a href="#one" id="first-link">First link</a>
<input id="search" aria-label="Search the shop" autofocus>
<div style="height: 1500px">tall content</div>
<script>
  window.__baseline = {globals: Object.keys(window), rect: JSON.stringify(document.getElementById("title").getBoundingClientRect()),
                       height: document.documentElement.scrollHeight};
</script>
<script src="__BASE__/widget.js" data-site="__SITE__" __ATTRS__ async></script>
</body></html>
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HostPages(BaseHTTPRequestHandler):
    """The shop's own web server: serves whatever HTML the test put in ``pages``."""

    pages: dict[str, str] = {}
    headers_for: dict[str, dict[str, str]] = {}

    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?")[0]
        body = self.pages.get(path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        for name, value in self.headers_for.get(path, {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write((body or "not found").encode())

    def log_message(self, *args: Any) -> None:
        pass


class Server:
    def __init__(self, port: int, app: Any, host_port: int) -> None:
        self.port = port
        self.app = app
        self.fd = app.extensions["frontdesk"]
        self.base = f"http://127.0.0.1:{port}"
        self.host_origin = f"http://localhost:{host_port}"
        self.foreign_origin = f"http://127.0.0.1:{host_port}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = free_port()
    pages = ThreadingHTTPServer(("127.0.0.1", 0), HostPages)
    host_port = pages.server_address[1]
    threading.Thread(target=pages.serve_forever, daemon=True).start()
    overrides = demo_settings("127.0.0.1", port, str(tmp_path_factory.mktemp("widget-demo")))
    origins = overrides["sites"][0]["origins"] + [f"http://localhost:{host_port}"]  # the demo's own pages, and the host's
    overrides["sites"][0]["origins"] = origins
    overrides["disabled_plugins"] = ["voice", "booking", "shopify", "giftcard"]  # not needed here; voice takes ~20 s to start
    overrides["sites"][0]["secret"] = DEMO_SECRET
    overrides["sites"] += [
        {"key": "consent", "origins": origins, "consent_required": True, "languages": ["en"]},
        {"key": "proactive", "origins": origins, "proactive_delay_ms": 300, "proactive_message": "Need a hand finding gear?",
         "colour": "#ffd400", "position": "left", "languages": ["en", "es", "fr", "de", "ar"]},
    ]
    overrides["limits"] = {"conversations_per_hour_per_ip": 1000, "requests_per_minute_per_ip": 10000,
                           "messages_per_minute_per_conversation": 200}
    overrides.setdefault("logging", {})["level"] = "WARNING"
    app = create_app(load_settings(None, overrides=overrides, environ={}))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    http = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield Server(port, app, host_port)
    http.shutdown()
    pages.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def host_page(server: Server, site: str = "demo", attrs: str = "", base: str | None = None) -> str:
    return (HOSTILE_PAGE.replace("__BASE__", base or server.base).replace("__SITE__", site)
            .replace("__ATTRS__", attrs))


@pytest.fixture
def context(browser: Browser, server: Server) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


def serve_host(path: str, server: Server, **kwargs: Any) -> str:
    HostPages.pages[path] = host_page(server, **kwargs)
    return server.host_origin + path


@pytest.fixture(scope="module", autouse=True)
def default_pages(server: Server) -> None:
    serve_host("/shop.html", server)


def open_shop(ctx: BrowserContext, server: Server, path: str = "/shop.html") -> Page:
    page = ctx.new_page()
    page.goto(server.host_origin + path)
    expect(launcher(page)).to_be_visible()
    return page


def launcher(page: Page, name: str = "Open chat"):  # noqa: ANN201
    return page.get_by_role("button", name=name)


def open_chat(page: Page) -> None:
    launcher(page).click()
    expect(page.get_by_role("dialog")).to_be_visible()


def say(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Message")
    box.fill(text)
    box.press("Enter")


def log(page: Page):  # noqa: ANN201
    return page.get_by_role("log")


def saved(page: Page, site: str = "demo") -> dict[str, Any]:
    raw = page.evaluate(f"localStorage.getItem('frontdesk:{site}')")
    return json.loads(raw) if raw else {}


def wait_for_count(page: Page, selector: str, count: int, at_least: bool = False) -> None:
    op = ">=" if at_least else "==="
    page.wait_for_function(
        f"() => document.querySelector('frontdesk-widget').shadowRoot.querySelectorAll({selector!r}).length {op} {count}")


def message_ids(page: Page) -> list[int]:
    return [int(i) for i in page.locator(".fd-msg[data-id]").evaluate_all("els => els.map(e => e.dataset.id)")]


# --- isolation ---------------------------------------------------------------------------------------


def test_snippet_is_isolated_on_a_hostile_page(context: BrowserContext, server: Server) -> None:
    page = context.new_page()
    page.goto(server.host_origin + "/shop.html")
    expect(launcher(page)).to_be_visible()
    page.wait_for_function("() => document.querySelector('frontdesk-widget').shadowRoot.querySelector('.fd-panel')")
    before = page.evaluate("window.__baseline")
    after = page.evaluate("() => ({globals: Object.keys(window), rect: JSON.stringify(document.getElementById('title').getBoundingClientRect()), height: document.documentElement.scrollHeight})")
    assert sorted(set(after["globals"]) - set(before["globals"]) - {"__baseline"}) == ["Frontdesk"]
    assert after["rect"] == before["rect"] and after["height"] == before["height"]  # no layout shift
    # the host's autofocused search box keeps focus
    assert page.evaluate("[document.activeElement.id, window.__lastFocus]") == ["search", "search"]
    # host CSS does not leak in ...
    style = launcher(page).evaluate("b => { const s = getComputedStyle(b); return [s.backgroundColor, s.fontSize, s.borderTopStyle, s.display] }")
    assert style == ["rgb(31, 111, 235)", "15px", "none", "flex"]
    # ... and the widget's CSS does not leak out
    assert page.evaluate("getComputedStyle(document.getElementById('host-bubble')).backgroundColor") == "rgb(0, 0, 128)"
    assert page.evaluate("window.fd") == "host's own fd"
    open_chat(page)
    font = page.get_by_role("textbox", name="Message").evaluate("e => getComputedStyle(e).fontSize")
    assert font == "15px"
    assert page.evaluate("Frontdesk.version") == "0.1.0"
    page.get_by_role("button", name="Close chat").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.evaluate("Frontdesk.open()")  # the one global's API
    expect(page.get_by_role("dialog")).to_be_visible()


# --- the conversation --------------------------------------------------------------------------------


def test_order_lookup_quick_replies_reload_and_second_tab(context: BrowserContext, server: Server) -> None:
    page = open_shop(context, server)
    open_chat(page)
    expect(page.get_by_role("textbox", name="Message")).to_be_focused()
    say(page, "where is my order 1001")
    expect(log(page)).to_contain_text("where is my order 1001")
    expect(log(page)).to_contain_text(re.compile(r"email|postcode", re.I))
    say(page, "ada@example.com")
    expect(log(page)).to_contain_text(re.compile(r"shipped", re.I))
    quick = page.get_by_role("group", name="Suggested replies").get_by_role("button")
    expect(quick.first).to_be_visible()
    choice = quick.first.inner_text()
    count_before = len(message_ids(page))
    quick.first.click()
    expect(page.locator(".fd-customer .fd-bubble", has_text=choice)).to_have_count(1)
    wait_for_count(page, ".fd-msg[data-id]", count_before + 2, at_least=True)
    ids = message_ids(page)
    assert ids == sorted(ids) and len(ids) == len(set(ids))

    # reload: the same conversation, still open in this tab, nothing doubled
    page.reload()
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(log(page)).to_contain_text("ada@example.com")
    wait_for_count(page, ".fd-msg[data-id]", len(ids))
    assert message_ids(page) == ids
    assert page.evaluate("document.activeElement.id") == "search"  # reopened without stealing focus

    # a second tab shows the conversation and stays in sync both ways
    other = open_shop(context, server)
    open_chat(other)
    expect(log(other)).to_contain_text("ada@example.com")
    say(other, "thanks, from the second tab")
    expect(log(page)).to_contain_text("thanks, from the second tab")
    expect(page.locator(".fd-customer", has_text="thanks, from the second tab")).to_have_count(1)


def bubbles(page: Page, text: str):  # noqa: ANN201
    return page.locator(".fd-msg", has_text=text)


def test_offline_then_reconnect_loses_and_doubles_nothing(context: BrowserContext, server: Server) -> None:
    page = open_shop(context, server)
    open_chat(page)
    say(page, "hello")
    expect(page.locator(".fd-bot[data-id]")).to_have_count(1)
    conversation_id = saved(page)["id"]

    context.set_offline(True)
    expect(page.get_by_role("status").filter(has_text="offline")).to_be_visible()
    say(page, "where is my order 1001")
    expect(bubbles(page, "where is my order 1001")).to_contain_text("Sending")
    server.fd.store_message(conversation_id, "bot", "A note posted while you were offline.")
    time.sleep(0.5)
    expect(bubbles(page, "posted while you were offline")).to_have_count(0)
    assert saved(page)["outbox"][0]["text"] == "where is my order 1001"  # survives a reload while offline

    context.set_offline(False)
    expect(bubbles(page, "posted while you were offline")).to_have_count(1)
    expect(page.locator(".fd-customer[data-id]", has_text="where is my order 1001")).to_have_count(1)
    expect(page.locator(".fd-pending")).to_have_count(0)
    expect(page.locator(".fd-bot[data-id]")).to_have_count(3)  # hello reply, the note, the order question
    ids = message_ids(page)
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    stored = [m.text for m in server.fd.messages(conversation_id)]
    assert stored.count("where is my order 1001") == 1
    assert saved(page).get("outbox") == []


def test_http_fallback_when_websockets_are_blocked(context: BrowserContext, server: Server) -> None:
    attempts: list[str] = []

    def refuse(ws: Any) -> None:  # a proxy that accepts the upgrade and drops it at once
        attempts.append(ws.url)
        ws.close()

    context.route_web_socket(re.compile(r".*/ws\?token=.*"), refuse)
    page = open_shop(context, server)
    open_chat(page)
    say(page, "where is my order 1001")
    expect(log(page)).to_contain_text(re.compile(r"email|postcode", re.I))
    conversation_id = saved(page)["id"]
    server.fd.post_agent_message(conversation_id, "Sam here, checking for you.", "Sam")
    expect(log(page)).to_contain_text("Sam here, checking for you.", timeout=15_000)  # arrives by polling
    assert len(attempts) >= 1
    expect(page.locator(".fd-customer[data-id]", has_text="where is my order 1001")).to_have_count(1)


def test_markup_from_bot_and_customer_is_inert(context: BrowserContext, server: Server) -> None:
    page = open_shop(context, server)
    page.on("dialog", lambda d: d.dismiss())
    open_chat(page)
    customer_payloads = ['<img src=x onerror="window.__xss=1">', "<script>window.__xss=2</script>",
                         "[click me](javascript:window.__xss=3)"]
    for payload in customer_payloads:
        say(page, payload)
    expect(page.locator(".fd-customer[data-id]")).to_have_count(3)
    conversation_id = saved(page)["id"]
    server.fd.store_message(
        conversation_id, "bot",
        "<img src=x onerror=window.__xss=4> **bold** and [a safe link](https://example.com/a) and [bad](javascript:window.__xss=5)\n- one\n- two",
        payload={"quick_replies": ["<img src=x onerror=window.__xss=6>"],
                 "cards": [{"title": "<b onmouseover=window.__xss=7>Card</b>", "subtitle": "<i>sub</i>",
                            "image": "javascript:window.__xss=8", "url": "javascript:window.__xss=9",
                            "buttons": [{"label": "Open", "url": "javascript:window.__xss=10"},
                                        {"label": "<u>Buy</u>", "payload": "buy it"}]}]})
    expect(log(page)).to_contain_text("<img src=x onerror=window.__xss=4>")
    widget_log = log(page)
    assert widget_log.locator("img, script, b, i, u").count() == 0
    assert widget_log.locator("strong").first.inner_text() == "bold"
    hrefs = widget_log.locator("a").evaluate_all("els => els.map(a => a.href)")
    assert hrefs == ["https://example.com/a"]
    expect(widget_log.locator("li", has_text="two")).to_have_count(1)
    expect(page.get_by_role("button", name="<img src=x onerror=window.__xss=6>")).to_be_visible()
    page.get_by_role("button", name="<u>Buy</u>").hover()
    page.locator(".fd-card h3").hover()
    for payload in customer_payloads:
        expect(page.locator(".fd-customer .fd-bubble", has_text=payload.split("(")[0])).to_have_count(1)
    assert page.evaluate("window.__xss") is None


def test_keyboard_only(context: BrowserContext, server: Server) -> None:
    page = open_shop(context, server)
    assert page.evaluate("document.activeElement.id") == "search"
    page.keyboard.press("Tab")
    focused = "() => { const a = document.activeElement; return a && a.shadowRoot && a.shadowRoot.activeElement ? a.shadowRoot.activeElement.getAttribute('aria-label') : null }"
    assert page.evaluate(focused) == "Open chat"
    outline = launcher(page).evaluate("b => getComputedStyle(b).outlineStyle + ' ' + getComputedStyle(b).outlineWidth")
    assert outline == "solid 3px"  # visible focus
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.get_by_role("textbox", name="Message")).to_be_focused()
    page.keyboard.type("where is my order 1001")
    page.keyboard.press("Enter")
    expect(log(page)).to_contain_text(re.compile(r"email|postcode", re.I))
    page.keyboard.type("ada@example.com")
    page.keyboard.press("Enter")
    quick = page.get_by_role("group", name="Suggested replies").get_by_role("button")
    expect(quick.first).to_be_visible()
    last_choice = quick.last.inner_text()
    page.keyboard.press("Shift+Tab")  # the quick replies sit just before the message box
    assert page.evaluate("document.activeElement.shadowRoot.activeElement.textContent") == last_choice
    page.keyboard.press("Enter")
    expect(page.locator(".fd-customer .fd-bubble", has_text=last_choice)).to_have_count(1)
    page.get_by_role("textbox", name="Message").focus()
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == "Send"
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert page.evaluate(focused) == "Open chat"


def test_arabic_is_right_to_left(context: BrowserContext, server: Server) -> None:
    serve_host("/ar.html", server, attrs='data-language="ar"')
    page = context.new_page()
    page.goto(server.host_origin + "/ar.html")
    launcher(page, "افتح الدردشة").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    box = page.get_by_role("textbox", name="رسالة")
    assert box.evaluate("e => getComputedStyle(e).direction") == "rtl"
    box.fill("مرحبا")
    page.get_by_role("button", name="إرسال").click()
    expect(page.locator(".fd-customer[data-id]")).to_have_count(1)
    customer = page.locator(".fd-customer .fd-bubble").bounding_box()
    greeting = page.locator(".fd-bot .fd-bubble").first.bounding_box()
    assert customer and greeting and customer["x"] < greeting["x"]  # the visitor's side is the left in RTL
    expect(page.get_by_role("button", name="أغلق الدردشة")).to_be_visible()


def test_foreign_origin_is_refused(context: BrowserContext, server: Server) -> None:
    page = context.new_page()
    warnings: list[str] = []
    page.on("console", lambda m: warnings.append(m.text))
    page.goto(server.foreign_origin + "/shop.html")
    page.wait_for_function("() => window.Frontdesk !== undefined")
    deadline = time.time() + 5
    while not any("allowed origins" in w for w in warnings) and time.time() < deadline:
        page.wait_for_timeout(100)
    assert any("allowed origins" in w for w in warnings)
    assert page.locator("frontdesk-widget").count() == 0
    status = page.evaluate("""base => fetch(base + '/api/v1/conversations', {method: 'POST',
        headers: {'Content-Type': 'application/json'}, body: JSON.stringify({site: 'demo'})}).then(r => r.status, () => 'blocked')""",
                           server.base)
    assert status in (403, "blocked")  # CORS hides the 403 body from the page; the server refused it either way
    conversation, token = server.fd.conversations.create("demo", channel="web")
    ws_url = f"ws://127.0.0.1:{server.port}/api/v1/conversations/{conversation.id}/ws?token={token}"
    probe = """url => new Promise(done => { const ws = new WebSocket(url);
        ws.onopen = () => { done('open'); ws.close(); }; ws.onclose = () => done('refused'); })"""
    assert page.evaluate(probe, ws_url) == "refused"
    allowed = open_shop(context, server)
    assert allowed.evaluate(probe, ws_url) == "open"  # the same socket from an allowed origin


def test_agent_unread_badge_csat_transcript_and_start_over(context: BrowserContext, server: Server) -> None:
    page = open_shop(context, server)
    open_chat(page)
    say(page, "hello there")
    expect(page.locator(".fd-bot[data-id]")).to_have_count(1)
    conversation_id = saved(page)["id"]
    other = open_shop(context, server)
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()

    server.fd.post_agent_message(conversation_id, "Hi, **Sam** here. I'll look into it.", "Sam")
    expect(launcher(page, "Open chat (1 unread)")).to_be_visible()
    expect(page.locator(".fd-badge")).to_have_text("1")
    open_chat(page)
    expect(page.locator(".fd-badge")).to_be_hidden()
    expect(page.locator(".fd-head")).to_contain_text("Sam")
    expect(page.locator(".fd-agent .fd-meta")).to_have_text("SSam")
    expect(log(page)).to_contain_text("Sam joined the conversation")
    expect(page.locator(".fd-agent strong")).to_have_text("Sam")
    assert page.locator(".fd-agent time[datetime]").count() == 1  # timestamps
    server.fd.publish(conversation_id, {"type": "typing", "role": "agent", "on": True})
    expect(page.locator(".fd-typing")).to_be_visible()
    expect(page.locator(".fd-typing")).to_contain_text("Sam is typing")
    server.fd.publish(conversation_id, {"type": "typing", "role": "agent", "on": False})
    expect(page.locator(".fd-typing")).to_be_hidden()

    server.fd.mark_solved(conversation_id)
    page.get_by_role("button", name="Rate 4 out of 5").click()
    page.get_by_role("textbox", name="Comment (optional)").fill("Quick and kind")
    page.get_by_role("button", name="Send rating").click()
    expect(page.get_by_text("Thanks for your feedback!")).to_be_visible()
    from frontdesk.storage.models import Conversation

    with server.fd.db.session() as session:
        row = session.get(Conversation, conversation_id)
        assert (row.rating, row.rating_comment) == (4, "Quick and kind")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download transcript").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "hello there" in text and "Sam" in text

    page.get_by_role("button", name="Start over").click()
    expect(page.locator(".fd-msg[data-id]")).to_have_count(0)
    assert "id" not in saved(page)
    deadline = time.time() + 5
    while server.fd.conversations.get(conversation_id).status != "closed" and time.time() < deadline:
        time.sleep(0.05)
    assert server.fd.conversations.get(conversation_id).status == "closed"
    expect(other.locator(".fd-msg[data-id]")).to_have_count(0)  # the other tab followed


def test_consent_gate_keeps_storage_empty_until_accepted(context: BrowserContext, server: Server) -> None:
    serve_host("/consent.html", server, site="consent")
    page = context.new_page()
    page.goto(server.host_origin + "/consent.html")
    open_chat(page)
    accept = page.get_by_role("button", name="Accept and chat")
    expect(accept).to_be_focused()
    expect(page.get_by_role("textbox", name="Message")).to_be_hidden()
    stored = "() => Object.keys(localStorage).concat(Object.keys(sessionStorage)).filter(k => k.startsWith('frontdesk'))"
    assert page.evaluate(stored) == []
    accept.click()
    say(page, "hello")
    expect(page.locator(".fd-bot[data-id]")).to_have_count(1)
    assert saved(page, "consent")["consent"] is True and saved(page, "consent")["id"]


def test_proactive_greeting_colour_and_position(context: BrowserContext, server: Server) -> None:
    serve_host("/proactive.html", server, site="proactive")
    page = context.new_page()
    page.goto(server.host_origin + "/proactive.html")
    bubble = page.get_by_role("status").filter(has_text="Need a hand finding gear?")
    expect(bubble).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "search"
    colours = launcher(page).evaluate("b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]")
    assert colours == ["rgb(255, 212, 0)", "rgb(0, 0, 0)"]  # dark text on a light brand colour (AA)
    assert launcher(page).bounding_box()["x"] < 100  # position: left
    page.get_by_role("button", name="Dismiss").click()
    expect(bubble).to_be_hidden()
    page.reload()
    expect(launcher(page)).to_be_visible()
    page.wait_for_timeout(800)
    expect(bubble).to_be_hidden()


def test_out_of_hours_leave_a_message(context: BrowserContext, server: Server) -> None:
    def closed_now(route: Any) -> None:  # the real config, as the server would send it outside opening hours
        response = route.fetch()
        config = response.json()
        config["open_now"] = False
        route.fulfill(response=response, json=config)

    context.route(re.compile(r".*/api/v1/sites/demo/config$"), closed_now)
    page = open_shop(context, server)
    open_chat(page)
    expect(page.get_by_role("note")).to_contain_text("We're away right now.")
    page.get_by_role("button", name="Leave a message").click()
    page.get_by_role("textbox", name="Name").fill("Grace")
    page.get_by_role("textbox", name="Email").fill("grace@example.com")
    page.get_by_role("textbox", name="Your message").fill("Do you restock the Trail Runner in size 9?")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Thanks! We'll reply by email.")).to_be_visible()
    from sqlalchemy import select

    from frontdesk.storage.models import Event

    with server.fd.db.session() as session:
        events = session.scalars(select(Event).where(Event.type == "contact.message")).all()
        assert any(e.data.get("email") == "grace@example.com" for e in events)


def test_signed_identity_skips_verification_and_bad_signature_is_refused(context: BrowserContext, server: Server) -> None:
    signature = hmac.new(DEMO_SECRET.encode(), b"ada@example.com", hashlib.sha256).hexdigest()
    serve_host("/signed.html", server, attrs=f'data-email="ada@example.com" data-signature="{signature}"')
    page = context.new_page()
    page.goto(server.host_origin + "/signed.html")
    open_chat(page)
    say(page, "where is my order 1001")
    expect(log(page)).to_contain_text(re.compile(r"shipped", re.I))
    assert not re.search(r"email address|postcode", log(page).inner_text(), re.I)

    serve_host("/forged.html", server, attrs='data-email="ada@example.com" data-signature="00ff"')
    forged = context.new_page()
    errors: list[str] = []
    forged.on("console", lambda m: errors.append(m.text))
    forged.goto(server.host_origin + "/forged.html")
    forged.evaluate("localStorage.clear()")
    open_chat(forged)
    say(forged, "where is my order 1001")
    expect(log(forged)).to_contain_text(re.compile(r"email|postcode", re.I))
    assert any("signature was rejected" in e for e in errors)


def test_optional_sound_plays_for_messages_while_closed(context: BrowserContext, server: Server) -> None:
    serve_host("/sound.html", server, attrs='data-sound="on"')
    page = context.new_page()
    page.add_init_script("window.__tones = 0; const make = AudioContext.prototype.createOscillator;"
                         "AudioContext.prototype.createOscillator = function () { window.__tones++; return make.call(this); };")
    page.goto(server.host_origin + "/sound.html")
    open_chat(page)
    toggle = page.get_by_role("button", name="Notification sound")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    say(page, "hello")
    expect(page.locator(".fd-bot[data-id]")).to_have_count(1)
    assert page.evaluate("window.__tones") == 0  # the visitor is looking: no sound
    page.keyboard.press("Escape")
    server.fd.store_message(saved(page)["id"], "bot", "Your parcel is out for delivery.")
    expect(page.locator(".fd-badge")).to_have_text("1")
    assert page.evaluate("window.__tones") == 1
    open_chat(page)
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    assert saved(page)["sound"] is False
    page.keyboard.press("Escape")
    server.fd.store_message(saved(page)["id"], "bot", "Delivered.")
    expect(page.locator(".fd-badge")).to_have_text("1")
    assert page.evaluate("window.__tones") == 1


CSP_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Strict CSP shop</title></head>
<body><h1>Shop with a strict Content-Security-Policy</h1><input id="search" aria-label="Search the shop" autofocus>
<script src="__BASE__/widget.js" data-site="demo" async></script></body></html>"""


def test_works_under_the_readme_csp_recipe(context: BrowserContext, server: Server) -> None:
    ws_base = server.base.replace("http://", "ws://")
    HostPages.pages["/csp.html"] = CSP_PAGE.replace("__BASE__", server.base)
    HostPages.headers_for["/csp.html"] = {"Content-Security-Policy": (
        f"default-src 'none'; script-src {server.base}; connect-src {server.base} {ws_base}; "
        f"img-src {server.base} data:; style-src 'none'")}
    page = context.new_page()
    page.add_init_script("window.__violations = []; document.addEventListener('securitypolicyviolation', "
                         "e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));")
    page.goto(server.host_origin + "/csp.html")
    expect(launcher(page)).to_be_visible()
    assert launcher(page).evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(31, 111, 235)"  # styled
    open_chat(page)
    say(page, "where is my order 1001")
    expect(log(page)).to_contain_text(re.compile(r"email|postcode", re.I))
    assert page.get_by_role("dialog").evaluate("d => getComputedStyle(d).position") == "fixed"
    assert page.evaluate("window.__violations") == []


AXE = Path(__file__).resolve().parents[1] / "widget" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_wcag_aa_violations(browser: Browser, server: Server, scheme: str) -> None:
    assert AXE.is_file(), "axe-core is a widget dev dependency: run widget/build.sh (npm ci) first"
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme=scheme)
    try:
        page = ctx.new_page()
        page.goto(server.base + "/")
        open_chat(page)
        say(page, "do you have rain jackets?")
        expect(page.locator(".fd-card").first).to_be_visible()
        say(page, "where is my order 1001")
        expect(log(page)).to_contain_text(re.compile(r"email|postcode", re.I))
        say(page, "ada@example.com")
        expect(page.get_by_role("group", name="Suggested replies").get_by_role("button").first).to_be_visible()
        page.get_by_role("button", name="Download transcript").focus()  # a focused header button, too
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("""() => axe.run(document.querySelector('frontdesk-widget'),
            {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})""")
        problems = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        assert problems == []
        assert len(result["passes"]) > 10  # it really looked at the widget
    finally:
        ctx.close()


SHOTS = {
    "light": {"viewport": {"width": 1280, "height": 800}},
    "dark": {"viewport": {"width": 1280, "height": 800}, "color_scheme": "dark"},
    "rtl": {"viewport": {"width": 1280, "height": 800}, "locale": "ar"},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@pytest.mark.parametrize("name", list(SHOTS))
def test_screenshots_of_the_demo_shop(browser: Browser, server: Server, name: str, tmp_path: Path) -> None:
    """The demo host page (examples/demo-shop) as `frontdesk demo` serves it at /, widget open.

    Written to docs/screenshots/ only with FRONTDESK_UPDATE_SCREENSHOTS=1, so a test run leaves the tree clean.
    """
    ctx = browser.new_context(**SHOTS[name])
    try:
        page = ctx.new_page()
        page.goto(server.base + "/")
        page.locator("frontdesk-widget").get_by_role("button").first.click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_be_visible()
        box = dialog.get_by_role("textbox")
        box.fill("هل لديكم سترات مطر؟" if name == "rtl" else "do you have rain jackets?")
        box.press("Enter")
        expect(page.locator(".fd-bot[data-id]")).to_have_count(1)
        if name == "rtl":
            assert page.locator(".fd").get_attribute("dir") == "rtl"
        if name == "phone":
            assert dialog.bounding_box() == {"x": 0, "y": 0, "width": 390, "height": 844}  # full screen
        else:
            assert dialog.bounding_box()["width"] == 380
        page.wait_for_timeout(300)  # let images in cards decode
        folder = SCREENSHOTS if os.environ.get("FRONTDESK_UPDATE_SCREENSHOTS") == "1" else tmp_path
        folder.mkdir(parents=True, exist_ok=True)
        image = page.screenshot(path=str(folder / f"widget-{name}.png"))
        assert image[:8] == b"\x89PNG\r\n\x1a\n" and len(image) > 10_000
    finally:
        ctx.close()
