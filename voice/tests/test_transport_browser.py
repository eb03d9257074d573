"""Browser calling: microphone PCM over a WebSocket, speech and events back."""

from __future__ import annotations

import json

import pytest
from simple_websocket import Client

from .peers import BrowserPeer, loudness
from .speech_samples import piper

pytestmark = pytest.mark.slow


def test_a_browser_call_hears_the_greeting_and_gets_transcripts(live):
    peer = BrowserPeer(live.ws("/voice/browser"), speed=4.0).start()
    try:
        peer.wait_idle(timeout=20)
        assert loudness(bytes(peer.played)) > 300
        assert peer.events_of("ready")[0][1]["sample_rate"] == 16000
        peer.say(piper("What are your opening hours?", rate=16000))
        peer.wait_idle(timeout=30)
        transcripts = [e["text"] for _, e in peer.events_of("transcript")]
        assert transcripts and "opening" in transcripts[0]
        said = " ".join(e["text"] for _, e in peer.events_of("bot"))
        assert len(said) > 20
    finally:
        peer.close()


def test_bad_start_message_gets_a_clear_error(live):
    client = Client.connect(live.ws("/voice/browser"))
    client.send(json.dumps({"type": "start", "sample_rate": 12345}))
    reply = json.loads(client.receive(timeout=5))
    assert reply["type"] == "error" and "sample_rate" in reply["error"]
    client.send("not json")
    assert json.loads(client.receive(timeout=5))["type"] == "error"
    client.close()
