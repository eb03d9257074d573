"""Telnyx media streaming end to end: a local Telnyx peer (bidirectional RTP mode, documented frames),
the real server, the real engines and the demo shop.

Protocol: https://developers.telnyx.com/api-reference/websockets/stream-call-media-over-websocket
TeXML ``<Stream>``: https://developers.telnyx.com/docs/voice/programmable-voice/texml-verbs/stream
"""

from __future__ import annotations

import json
import time

import pytest
import requests
from simple_websocket import Client

from .peers import TelnyxPeer, loudness
from .speech_samples import piper
from .test_transport_twilio import bot_text, conversation_messages, events_of, only_call

pytestmark = pytest.mark.slow


def test_texml_webhook_asks_for_a_bidirectional_rtp_stream(live):
    response = requests.post(live.http("/voice/telnyx/texml"),
                             data={"CallSid": "v3:abc", "From": "+14155550123", "To": "+13122123456"}, timeout=5)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/xml")
    body = response.text
    # Telnyx plays what we send only in RTP mode (its default is mp3), and <Connect> waits for the stream.
    assert (f'<Connect><Stream url="ws://127.0.0.1:{live.port}/voice/telnyx" bidirectionalMode="rtp" '
            'bidirectionalCodec="PCMU" /></Connect>') in body
    assert body.endswith(f'<Redirect method="POST">http://127.0.0.1:{live.port}/voice/telnyx/after-stream'
                         "</Redirect></Response>")
    after = requests.post(live.http("/voice/telnyx/after-stream"), data={"CallSid": "v3:unknown"}, timeout=5)
    assert after.text.endswith("<Response><Hangup/></Response>")


def test_spoken_question_is_answered_and_marks_track_what_was_heard(live):
    before = set(live.voice.calls)
    peer = TelnyxPeer(live.ws("/voice/telnyx"), caller=None, speed=3.0).start()
    try:
        peer.wait_idle(timeout=20)
        call = only_call(live, before)
        assert call.transport == "telnyx"
        assert loudness(bytes(peer.played)) > 300, "the greeting was heard"
        assert call.record.heard, "Telnyx echoed the marks once the greeting had played"
        assert set(peer.echoed_marks) >= {f["mark"]["name"] for f in peer.sent_frames if f["event"] == "mark"}
        peer.say(piper("What are your opening hours?"))
        peer.wait_idle(timeout=30)
        customer = [t for r, t in conversation_messages(live, call.conversation_id) if r == "customer"]
        assert customer and "hours" in customer[0]
        assert "Saturday: 10:00-16:00" in bot_text(live, call), "the shop's hours were answered"
        heard = len(call.record.heard)
        assert heard >= 2, "the answer's marks came back too"
        peer.stop()
        time.sleep(0.5)
        assert call.record.ended == "stream stopped"
    finally:
        peer.close()


def test_caller_id_from_the_start_frame_verifies_a_keyed_order(live):
    before = set(live.voice.calls)
    peer = TelnyxPeer(live.ws("/voice/telnyx"), caller="+14155550123", speed=4.0).start()
    try:
        peer.wait_idle(timeout=20)
        call = only_call(live, before)
        assert call.caller_id == "+14155550123", "start.from is the caller's number"
        assert call.network_call_id == peer.call_sid, "call_control_id: what the TeXML after-stream asks with"
        peer.say(piper("Where is my order?"))
        peer.wait_idle(timeout=30)
        for key in "1002#":
            peer.dtmf(key)
        peer.wait_idle(timeout=30)
        assert "Order #1002 is being prepared" in bot_text(live, call)
    finally:
        peer.close()


def test_keypad_order_without_caller_id_needs_the_postcode(live):
    before = set(live.voice.calls)
    peer = TelnyxPeer(live.ws("/voice/telnyx"), caller=None, speed=4.0).start()
    try:
        peer.wait_idle(timeout=20)
        call = only_call(live, before)
        peer.say(piper("Where is my order?"))
        peer.wait_idle(timeout=30)
        for key in "1002#":
            peer.dtmf(key)
        peer.wait_idle(timeout=30)
        assert "being prepared" not in bot_text(live, call), "nothing about the order before verification"
        for key in "94107#":
            peer.dtmf(key)
        peer.wait_idle(timeout=30)
        assert "Order #1002 is being prepared" in bot_text(live, call)
    finally:
        peer.close()


def test_barge_in_sends_clear_and_pending_marks_come_back(live):
    before = set(live.voice.calls)
    peer = TelnyxPeer(live.ws("/voice/telnyx"), caller=None, speed=1.0).start()
    try:
        time.sleep(1.0)  # the greeting is playing in real time
        call = only_call(live, before)
        peer.say(piper("Actually I want to know your opening hours."), trailing_silence=1.0)
        deadline = time.time() + 10
        while not peer.events_of("clear") and time.time() < deadline:
            time.sleep(0.02)
        clears = peer.events_of("clear")
        assert clears, "the bot stopped talking when the caller did"
        assert clears[0][1] == {"event": "clear"}, "Telnyx's clear frame, exactly"
        assert clears[0][0] - peer.speech_sent_at[0] < 0.6
        assert call.record.cut, "the rest of the greeting was recorded as not heard"
        # Then it answers what was said over it. Not waiting for the answer to play out: at real-time speed the
        # opening hours take most of half a minute, more on a day the shop is closed.
        deadline = time.time() + 30
        while "opening hours" not in bot_text(live, call) and time.time() < deadline:
            time.sleep(0.1)
        assert "opening hours" in bot_text(live, call)
    finally:
        peer.close()


def test_malformed_frames_and_a_telnyx_error_frame_are_survived(live):
    before = set(live.voice.calls)
    peer = TelnyxPeer(live.ws("/voice/telnyx"), caller=None, speed=1.0).start()
    try:
        time.sleep(0.3)
        call = only_call(live, before)
        peer.ws.send("{not json")
        peer.ws.send(json.dumps({"event": "media", "stream_id": peer.stream_sid, "media": {"payload": "%%%"}}))
        peer.ws.send(json.dumps({"event": "media", "stream_id": peer.stream_sid, "media": "not an object"}))
        peer.ws.send(json.dumps({"event": "dtmf", "stream_id": peer.stream_sid, "dtmf": ["1"]}))
        peer.ws.send(b"\x00\x01binary")
        peer.error("100003", "malformed_frame", "Incorrectly formatted frame")
        time.sleep(0.5)
        assert not call.closed, "the call goes on"
        peer.stop()  # the caller hangs up while the greeting is still playing
        time.sleep(0.5)
        assert call.record.ended and not call.record.errors
        events = [e.type for e in events_of(live, call.conversation_id)]
        assert "voice.call_started" in events and "voice.call_ended" in events
    finally:
        peer.close()


@pytest.mark.parametrize("media_format", [{"encoding": "PCMA", "sample_rate": 8000, "channels": 1},
                                          {"encoding": "L16", "sample_rate": 16000, "channels": 1},
                                          {"encoding": "PCMU", "sample_rate": "fast", "channels": 1}])
def test_a_codec_we_cannot_decode_is_refused_cleanly(live, media_format):
    before = set(live.voice.calls)
    client = Client.connect(live.ws("/voice/telnyx"))
    client.send(json.dumps({"event": "connected", "version": "1.0.0"}))
    client.send(json.dumps({"event": "start", "sequence_number": "1", "stream_id": "32DE0DEA",
                            "start": {"call_control_id": "v3:x", "from": "+14155550123", "media_format": media_format}}))
    closed = False
    try:
        for _ in range(20):
            client.receive(timeout=0.2)
    except Exception:
        closed = True
    assert closed, "the server closes a stream it cannot decode"
    assert not [c for c in live.voice.calls if c not in before], "no call was started"
    assert requests.get(live.http("/healthz"), timeout=5).status_code == 200


@pytest.fixture
def transfer_open(live):
    """A transfer number and no opening hours (always open) on the live settings; restored afterwards."""
    settings = live.frontdesk.settings
    voice = settings["plugins"]["voice"]
    saved_hours, saved_number = dict(settings["shop"].get("hours", {})), voice.get("transfer_number")
    settings["shop"]["hours"] = {}
    voice["transfer_number"] = "+442079460123"
    yield "+442079460123"
    settings["shop"]["hours"] = saved_hours
    if saved_number is None:
        voice.pop("transfer_number")
    else:
        voice["transfer_number"] = saved_number


def test_pressing_zero_puts_a_telnyx_caller_through(live, transfer_open):
    before = set(live.voice.calls)
    peer = TelnyxPeer(live.ws("/voice/telnyx"), caller="+14155550123", speed=4.0).start()
    try:
        peer.wait_idle(timeout=20)
        call = only_call(live, before)
        peer.dtmf("0")
        assert peer.closed.wait(30), "the server closed the stream so TeXML goes on to the <Redirect>"
        assert call.record.ended == "transferred"
        # Telnyx asks the after-stream URL with the TeXML CallSid, which is the stream's call_control_id.
        answer = requests.post(live.http("/voice/telnyx/after-stream"),
                               data={"CallSid": peer.call_sid, "From": "+14155550123", "To": "+13122123456"}, timeout=5)
        assert answer.text.endswith(f"<Response><Dial>{transfer_open}</Dial></Response>")
    finally:
        peer.close()
