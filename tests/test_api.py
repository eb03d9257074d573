"""The HTTP and WebSocket API, against a real server on a real port."""

from __future__ import annotations

import json
import time

import pytest
import requests
from simple_websocket import Client
from simple_websocket.errors import ConnectionError as HandshakeRefused

from frontdesk.testing import API_ORIGIN as ORIGIN
from frontdesk.conversations import sign_identity

AUTH = "Authorization"


def ws_connect(live, conversation_id, token, after=None, origin=ORIGIN):
    url = live.url.replace("http://", "ws://") + f"/api/v1/conversations/{conversation_id}/ws?token={token}"
    if after is not None:
        url += f"&after={after}"
    return Client.connect(url, headers={"Origin": origin})


def receive_until(ws, predicate, timeout=10.0):
    events, deadline = [], time.time() + timeout
    while time.time() < deadline:
        raw = ws.receive(timeout=0.5)
        if raw is None:
            continue
        event = json.loads(raw)
        events.append(event)
        if predicate(event):
            return events
    raise AssertionError(f"no matching event; got {events}")


def test_health(live):
    assert requests.get(f"{live.url}/healthz", timeout=5).json()["status"] == "ok"


def test_conversation_round_trip_and_message_shape(live):
    cid, token = live.start_conversation()
    response = live.say(cid, token, "where is my order 1001")
    assert response.status_code == 200
    [message] = response.json()["messages"]
    assert set(message) >= {"id", "role", "text", "quick_replies", "cards", "created_at"}
    assert message["role"] == "bot" and "email" in message["text"]
    answer = live.say(cid, token, "ada@example.com").json()["messages"][0]
    assert "shipped" in answer["text"] and answer["cards"][0]["title"] == "Order #1001"


def test_history_after_for_resuming(live):
    cid, token = live.start_conversation()
    live.say(cid, token, "hello")
    everything = requests.get(f"{live.url}/api/v1/conversations/{cid}/messages",
                              headers={AUTH: f"Bearer {token}"}, timeout=5).json()["messages"]
    assert [m["role"] for m in everything] == ["customer", "bot"]
    later = requests.get(f"{live.url}/api/v1/conversations/{cid}/messages?after={everything[0]['id']}",
                         headers={AUTH: f"Bearer {token}"}, timeout=5).json()["messages"]
    assert [m["id"] for m in later] == [everything[1]["id"]]


def test_idempotent_retry_over_http(live):
    cid, token = live.start_conversation()
    first = live.say(cid, token, "what are your opening hours", client_id="retry-1").json()
    second = live.say(cid, token, "what are your opening hours", client_id="retry-1").json()
    assert first == second
    history = requests.get(f"{live.url}/api/v1/conversations/{cid}/messages", headers={AUTH: f"Bearer {token}"},
                           timeout=5).json()["messages"]
    assert len(history) == 2


@pytest.mark.parametrize("body, status, fragment", [
    (b"{not json", 400, "not valid JSON"),
    (b"[1, 2]", 400, "JSON object"),
    (b"", 400, "JSON object"),
    (json.dumps({"text": 42}).encode(), 400, "'text' must be a str"),
    (json.dumps({"text": "   "}).encode(), 400, "must not be empty"),
    (json.dumps({"text": "x" * 2001}).encode(), 413, "longer than 2000"),
    (json.dumps({"text": "hi", "client_id": ["a"]}).encode(), 400, "'client_id' must be a str"),
])
def test_bad_message_bodies_get_clear_4xx_json(live, body, status, fragment):
    cid, token = live.start_conversation()
    response = requests.post(f"{live.url}/api/v1/conversations/{cid}/messages", data=body,
                             headers={AUTH: f"Bearer {token}", "Content-Type": "application/json"}, timeout=5)
    assert response.status_code == status
    assert fragment in response.json()["error"]


def test_wrong_token_unknown_conversation_and_unknown_site(live):
    cid, _ = live.start_conversation()
    wrong = requests.post(f"{live.url}/api/v1/conversations/{cid}/messages", json={"text": "hi"},
                          headers={AUTH: "Bearer nope"}, timeout=5)
    unknown = requests.post(f"{live.url}/api/v1/conversations/doesnotexist/messages", json={"text": "hi"},
                            headers={AUTH: "Bearer nope"}, timeout=5)
    assert wrong.status_code == unknown.status_code == 401  # no way to probe which conversations exist
    site = requests.post(f"{live.url}/api/v1/conversations", json={"site": "nope"}, timeout=5)
    assert site.status_code == 404 and "unknown site" in site.json()["error"]
    missing = requests.get(f"{live.url}/no/such/page", timeout=5)
    assert missing.status_code == 404 and missing.json()["status"] == 404


def test_foreign_origin_is_refused_and_allowed_origin_gets_cors(live):
    refused = requests.post(f"{live.url}/api/v1/conversations", json={"site": "demo"},
                            headers={"Origin": "https://evil.example"}, timeout=5)
    assert refused.status_code == 403 and "not allowed" in refused.json()["error"]
    preflight = requests.options(f"{live.url}/api/v1/conversations", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST"}, timeout=5)
    assert preflight.status_code == 204 and preflight.headers["Access-Control-Allow-Origin"] == ORIGIN
    cid, token = live.start_conversation()
    stolen = requests.get(f"{live.url}/api/v1/conversations/{cid}/messages",
                          headers={AUTH: f"Bearer {token}", "Origin": "https://evil.example"}, timeout=5)
    assert stolen.status_code == 403


def test_signed_identity_is_checked(live):
    good = live.start_conversation(identity={"email": "ada@example.com",
                                             "signature": sign_identity("ada@example.com", "test-secret")})
    assert "shipped" in live.say(*good, "where is my order 1001").json()["messages"][0]["text"]
    bad = requests.post(f"{live.url}/api/v1/conversations", json={"site": "demo", "identity": {
        "email": "ada@example.com", "signature": "0" * 64}}, headers={"Origin": ORIGIN}, timeout=5)
    assert bad.status_code == 401


def test_rate_limit_per_conversation(start_server):
    live = start_server({"limits": {"messages_per_minute_per_conversation": 3}})
    cid, token = live.start_conversation()
    statuses = [live.say(cid, token, "hello").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = live.say(cid, token, "hello")
    assert "Retry-After" in limited.headers and limited.json()["error"]


def test_rate_limit_per_ip(start_server):
    live = start_server({"limits": {"requests_per_minute_per_ip": 5}})
    statuses = [requests.get(f"{live.url}/api/v1/sites/demo/config", timeout=5).status_code for _ in range(6)]
    assert statuses[-1] == 429 and statuses[:5] == [200] * 5


def test_websocket_round_trip_with_typing_and_echo(live):
    cid, token = live.start_conversation()
    ws = ws_connect(live, cid, token)
    try:
        ws.send(json.dumps({"type": "message", "text": "when are you open", "client_id": "w-1"}))
        events = receive_until(ws, lambda e: e["type"] == "message" and e["message"]["role"] == "bot")
        kinds = [(e["type"], e.get("message", {}).get("role")) for e in events]
        assert kinds[:2] == [("status", None), ("message", "customer")]  # the status snapshot comes first
        assert ("typing", None) in kinds
        assert "opening hours" in events[-1]["message"]["text"].lower()
    finally:
        ws.close()


def test_websocket_replays_missed_messages_after_reconnect(live):
    cid, token = live.start_conversation()
    first = live.say(cid, token, "hello").json()["messages"][0]
    live.say(cid, token, "when are you open")  # sent while "offline"
    ws = ws_connect(live, cid, token, after=first["id"])
    try:
        events = receive_until(ws, lambda e: e["type"] == "message" and "opening hours" in e["message"]["text"].lower())
        ids = [e["message"]["id"] for e in events if e["type"] == "message"]
        assert ids == sorted(set(ids)) and min(ids) > first["id"]
    finally:
        ws.close()


def test_websocket_bad_frames_get_error_events_not_a_crash(live):
    cid, token = live.start_conversation()
    ws = ws_connect(live, cid, token)
    try:
        ws.send("not json")
        assert receive_until(ws, lambda e: e["type"] == "error")[-1]["status"] == 400
        ws.send(json.dumps({"type": "message", "text": "x" * 5000}))
        assert receive_until(ws, lambda e: e["type"] == "error")[-1]["status"] == 413
        ws.send(json.dumps({"type": "message", "text": "hello"}))
        receive_until(ws, lambda e: e["type"] == "message" and e["message"]["role"] == "bot")
    finally:
        ws.close()


def test_websocket_refuses_wrong_token_and_foreign_origin(live):
    cid, token = live.start_conversation()
    with pytest.raises(HandshakeRefused, match="401"):
        ws_connect(live, cid, "wrong-token")
    with pytest.raises(HandshakeRefused, match="403"):
        ws_connect(live, cid, token, origin="https://evil.example")
    handshake = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
                 "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Origin": ORIGIN}
    url = f"{live.url}/api/v1/conversations/{cid}/ws"
    refused = requests.get(f"{url}?token=wrong", headers=handshake, timeout=5)
    assert refused.status_code == 401 and refused.json()["error"] == "missing or wrong conversation token"
    foreign = requests.get(f"{url}?token={token}", headers={**handshake, "Origin": "https://evil.example"}, timeout=5)
    assert foreign.status_code == 403


def test_two_tabs_see_the_same_conversation(live):
    cid, token = live.start_conversation()
    # A tab subscribes once its socket is open; like the widget, it asks for history (?after=) so nothing
    # published in between is missed.
    tab_a, tab_b = ws_connect(live, cid, token), ws_connect(live, cid, token, after=0)
    try:
        tab_a.send(json.dumps({"type": "message", "text": "hello", "client_id": "tab-a-1"}))
        seen_by_b = receive_until(tab_b, lambda e: e["type"] == "message" and e["message"]["role"] == "bot")
        assert [e["message"]["text"] for e in seen_by_b if e["type"] == "message"][0] == "hello"
    finally:
        tab_a.close()
        tab_b.close()


def test_agent_message_reaches_the_customer_live(live):
    cid, token = live.start_conversation()
    ws = ws_connect(live, cid, token)
    try:
        snapshot = receive_until(ws, lambda e: e["type"] == "status")[-1]
        assert snapshot == {"type": "status", "status": "open", "agent": None}
        live.frontdesk.post_agent_message(cid, "Hi, this is Sam from the shop.", "Sam")
        events = receive_until(ws, lambda e: e["type"] == "message" and e["message"]["role"] == "agent")
        assert {"type": "status", "status": "handoff", "agent": {"name": "Sam", "avatar": None}} in events
        assert events[-1]["message"]["agent"]["name"] == "Sam"
    finally:
        ws.close()


def test_close_rating_transcript_and_leave_message(live):
    cid, token = live.start_conversation()
    live.say(cid, token, "what are your opening hours")
    headers = {AUTH: f"Bearer {token}"}
    transcript = requests.get(f"{live.url}/api/v1/conversations/{cid}/transcript", headers=headers, timeout=5)
    assert transcript.headers["Content-Type"].startswith("text/plain") and "You: what are your opening hours" in transcript.text
    assert requests.post(f"{live.url}/api/v1/conversations/{cid}/rating", json={"score": 9}, headers=headers,
                         timeout=5).status_code == 400
    assert requests.post(f"{live.url}/api/v1/conversations/{cid}/rating", json={"score": 5}, headers=headers,
                         timeout=5).status_code == 200
    assert requests.post(f"{live.url}/api/v1/conversations/{cid}/close", headers=headers, timeout=5).status_code == 200
    after_close = live.say(cid, token, "hello again")
    assert after_close.status_code == 409
    left = requests.post(f"{live.url}/api/v1/sites/demo/messages", json={"email": "x@example.com", "text": "call me"}, timeout=5)
    assert left.status_code == 201
    assert requests.post(f"{live.url}/api/v1/sites/demo/messages", json={"email": "nope", "text": "hi"},
                         timeout=5).status_code == 400


def test_site_config_for_the_widget(live):
    config = requests.get(f"{live.url}/api/v1/sites/demo/config", headers={"Origin": ORIGIN}, timeout=5).json()
    assert config["shop_name"] == "Northwind Outfitters" and isinstance(config["open_now"], bool)
    assert "ar" in config["languages"]


def test_plugins_json_lists_builtins_with_registrations(live):
    plugins = {p["name"]: p for p in requests.get(f"{live.url}/-/plugins.json", timeout=5).json()}
    assert plugins["builtin_actions"]["builtin"] and "order.status" in plugins["builtin_actions"]["registrations"]["action"]
    assert "demo" in plugins["demo_store"]["registrations"]["commerce_backend"]
