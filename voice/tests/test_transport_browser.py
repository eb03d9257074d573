"""Browser calling: microphone PCM over a WebSocket, speech and events back."""

from __future__ import annotations

import json
import time

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


def test_a_person_typing_in_the_inbox_is_heard_by_the_caller(live):
    before = set(live.voice.calls)
    peer = BrowserPeer(live.ws("/voice/browser"), speed=4.0).start()
    try:
        peer.wait_idle(timeout=20)
        [call] = [c for c in list(live.voice.calls) if c not in before]
        peer.dtmf("0")  # 0 always asks for a person
        peer.wait_idle(timeout=30)
        assert live.frontdesk.conversations.get(call.conversation_id).status == "handoff"
        heard_before = len(peer.played)
        live.frontdesk.post_agent_message(call.conversation_id, "Hi, this is Sam from the team. How can I help?", "Sam")
        peer.wait_idle(timeout=30)
        agent = [e["text"] for _, e in peer.events_of("agent")]
        assert agent == ["Hi, this is Sam from the team. How can I help?"]
        assert loudness(bytes(peer.played[heard_before:])) > 300, "the caller heard Sam's message"
        # The caller answers; a person has the conversation now, so the bot stays quiet and doesn't repeat itself.
        said_before = len(peer.events_of("bot"))
        peer.say(piper("I want to change my order", rate=16000))
        time.sleep(3)
        assert len(peer.events_of("bot")) == said_before
        customer = [m.text for m in live.frontdesk.messages(call.conversation_id) if m.role == "customer"]
        assert any("change" in text for text in customer), "the caller's words reach the inbox"
    finally:
        peer.close()
