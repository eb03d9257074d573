"""Transfer to a person's phone: a local Twilio peer presses 0, the server says so, closes the stream,
and Twilio's request to the after-stream URL (the <Redirect> after <Connect>) gets <Dial>NUMBER</Dial>.

Twilio carries on with the TwiML after <Connect> once our server closes the stream:
https://www.twilio.com/docs/voice/twiml/connect and https://www.twilio.com/docs/api/errors/31921
"""

from __future__ import annotations

import time

import pytest
import requests

from frontdesk.hours import WEEKDAYS
from frontdesk_voice.twilio_signature import signature

from .conftest import start_server
from .peers import TwilioPeer
from .test_transport_twilio import events_of, only_call

pytestmark = pytest.mark.slow

TOKEN = "transfer-token"
NUMBER = "+442079460123"
PROMPT = "Putting you through to a member of our team now."


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("transfer"), {"twilio_auth_token": TOKEN, "transfer_number": NUMBER})
    yield server
    server.close()


@pytest.fixture
def shop(live):
    """The live settings (the owner's settings page edits this very dict); restored after each test."""
    settings = live.frontdesk.settings
    saved_hours, saved_number = dict(settings["shop"].get("hours", {})), settings["plugins"]["voice"]["transfer_number"]
    settings["shop"]["hours"] = {}  # no hours set: always open
    yield settings
    settings["shop"]["hours"] = saved_hours
    settings["plugins"]["voice"]["transfer_number"] = saved_number


def after_stream(live, call_sid, **form):
    url = live.http("/voice/twilio/after-stream")
    form = {"CallSid": call_sid, "AccountSid": "AC0", "From": "+14155550123", "To": "+442079460000", **form}
    return requests.post(url, data=form, headers={"X-Twilio-Signature": signature(TOKEN, url, form)}, timeout=5)


def press_zero(live):
    before = set(live.voice.calls)
    peer = TwilioPeer(live.ws("/voice/twilio"), caller="+14155550123", speed=4.0).start()
    peer.wait_idle(timeout=20)
    call = only_call(live, before)
    call.greeting_heard = list(call.record.heard)
    peer.dtmf("0")
    return peer, call


def test_the_twiml_asks_the_after_stream_url_when_the_stream_ends(live):
    url = live.http("/voice/twilio/twiml")
    form = {"CallSid": "CA1", "From": "+14155550123"}
    body = requests.post(url, data=form, headers={"X-Twilio-Signature": signature(TOKEN, url, form)}, timeout=5).text
    after = live.http("/voice/twilio/after-stream")
    assert f'</Connect><Redirect method="POST">{after}</Redirect></Response>' in body


def test_pressing_zero_while_open_puts_the_caller_through(live, shop):
    peer, call = press_zero(live)
    try:
        assert peer.closed.wait(30), "the server closed the stream so Twilio goes on to the <Redirect>"
        assert PROMPT in call.record.heard, "the caller heard the prompt (its mark came back) before the stream closed"
        assert call.record.ended == "transferred"
        assert live.frontdesk.conversations.get(call.conversation_id).status == "handoff"
        transferred = [e for e in events_of(live, call.conversation_id) if e.type == "voice.transferred"]
        assert len(transferred) == 1 and NUMBER in str(transferred[0].data)
        answer = after_stream(live, peer.call_sid)
        assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/xml")
        assert answer.text.endswith(f"<Response><Dial>{NUMBER}</Dial></Response>")
        # A withheld caller ID would make the dialled leg fail: the shop's own number is shown instead.
        withheld = after_stream(live, peer.call_sid, From="anonymous")
        assert f'<Dial callerId="+442079460000">{NUMBER}</Dial>' in withheld.text
    finally:
        peer.close()


@pytest.mark.parametrize("situation", ["closed", "no number", "not a phone number"])
def test_no_transfer_out_of_hours_or_without_a_number(live, shop, situation):
    if situation == "closed":
        shop["shop"]["hours"] = {day: "closed" for day in WEEKDAYS}
    else:
        shop["plugins"]["voice"]["transfer_number"] = "" if situation == "no number" else "front desk"
    peer, call = press_zero(live)
    try:
        peer.wait_idle(timeout=30)
        time.sleep(0.5)
        assert not peer.closed.is_set() and not call.closed, "the caller stays on the line with the bot"
        assert live.frontdesk.conversations.get(call.conversation_id).status == "handoff"
        answer = call.record.heard[len(call.greeting_heard):]
        assert answer and PROMPT not in answer, "the handoff answer was played instead"
        assert "voice.transferred" not in [e.type for e in events_of(live, call.conversation_id)]
        assert after_stream(live, peer.call_sid).text.endswith("<Response><Hangup/></Response>")
    finally:
        peer.close()


def test_after_stream_for_an_unknown_call_hangs_up(live):
    answer = after_stream(live, "CA" + "0" * 32)
    assert answer.status_code == 200
    assert answer.text.endswith("<Response><Hangup/></Response>") and "<Dial" not in answer.text
    assert after_stream(live, "").text.endswith("<Hangup/></Response>")


def test_after_stream_needs_twilios_signature(live):
    url = live.http("/voice/twilio/after-stream")
    form = {"CallSid": "CA1", "From": "+14155550123"}
    unsigned = requests.post(url, data=form, timeout=5)
    assert unsigned.status_code == 403 and "X-Twilio-Signature" in unsigned.json()["error"]
    forged = requests.post(url, data=form, headers={"X-Twilio-Signature": signature("wrong", url, form)}, timeout=5)
    assert forged.status_code == 403
