"""X-Twilio-Signature: Twilio's documented example, and the TwiML webhook refusing unsigned requests."""

from __future__ import annotations

import pytest
import requests

from frontdesk_voice.twilio_signature import is_valid, signature

from .conftest import start_server

# The worked example in https://www.twilio.com/docs/usage/webhooks/webhooks-security
DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOC_PARAMS = {"CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234",
              "From": "+12349013030", "To": "+18005551212"}


def test_signature_matches_twilios_documented_example():
    assert signature("12345", DOC_URL, DOC_PARAMS) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert is_valid("12345", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", DOC_URL, DOC_PARAMS)
    assert not is_valid("12345", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", DOC_URL, {**DOC_PARAMS, "Digits": "1235"})
    assert not is_valid("12345", None, DOC_URL, DOC_PARAMS)


@pytest.fixture(scope="module")
def signed_live(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("signed"), {"twilio_auth_token": "test-token"})
    yield server
    server.close()


def test_twiml_webhook_needs_twilios_signature_when_a_token_is_set(signed_live):
    url = signed_live.http("/voice/twilio/twiml")
    form = {"CallSid": "CA1", "From": "+14155550123", "To": "+14155550000"}
    unsigned = requests.post(url, data=form, timeout=5)
    assert unsigned.status_code == 403 and "X-Twilio-Signature" in unsigned.json()["error"]
    forged = requests.post(url, data=form, headers={"X-Twilio-Signature": signature("wrong", url, form)}, timeout=5)
    assert forged.status_code == 403
    signed = requests.post(url, data=form, headers={"X-Twilio-Signature": signature("test-token", url, form)}, timeout=5)
    assert signed.status_code == 200 and "<Connect><Stream" in signed.text
