"""frontdesk.webhooks: HMAC signatures, delivery de-duplication, messages, and the blueprint on a real port."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
from typing import Any, Iterator

import pytest
import requests
from flask import Flask
from werkzeug.serving import make_server

from frontdesk.commerce import BackendUnavailable
from frontdesk.events import BackendEvent
from frontdesk.webhooks import (
    SeenDeliveries,
    WebhookSource,
    back_in_stock_message,
    delivered_message,
    shipped_message,
    valid_signature,
    webhook_blueprint,
)

SECRET = "hush"
SOURCE = WebhookSource(name="acme", label="Acme", signature_header="X-Acme-Hmac", topic_header="X-Acme-Topic",
                       delivery_id_header="X-Acme-Delivery", secret_setting="webhook_secret")


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


# --- valid_signature ---------------------------------------------------------------------------------

def test_signature_of_the_body_under_the_secret_is_valid():
    body = b'{"id": 1}'
    assert valid_signature(body, sign(body), SECRET)
    assert valid_signature(body, f"  {sign(body)}\n", SECRET)  # header values may carry white space


@pytest.mark.parametrize("body, signature, secret", [
    (b'{"id": 2}', sign(b'{"id": 1}'), SECRET),  # body changed after signing
    (b'{"id": 1}', sign(b'{"id": 1}', "other"), SECRET),  # signed with another secret
    (b'{"id": 1}', None, SECRET),
    (b'{"id": 1}', "", SECRET),
    (b'{"id": 1}', sign(b'{"id": 1}', ""), ""),  # no secret configured: nothing is valid
    (b'{"id": 1}', hashlib.sha256(b'{"id": 1}').hexdigest(), SECRET),  # hex digest is not the base64 HMAC
])
def test_anything_else_is_invalid(body, signature, secret):
    assert not valid_signature(body, signature, secret)


# --- SeenDeliveries ------------------------------------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_delivery_is_new_once():
    seen = SeenDeliveries()
    assert seen.first_time("d-1")
    assert not seen.first_time("d-1")
    assert seen.first_time("d-2")


def test_a_delivery_is_new_again_after_the_ttl():
    clock = Clock()
    seen = SeenDeliveries(ttl=60, clock=clock)
    assert seen.first_time("d-1")
    clock.now += 59
    assert not seen.first_time("d-1")
    clock.now += 2
    assert seen.first_time("d-1")


def test_memory_is_bounded_oldest_first():
    seen = SeenDeliveries(max_items=3)
    for n in range(5):
        assert seen.first_time(f"d-{n}")
    assert seen.first_time("d-0"), "the oldest ids were dropped to stay within max_items"
    assert not seen.first_time("d-4")
    assert len(seen._seen) <= 4


def test_forget_lets_a_retry_act():
    seen = SeenDeliveries()
    seen.first_time("d-1")
    seen.forget("d-1")
    seen.forget("never-seen")  # harmless
    assert seen.first_time("d-1")


def test_concurrent_repeats_are_new_exactly_once():
    seen = SeenDeliveries()
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(seen.first_time("same"))) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1


# --- customer messages ---------------------------------------------------------------------------------

@pytest.mark.parametrize("carrier, tracking, url, expected", [
    ("UPS", "1Z9", "https://ups.example/1Z9", "Good news: your order #1001 has shipped with UPS. "
                                                 "Tracking number 1Z9: https://ups.example/1Z9"),
    ("UPS", "1Z9", "", "Good news: your order #1001 has shipped with UPS. Tracking number 1Z9."),
    ("", "1Z9", "", "Good news: your order #1001 has shipped. Tracking number 1Z9."),
    ("Royal Mail", "", "", "Good news: your order #1001 has shipped with Royal Mail."),
    ("", "", "https://ignored.example", "Good news: your order #1001 has shipped."),
])
def test_shipped_message(carrier, tracking, url, expected):
    assert shipped_message("1001", carrier, tracking, url) == expected


def test_delivered_and_back_in_stock_messages():
    assert delivered_message("1003") == "Your order #1003 has been delivered. Enjoy!"
    assert back_in_stock_message("Camp Mug") == "Camp Mug is back in stock."


# --- the blueprint on a real port ---------------------------------------------------------------------

class Receiver:
    """A Flask app with only the webhook blueprint, served by werkzeug on a free port."""

    def __init__(self) -> None:
        self.secret = SECRET
        self.emitted: list[BackendEvent] = []
        self.handled: list[tuple[str, dict[str, Any], str]] = []
        self.down = False
        app = Flask("webhook-test")
        app.register_blueprint(webhook_blueprint(SOURCE, secret=lambda: self.secret, handle=self.handle,
                                                 emit=self.emitted.append, log=logging.getLogger("test.acme"),
                                                 is_ping=lambda headers, body: body == b"ping"))
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhooks/acme"

    def handle(self, topic: str, payload: dict[str, Any], delivery_id: str) -> list[BackendEvent]:
        if self.down:
            raise BackendUnavailable("shop timed out")
        self.handled.append((topic, payload, delivery_id))
        if topic != "order.shipped":
            return []
        return [BackendEvent(kind="order.shipped", source=SOURCE.name, order_number=str(payload["number"]),
                             delivery_id=delivery_id, message=shipped_message(str(payload["number"]), "", "", ""))]

    def post(self, body: bytes, *, topic: str = "order.shipped", delivery: str | None = "d-1",
             signature: str | None = None) -> requests.Response:
        headers = {"X-Acme-Topic": topic, "X-Acme-Hmac": signature if signature is not None else sign(body)}
        if delivery:
            headers["X-Acme-Delivery"] = delivery
        return requests.post(self.url, data=body, headers=headers, timeout=10)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    threading.Thread(target=made.server.serve_forever, daemon=True).start()
    yield made
    made.server.shutdown()


def test_signed_delivery_is_handled_and_its_events_emitted(receiver):
    body = json.dumps({"number": 1001}).encode()
    answer = receiver.post(body)
    assert answer.status_code == 200
    assert answer.json() == {"ok": True, "topic": "order.shipped", "events": ["order.shipped"]}
    assert receiver.handled == [("order.shipped", {"number": 1001}, "d-1")]
    assert [e.message for e in receiver.emitted] == ["Good news: your order #1001 has shipped."]


def test_a_repeated_delivery_is_acknowledged_but_not_handled_again(receiver):
    body = json.dumps({"number": 1001}).encode()
    assert receiver.post(body).status_code == 200
    again = receiver.post(body)
    assert again.status_code == 200 and again.json() == {"ok": True, "duplicate": True}
    assert len(receiver.handled) == 1 and len(receiver.emitted) == 1


def test_without_a_delivery_id_an_identical_body_counts_as_the_same_delivery(receiver):
    body = json.dumps({"number": 1002}).encode()
    assert receiver.post(body, delivery=None).json()["events"] == ["order.shipped"]
    assert receiver.post(body, delivery=None).json()["duplicate"] is True
    assert receiver.handled[0][2] == hashlib.sha256(body).hexdigest()


def test_a_bad_signature_is_refused_and_logged(receiver, caplog):
    body = json.dumps({"number": 1001}).encode()
    with caplog.at_level(logging.WARNING, logger="test.acme"):
        answer = receiver.post(body, signature=sign(body, "wrong"))
    assert answer.status_code == 401
    assert answer.json() == {"error": "invalid_signature", "message": "X-Acme-Hmac does not match the body."}
    assert "acme webhook rejected: bad signature (topic order.shipped" in caplog.text
    assert receiver.handled == [] and receiver.emitted == []


def test_no_secret_configured_is_a_clear_503(receiver, caplog):
    receiver.secret = ""
    body = json.dumps({"number": 1001}).encode()
    with caplog.at_level(logging.ERROR, logger="test.acme"):
        answer = receiver.post(body, signature=sign(body, ""))
    assert answer.status_code == 503
    assert answer.json() == {"error": "not_configured", "message": "Acme webhooks are not configured on this server."}
    assert "acme webhook refused: no webhook_secret configured" in caplog.text
    assert receiver.handled == []


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe", b""])
def test_a_signed_body_that_is_not_a_json_object_is_a_400(receiver, body):
    answer = receiver.post(body)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_json"
    assert receiver.handled == []


def test_a_back_end_that_is_down_gets_a_503_and_the_retry_acts(receiver):
    body = json.dumps({"number": 1001}).encode()
    receiver.down = True
    first = receiver.post(body)
    assert first.status_code == 503 and first.json()["error"] == "backend_unavailable"
    receiver.down = False
    retry = receiver.post(body)
    assert retry.status_code == 200 and retry.json()["events"] == ["order.shipped"]
    assert len(receiver.emitted) == 1


def test_a_ping_is_acknowledged_before_any_signature_check(receiver):
    answer = requests.post(receiver.url, data=b"ping", timeout=10)
    assert answer.status_code == 200 and answer.json() == {"ok": True, "ping": True}
    assert receiver.handled == []


def test_a_topic_without_events_is_acknowledged(receiver):
    answer = receiver.post(json.dumps({"id": 9}).encode(), topic="customer.created", delivery="d-9")
    assert answer.status_code == 200 and answer.json() == {"ok": True, "topic": "customer.created", "events": []}
    assert receiver.emitted == []


def test_the_secret_is_read_per_request(receiver):
    body = json.dumps({"number": 1001}).encode()
    receiver.secret = "rotated"
    assert receiver.post(body).status_code == 401
    assert receiver.post(body, signature=sign(body, "rotated")).status_code == 200
