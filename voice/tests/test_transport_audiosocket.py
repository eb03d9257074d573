"""Asterisk AudioSocket end to end: a peer speaking the protocol over a real TCP socket to the AudioSocket
server the voice channel starts (``audiosocket_listen``), the real engines and the demo shop.

Protocol: https://docs.asterisk.org/Configuration/Channel-Drivers/AudioSocket/ and Asterisk's
res/res_audiosocket.c (which refuses any kind but audio and hang-up from us).
"""

from __future__ import annotations

import logging
import socket
import struct
import time
import types

import pytest

from frontdesk_voice.plugin import AUDIOSOCKET_ATTRIBUTE, start_audiosocket
from frontdesk_voice.transports.audiosocket import AudioSocketServer, parse_address

from .conftest import start_server
from .peers import AudioSocketPeer, loudness
from .speech_samples import piper
from .test_transport_twilio import conversation_messages, events_of

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("audiosocket"), {"audiosocket_listen": "127.0.0.1:0"})
    yield server
    server.close()


def address(live) -> tuple[str, int]:
    return "127.0.0.1", getattr(live.frontdesk, AUDIOSOCKET_ATTRIBUTE).port


def new_call(live, before, timeout: float = 5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        calls = [c for c in list(live.voice.calls) if c not in before]
        if calls:
            return calls[0]
        time.sleep(0.02)
    raise AssertionError("no call started")


def bot_text(live, call) -> str:
    return " ".join(t for r, t in conversation_messages(live, call.conversation_id) if r == "bot")


def wait_for(condition, timeout: float = 5.0) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_spoken_question_answered_with_audio_paced_in_real_time(live):
    before = set(live.voice.calls)
    peer = AudioSocketPeer(address(live)).start()
    try:
        peer.wait_idle(timeout=30)
        call = new_call(live, before)
        assert call.transport == "audiosocket" and call.caller_id is None
        assert loudness(bytes(peer.played)) > 300, "the greeting was heard"
        assert set(peer.frame_sizes) == {320}, "20 ms slin frames, never empty"
        # Asterisk plays what arrives: the server must not send faster than real time.
        first, received = peer.audio_times[0], 0.0
        for size, at in zip(peer.frame_sizes, peer.audio_times):
            received += size / 2 / 8000
            assert received <= (at - first) + 0.1, f"{received:.2f} s of audio after {at - first:.2f} s"
        assert peer.received_seconds() > 1.0
        peer.say(piper("What are your opening hours?"))
        peer.wait_idle(timeout=40)
        customer = [t for r, t in conversation_messages(live, call.conversation_id) if r == "customer"]
        assert customer and "hours" in customer[0]
        assert "Saturday: 10:00-16:00" in bot_text(live, call)
        assert peer.other_kinds == [], "only audio and hang-up are sent to Asterisk"
        peer.hang_up()
        assert wait_for(lambda: call.closed, 5)
        # The greeting's two sentences, then the answer: all played out, none cut.
        assert len(call.record.heard) >= 3, "the clock says the answer was heard"
        assert call.record.cut == []
    finally:
        peer.close()


def test_keypad_order_lookup_needs_the_postcode(live):
    before = set(live.voice.calls)
    peer = AudioSocketPeer(address(live)).start()
    try:
        peer.wait_idle(timeout=30)
        call = new_call(live, before)
        peer.say(piper("Where is my order?"))
        peer.wait_idle(timeout=30)
        for key in "1002#":
            peer.dtmf(key)
        peer.wait_idle(timeout=30)
        assert "being prepared" not in bot_text(live, call), "no caller ID on AudioSocket: nothing before the postcode"
        for key in "94107#":
            peer.dtmf(key)
        peer.wait_idle(timeout=30)
        assert "Order #1002 is being prepared" in bot_text(live, call)
    finally:
        peer.close()


def test_barge_in_drops_the_unsent_audio_at_once(live):
    before = set(live.voice.calls)
    peer = AudioSocketPeer(address(live)).start()
    try:
        assert wait_for(lambda: peer.audio_times, 20), "the greeting started"
        time.sleep(1.0)  # the greeting is playing in real time
        call = new_call(live, before)
        peer.say(piper("Actually I want to know your opening hours."), trailing_silence=1.0)
        assert wait_for(lambda: call.record.barge_ins, 5), "the caller's speech was noticed"
        assert call.record.barge_ins[0] < 0.25
        stopped_at = time.perf_counter()
        time.sleep(0.8)  # the caller is still talking; the bot's answer cannot have started
        late = [t for t in peer.audio_times if t > stopped_at + 0.1]
        assert late == [], f"{len(late)} frames of the greeting were still sent after the barge-in"
        assert call.record.cut, "the rest of the greeting was recorded as not heard"
        peer.wait_idle(timeout=40)
        assert "Saturday: 10:00-16:00" in bot_text(live, call), "then the question was answered"
    finally:
        peer.close()


def test_hangup_message_ends_the_call_and_the_record_is_complete(live):
    before = set(live.voice.calls)
    peer = AudioSocketPeer(address(live)).start()
    try:
        assert wait_for(lambda: peer.audio_times, 20)
        call = new_call(live, before)
        time.sleep(0.3)
        peer.hang_up()  # mid-greeting
        assert wait_for(lambda: call.closed, 5)
        assert call.record.ended == "caller hung up" and not call.record.errors
        assert wait_for(peer.closed.is_set, 5), "the server closed its end"
        events = [e.type for e in events_of(live, call.conversation_id)]
        assert "voice.call_started" in events and "voice.call_ended" in events
        assert call.record.cut, "the unheard rest of the greeting is on the record"
    finally:
        peer.close()


def test_peer_closing_mid_sentence_or_mid_message_is_survived(live, caplog):
    before = set(live.voice.calls)
    peer = AudioSocketPeer(address(live)).start()
    assert wait_for(lambda: peer.audio_times, 20)
    call = new_call(live, before)
    with caplog.at_level(logging.WARNING, logger="frontdesk_voice.audiosocket"):
        peer.ws.send(struct.pack(">BH", 0x10, 320) + b"\x00" * 100)  # a frame cut short by the close
        peer.close()
        assert wait_for(lambda: call.closed, 5)
    assert call.record.ended and not call.record.errors
    assert any("closed after" in r.getMessage() for r in caplog.records), "the cut frame was logged"
    # The listener is still there for the next call.
    again = AudioSocketPeer(address(live)).start()
    try:
        assert wait_for(lambda: again.audio_times, 20)
    finally:
        again.close()


def test_malformed_and_unknown_messages_are_logged_and_survived(live, caplog):
    before = set(live.voice.calls)
    peer = AudioSocketPeer(address(live)).start()
    try:
        assert wait_for(lambda: peer.audio_times, 20)
        call = new_call(live, before)
        with caplog.at_level(logging.WARNING, logger="frontdesk_voice.audiosocket"):
            peer.ws.send(peer.message(0x42, b"what is this"))  # unknown kind
            peer.ws.send(peer.message(0x10, b"\x01\x02\x03"))  # odd-length audio
            peer.ws.send(peer.message(0x03, b"xy"))  # DTMF is one ASCII key
            peer.ws.send(peer.message(0x03, b"q"))
            peer.ws.send(peer.message(0x01, peer.call_uuid.bytes))  # a second UUID
            peer.ws.send(peer.message(0xFF, b"\x02"))  # Asterisk: frame forwarding error
            time.sleep(0.5)
        logged = " ".join(r.getMessage() for r in caplog.records)
        for expected in ("unknown kind 0x42", "odd-length audio", "DTMF message", "call already started",
                         "frame forwarding error"):
            assert expected in logged
        assert not call.closed, "the call goes on"
        peer.wait_idle(timeout=30)
        for key in "0":
            peer.dtmf(key)  # still listening: 0 asks for a person
        peer.wait_idle(timeout=30)
        assert live.frontdesk.conversations.get(call.conversation_id).status == "handoff"
        assert not call.record.errors
    finally:
        peer.close()


def test_audio_before_the_uuid_starts_no_call(live):
    before = set(live.voice.calls)
    conn = socket.create_connection(address(live))
    try:
        conn.sendall(AudioSocketPeer.message(0x10, b"\x00" * 320))
        conn.sendall(AudioSocketPeer.message(0x01, b"short"))  # not a 16-byte UUID
        time.sleep(0.3)
        assert [c for c in live.voice.calls if c not in before] == []
    finally:
        conn.close()


def test_the_bot_hangs_up_with_a_hangup_message_after_its_goodbye(live):
    before = set(live.voice.calls)
    saved = live.voice.no_input_s
    live.voice.no_input_s = 1.0  # a caller who says nothing: asked twice, then goodbye
    peer = AudioSocketPeer(address(live)).start()
    try:
        call = new_call(live, before)
        assert wait_for(lambda: peer.hangups, 60), "the server sent 0x00 0x00 0x00"
        assert call.record.ended == "no input from caller"
        assert peer.audio_times[-1] <= peer.hangups[0], "the goodbye was sent in full before the hang-up"
        assert call.record.heard and call.record.heard[-1] in live.voice.prompts.text("goodbye")
        assert call.record.cut == []
        assert wait_for(peer.closed.is_set, 5)
    finally:
        live.voice.no_input_s = saved
        peer.close()


def test_a_bad_address_or_a_port_in_use_is_logged_and_the_line_still_starts(live, caplog):
    with pytest.raises(ValueError, match="HOST:PORT"):
        parse_address("localhost")
    busy = address(live)
    with pytest.raises(OSError):
        AudioSocketServer(f"{busy[0]}:{busy[1]}", lambda: None).start()
    for listen in (f"{busy[0]}:{busy[1]}", "nowhere"):
        frontdesk = types.SimpleNamespace(settings={"plugins": {"voice": {"audiosocket_listen": listen}}})
        with caplog.at_level(logging.ERROR, logger="frontdesk_voice"):
            start_audiosocket(frontdesk)  # must not raise: that would disable the whole voice plugin
        assert not hasattr(frontdesk, AUDIOSOCKET_ATTRIBUTE)
    assert sum("AudioSocket not started" in r.getMessage() for r in caplog.records) == 2
