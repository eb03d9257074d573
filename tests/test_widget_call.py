"""The widget's call button end to end: Debian's Chromium with a fake microphone playing a real recording.

Chromium's fake media flags feed a WAV file as the microphone (``--use-file-for-fake-audio-capture``) and
grant the permission prompt (``--use-fake-ui-for-media-stream``). The WAV is Piper saying "what are your
opening hours" at 48 kHz, with silence around it (Chromium loops the file). The widget loads widget-call.js only
when "Call us" is pressed, streams the microphone over WS /voice/browser to the real voice line (webrtcvad,
pocketsphinx, the real engine, Piper), plays the reply and shows the transcript.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
import wave
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

pytest.importorskip("frontdesk_voice", reason="pip install -e voice (the voice line is a separate distribution)")
playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (see widget/README.md)")
from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from frontdesk.cli import demo_settings  # noqa: E402
from frontdesk.settings import load_settings  # noqa: E402
from frontdesk.web import create_app  # noqa: E402

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
QUESTION = "What are your opening hours?"
MIC_RATE = 48000

HOST_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>Shop</h1><script src="__BASE__/widget.js" data-site="demo" async></script></body></html>"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def microphone_wav(path: Path) -> Path:
    """Piper's voice asking the question, 48 kHz 16-bit mono: 2.5 s of quiet first (the greeting plays), 8 s after."""
    from frontdesk_voice.audio import resample
    from frontdesk_voice.tts_piper import PiperEngine

    voice = PiperEngine({"piper_noise_scale": 0.0, "piper_noise_w": 0.0})  # the same audio every run
    speech = resample(b"".join(voice.synthesize(QUESTION)), voice.sample_rate, MIC_RATE)
    pcm = b"\x00\x00" * int(2.5 * MIC_RATE) + speech + b"\x00\x00" * int(8.0 * MIC_RATE)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(MIC_RATE)
        out.writeframes(pcm)
    return path


class HostPages(BaseHTTPRequestHandler):
    page = ""

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.page.encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    port = free_port()
    pages = ThreadingHTTPServer(("127.0.0.1", 0), HostPages)
    host_origin = f"http://localhost:{pages.server_address[1]}"
    threading.Thread(target=pages.serve_forever, daemon=True).start()
    overrides = demo_settings("127.0.0.1", port, str(tmp_path_factory.mktemp("widget-call")))
    overrides["sites"][0]["origins"] = overrides["sites"][0]["origins"] + [host_origin]
    overrides["disabled_plugins"] = ["booking", "shopify", "giftcard"]
    overrides.setdefault("logging", {})["level"] = "WARNING"
    app = create_app(load_settings(None, overrides=overrides, environ={}))  # the voice line warms up in the background
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    http = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    HostPages.page = HOST_PAGE.replace("__BASE__", base)
    yield {"base": base, "host": host_origin, "frontdesk": app.extensions["frontdesk"]}
    from frontdesk_voice.plugin import service_for

    for call in list(service_for(app.extensions["frontdesk"]).calls):  # no worker inside Piper at exit
        call.hangup("test over")
        call.join(5)
    http.shutdown()
    pages.shutdown()
    app.extensions["frontdesk"].close_resources()


@pytest.fixture(scope="module")
def page(shop: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    wav = microphone_wav(tmp_path_factory.mktemp("mic") / "question.wav")
    args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--autoplay-policy=no-user-gesture-required",
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        context = browser.new_context(permissions=["microphone"])
        context.set_default_timeout(10_000)
        # Count the samples the widget schedules for playback: what the caller hears.
        context.add_init_script("""window.__samplesScheduled = 0;
            const start = AudioBufferSourceNode.prototype.start;
            AudioBufferSourceNode.prototype.start = function (...args) {
              window.__samplesScheduled += this.buffer ? this.buffer.length : 0; return start.apply(this, args); };""")
        page = context.new_page()
        yield page
        context.close()
        browser.close()


def call_code_loaded(page: Page) -> bool:
    return page.evaluate("() => !!document.querySelector('script[src*=\"widget-call.js\"]')")


def test_call_button_speaks_with_the_bot_and_shows_the_transcript(shop: dict[str, Any], page: Page) -> None:
    page.goto(shop["host"] + "/shop.html")
    page.get_by_role("button", name="Open chat").click()
    call_button = page.get_by_role("button", name="Call us")
    expect(call_button).to_be_visible()
    assert not call_code_loaded(page), "the call code is fetched only when the button is used"

    call_button.click()
    expect(page.get_by_role("button", name="End call")).to_be_visible()
    assert call_code_loaded(page)
    call = page.get_by_role("region", name="Call")
    # The greeting, then what the fake microphone said, then the bot's answer to it.
    expect(call).to_contain_text(re.compile(r"Assistant: Thanks for calling"), timeout=60_000)
    expect(call).to_contain_text(re.compile(r"You: .*opening hours", re.I), timeout=60_000)
    expect(call).to_contain_text(re.compile(r"Assistant: .*Monday: 09:00", re.S), timeout=60_000)
    assert page.evaluate("() => window.__samplesScheduled") > 16000, "the bot's speech was played (over a second)"

    from frontdesk_voice.plugin import service_for

    [server_call] = list(service_for(shop["frontdesk"]).calls)
    page.get_by_role("button", name="End call").click()
    expect(call_button).to_be_visible()
    expect(call).to_contain_text("Call ended.")
    # Hanging up in the widget ends the call on the server, and the call's record is complete.
    for _ in range(50):
        if server_call.closed:
            break
        page.wait_for_timeout(100)
    server_call.join(10)
    assert server_call.record.ended == "caller hung up"
    assert any(turn["source"] == "speech" and turn["transport"] == "browser" for turn in server_call.record.turns)
    assert not server_call.record.errors


def test_voice_availability_is_offered_only_to_allowed_origins(shop: dict[str, Any], page: Page) -> None:
    allowed = page.evaluate("""base => fetch(base + '/voice/available?site=demo', {credentials: 'omit'})
        .then(r => r.json()).then(j => j.calls, () => 'blocked')""", shop["base"])
    assert allowed is True
