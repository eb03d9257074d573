"""The chat widget end to end: the real core app on a real port, the committed bundle, Debian's Chromium.

The host pages come from a second little HTTP server at http://localhost:HOSTPORT (an origin the test sites
allow), while the snippet loads the widget and talks to http://127.0.0.1:PORT — a cross-origin embed, as on a
real shop. The same host server reached as http://127.0.0.1:HOSTPORT is an origin the sites do not allow.
"""

from __future__ import annotations

import hashlib
import hmac
import json
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

    def do_GET(self) -> None:  # noqa: N802
        body = self.pages.get(self.path.split("?")[0])
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
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
    origins = [f"http://localhost:{host_port}"]
    overrides["sites"][0]["origins"] = origins
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
