"""The real Frontdesk server on a real port, configured with backend = "woocommerce", against FakeWooCommerce."""

from __future__ import annotations

import pytest
import requests

from frontdesk.testing import API_ORIGIN, ApiCustomer, demo_settings, serve
from frontdesk_woocommerce.testing import FakeWooCommerce

# One shop and one server for the module: building a Frontdesk trains the NLU, which takes seconds.
@pytest.fixture(scope="module")
def shop():
    with FakeWooCommerce.seeded() as fake:  # plain http: every request is OAuth 1.0a-signed and checked
        yield fake


@pytest.fixture(autouse=True)
def healthy_shop(shop):
    yield
    shop.delay = 0
    shop._failures.clear()


@pytest.fixture(scope="module")
def server(shop, tmp_path_factory):
    settings = demo_settings(tmp_path_factory.mktemp("frontdesk"), {
        "commerce": {"backend": "woocommerce"},
        "plugins": {"woocommerce": shop.plugin_settings(timeout=0.5, max_retries=1)},
        "sites": [{"key": "demo", "secret": "test-secret", "origins": [API_ORIGIN], "languages": ["en"]}],
    })
    with serve(settings) as (url, _):
        yield url


def test_product_question_with_loose_spelling(server, shop):
    answer = ApiCustomer(server).say("do you have trail runer size 10")
    assert "Trail Runner" in answer["text"]
    card = next(c for c in answer["cards"] if c["title"] == "Trail Runner")
    assert card["image"] == "https://cdn.example.test/trail-runner.jpg"
    assert card["url"] == f"{shop.url}/product/trail-runner/"
    assert {r["auth"] for r in shop.requests if r["status"] == 200} == {"oauth"}


def test_order_status_only_after_verification_by_postcode(server):
    customer = ApiCustomer(server)
    first = customer.say("where is my order 1001")
    assert "RM123456785GB" not in first["text"]
    wrong = customer.say("EH1 1YZ")
    assert "RM123456785GB" not in wrong["text"] and "Royal Mail" not in wrong["text"]
    other = ApiCustomer(server)
    other.say("where is my order 1001")
    right = other.say("SW1A 1AA")
    assert "RM123456785GB" in right["text"] and "Royal Mail" in right["text"]


def test_checkout_link_is_a_payment_url(server, shop):
    answer = ApiCustomer(server).say("I want to buy a camp mug")
    assert f"{shop.url}/checkout/order-pay/" in answer["text"]
    assert any(o["status"] == "pending" and o["created_via"] == "frontdesk" for o in shop.orders.values())


@pytest.mark.parametrize("trouble", ["5xx", "timeout"])
def test_a_shop_in_trouble_gets_an_honest_reply_and_an_offer_of_a_person(server, shop, trouble):
    customer = ApiCustomer(server)
    customer.say("where is my order 1002")
    if trouble == "5xx":
        shop.fail_next(10, status=500)
    else:
        shop.delay = 1.0
    answer = customer.say("bob@example.com")
    assert "can't reach" in answer["text"].lower()
    assert any("person" in q.lower() for q in answer["quick_replies"])
    assert requests.get(f"{server}/healthz", timeout=5).status_code == 200


def test_signed_order_webhook_reaches_the_customer_once(server, shop):
    customer = ApiCustomer(server)
    customer.say("where is my order 1001")
    customer.say("ann@example.com")
    status, body = shop.send_webhook(f"{server}/webhooks/woocommerce", "order.updated", shop.order_json(1001),
                                     delivery_id="d-1")
    assert status == 200 and body["events"] == ["order.shipped"]
    again = shop.send_webhook(f"{server}/webhooks/woocommerce", "order.updated", shop.order_json(1001),
                              delivery_id="d-1")
    assert again == (200, {"ok": True, "duplicate": True})
    shipped = [m for m in customer.messages() if "Good news: your order #1001 has shipped with Royal Mail" in m["text"]]
    assert len(shipped) == 1


def test_badly_signed_webhook_is_rejected_and_logged(server, shop, caplog):
    status, body = shop.send_webhook(f"{server}/webhooks/woocommerce", "order.updated", shop.order_json(1001),
                                     secret="wrong")
    assert status == 401 and body["error"] == "invalid_signature"
    assert "bad signature" in caplog.text


def test_webhook_creation_ping_is_acknowledged(server):
    answer = requests.post(f"{server}/webhooks/woocommerce", data={"webhook_id": "7"}, timeout=5)
    assert answer.status_code == 200 and answer.json()["ping"] is True


def test_back_in_stock_webhook(server, shop):
    beanie = shop.product_json("Merino Beanie")
    assert shop.send_webhook(f"{server}/webhooks/woocommerce", "product.updated", beanie)[1]["events"] == []
    beanie.update(stock_status="instock", stock_quantity=3)
    status, body = shop.send_webhook(f"{server}/webhooks/woocommerce", "product.updated", beanie)
    assert status == 200 and body["events"] == ["product.back_in_stock"]
