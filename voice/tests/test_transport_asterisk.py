"""Asterisk chan_websocket end to end with a local peer speaking its documented protocol."""

from __future__ import annotations

import time

import pytest

from .peers import AsteriskPeer, loudness
from .speech_samples import piper

pytestmark = pytest.mark.slow


def new_call(live, before):
    for _ in range(50):
        calls = [c for c in list(live.voice.calls) if c not in before]
        if calls:
            return calls[0]
        time.sleep(0.05)
    raise AssertionError("no call started")


@pytest.mark.parametrize("json_control", [False, True])
def test_speech_and_dtmf_reach_the_engine(live, json_control):
    before = set(live.voice.calls)
    peer = AsteriskPeer(live.ws("/voice/asterisk?caller=%2B14155550123"), json_control=json_control, speed=4.0).start()
    try:
        peer.wait_idle(timeout=20)
        call = new_call(live, before)
        assert call.caller_id == "+14155550123"
        assert loudness(bytes(peer.played)) > 300
        peer.say(piper("Where is my order?"))
        peer.wait_idle(timeout=30)
        for key in "1002#":
            peer.dtmf(key)
        peer.wait_idle(timeout=30)
        bot = " ".join(m.text for m in live.frontdesk.messages(call.conversation_id) if m.role == "bot")
        assert "Order #1002 is being prepared" in bot
    finally:
        peer.close()


def test_barge_in_sends_flush_media(live):
    before = set(live.voice.calls)
    peer = AsteriskPeer(live.ws("/voice/asterisk"), speed=1.0).start()
    try:
        time.sleep(1.0)
        call = new_call(live, before)
        peer.say(piper("I would like to speak to someone please."))
        deadline = time.time() + 10
        while "FLUSH_MEDIA" not in peer.commands and time.time() < deadline:
            time.sleep(0.02)
        assert "FLUSH_MEDIA" in peer.commands
        assert call.record.barge_ins and call.record.barge_ins[0] < 0.25
    finally:
        peer.close()


def test_xoff_pauses_media_until_xon(live):
    peer = AsteriskPeer(live.ws("/voice/asterisk"), speed=1.0, xoff_at=60).start()
    try:
        deadline = time.time() + 10
        while not peer.xoff_sent and time.time() < deadline:
            time.sleep(0.02)
        assert peer.xoff_sent
        time.sleep(0.5)
        assert peer.received_while_xoff == 0, "nothing sent after XOFF arrived"
        assert peer.commands == [] or "FLUSH_MEDIA" not in peer.commands
        peer.wait_idle(timeout=20)
    finally:
        peer.close()


def test_unsupported_format_hangs_up(live):
    peer = AsteriskPeer(live.ws("/voice/asterisk"), fmt="g729")
    peer.handshake()
    message = peer.ws.receive(timeout=5)
    assert message == "HANGUP"
    peer.close()
