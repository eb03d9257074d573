"""The real Frontdesk server on a real port, configured with backend = "shopify", against FakeShopify."""

from __future__ import annotations

import pytest
import requests

from frontdesk.testing import API_ORIGIN, ApiCustomer, demo_settings, serve
from frontdesk_shopify.testing import FakeShopify


# One shop and one server for the module: building a Frontdesk trains the NLU, which takes seconds.
@pytest.fixture(scope="module")
def shop():
    with FakeShopify.seeded() as fake:
        yield fake


@pytest.fixture(autouse=True)
def healthy_shop(shop):
    yield
    shop.delay = 0
    shop._failures.clear()
    shop._throttles = 0


@pytest.fixture(scope="module")
def server(shop, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("frontdesk")
    settings = demo_settings(tmp_path, {"commerce": {"backend": "shopify"},
                                        "plugins": {"shopify": shop.plugin_settings(timeout=0.5, max_retries=1)},
                                        # English only: each extra language is another NLU model to train.
                                        "sites": [{"key": "demo", "secret": "test-secret", "origins": [API_ORIGIN],
                                                   "languages": ["en"]}]})
    with serve(settings) as (url, frontdesk):
        yield url, frontdesk


def test_product_question_with_loose_spelling(server):
    url, _ = server
    answer = ApiCustomer(url).say("do you have trail runer size 10")
    assert "Trail Runner" in answer["text"]
    card = next(c for c in answer["cards"] if c["title"] == "Trail Runner")
    assert card["image"] == "https://cdn.example.test/trail-runner.jpg"
    assert card["url"].endswith("/products/trail-runner")


def test_order_status_only_after_verification(server):
    url, _ = server
    customer = ApiCustomer(url)
    first = customer.say("where is my order 1001")
    assert "1Z999AA10123456784" not in first["text"]
    assert "email" in first["text"].lower()
    wrong = customer.say("bob@example.com")
    assert "1Z999AA10123456784" not in wrong["text"] and "UPS" not in wrong["text"]
    other = ApiCustomer(url)
    other.say("where is my order 1001")
    right = other.say("ann@example.com")
    assert "1Z999AA10123456784" in right["text"]
    assert "UPS" in right["text"]


def test_checkout_link_is_a_shopify_invoice(server, shop):
    url, _ = server
    answer = ApiCustomer(url).say("I want to buy a camp mug")
    assert f"https://{shop.domain}/" in answer["text"] and "/invoices/" in answer["text"]
    assert shop.draft_orders, "a draft order was created at the shop"


@pytest.mark.parametrize("trouble", ["5xx", "timeout", "throttled"])
def test_a_shop_in_trouble_gets_an_honest_reply_and_an_offer_of_a_person(server, shop, trouble):
    url, _ = server
    customer = ApiCustomer(url)
    customer.say("where is my order 1003")
    if trouble == "5xx":
        shop.fail_next(10, status=503)
    elif trouble == "timeout":
        shop.delay = 1.0
    else:
        shop.throttle_next(10)
    answer = customer.say("cat@example.com")
    assert "can't reach" in answer["text"].lower() or "cannot reach" in answer["text"].lower()
    assert any("person" in q.lower() for q in answer["quick_replies"])
    assert requests.get(f"{url}/healthz", timeout=5).status_code == 200


def test_signed_shipping_webhook_reaches_the_customers_conversation(server, shop):
    url, _ = server
    customer = ApiCustomer(url)
    customer.say("where is my order 1001")
    customer.say("ann@example.com")
    status, body = shop.send_webhook(f"{url}/webhooks/shopify", "orders/fulfilled", shop.order_webhook_payload(1001),
                                     webhook_id="wh-1")
    assert status == 200 and body["events"] == ["order.shipped"]
    assert any("has shipped with UPS" in m["text"] for m in customer.messages())
    again = shop.send_webhook(f"{url}/webhooks/shopify", "orders/fulfilled", shop.order_webhook_payload(1001),
                              webhook_id="wh-1")
    assert again == (200, {"ok": True, "duplicate": True})
    assert sum("Good news: your order #1001 has shipped" in m["text"] for m in customer.messages()) == 1


def test_badly_signed_webhook_is_rejected(server, shop, caplog):
    url, _ = server
    status, body = shop.send_webhook(f"{url}/webhooks/shopify", "orders/fulfilled", shop.order_webhook_payload(1001),
                                     secret="not-the-secret")
    assert status == 401 and body["error"] == "invalid_signature"
    assert "bad signature" in caplog.text


def test_delivered_and_back_in_stock_webhooks(server, shop):
    url, frontdesk = server
    customer = ApiCustomer(url)
    customer.say("where is my order 1003")
    customer.say("cat@example.com")
    status, body = shop.send_webhook(f"{url}/webhooks/shopify", "fulfillments/update",
                                     shop.fulfillment_webhook_payload(1003, "delivered"))
    assert status == 200 and body["events"] == ["order.delivered"]
    assert any("#1003 has been delivered" in m["text"] for m in customer.messages())
    status, body = shop.send_webhook(f"{url}/webhooks/shopify", "inventory_levels/update",
                                     shop.inventory_webhook_payload("Merino Beanie", "Grey", 4))
    assert status == 200 and body["events"] == ["product.back_in_stock"]
    sold_out = shop.send_webhook(f"{url}/webhooks/shopify", "inventory_levels/update",
                                 shop.inventory_webhook_payload("Merino Beanie", "Grey", 0))
    assert sold_out[1]["events"] == []


def test_webhook_with_a_body_that_is_not_json_is_a_400(server, shop):
    url, _ = server
    from frontdesk_shopify.testing import sign_webhook

    body = b"not json"
    answer = requests.post(f"{url}/webhooks/shopify", data=body, timeout=5, headers={
        "X-Shopify-Hmac-Sha256": sign_webhook(body, shop.client_secret), "X-Shopify-Topic": "orders/fulfilled"})
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_json"
