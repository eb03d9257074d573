"""The voice blueprint's plain HTTP side: the widget's availability probe and the browser route's origin check."""

from __future__ import annotations

import requests
from simple_websocket import Client, ConnectionClosed, ConnectionError as HandshakeRefused

ALLOWED = "http://shop.test"  # demo_settings' allowed origin for the demo site


def test_availability_probe_carries_cors_only_for_allowed_origins(live):
    allowed = requests.get(live.http("/voice/available?site=demo"), headers={"Origin": ALLOWED}, timeout=5)
    assert allowed.status_code == 200 and allowed.json()["calls"] is True
    assert allowed.headers["Access-Control-Allow-Origin"] == ALLOWED
    foreign = requests.get(live.http("/voice/available?site=demo"), headers={"Origin": "http://evil.test"}, timeout=5)
    assert "Access-Control-Allow-Origin" not in foreign.headers


def test_browser_calls_from_a_foreign_origin_are_refused(live):
    try:
        Client.connect(live.ws("/voice/browser"), headers={"Origin": "http://evil.test"})
    except HandshakeRefused as refused:
        assert refused.status_code == 403
    else:
        raise AssertionError("a page on an origin no site allows must not place calls")
    client = Client.connect(live.ws("/voice/browser"), headers={"Origin": ALLOWED})
    client.send('{"type": "start", "sample_rate": 16000}')
    assert '"ready"' in client.receive(timeout=10)
    client.send('{"type": "hangup"}')
    try:
        client.close()
    except ConnectionClosed:
        pass  # the server may end the call first after a hangup; that is the expected outcome
