import time

import pytest

from frontdesk.commerce import BackendUnavailable
from frontdesk_woocommerce import config
from frontdesk_woocommerce.client import WooAuthError, WooClient, WooError


def client_for(fake, **overrides):
    return WooClient(config.load(fake.plugin_settings(**overrides)))


def test_get_all_follows_x_wp_totalpages(http_fake):
    for i in range(120):
        http_fake.add_product(f"Sticker {i}", "1.00", sku=f"ST{i}")
    names = [p["name"] for p in client_for(http_fake).get_all("products")]
    assert len(names) == 126
    assert [r["path"] for r in http_fake.requests].count("/wp-json/wc/v3/products") == 2


def test_5xx_is_retried(http_fake):
    http_fake.fail_next(2, status=502)
    assert client_for(http_fake).get("orders/1001")["number"] == "1001"
    assert [r["status"] for r in http_fake.requests] == [502, 502, 200]


def test_5xx_past_retries_is_backend_unavailable(http_fake):
    http_fake.fail_next(10)
    with pytest.raises(BackendUnavailable, match="HTTP 503"):
        client_for(http_fake, max_retries=2).get("orders/1001")


def test_429_waits_for_retry_after(http_fake):
    http_fake.rate_limit_next(1, retry_after=0.25)
    waits = []
    client = WooClient(config.load(http_fake.plugin_settings()), sleep=waits.append)
    assert client.get("orders/1001")
    assert waits == [0.25]


def test_timeout_is_backend_unavailable(http_fake):
    http_fake.delay = 0.5
    started = time.monotonic()
    with pytest.raises(BackendUnavailable, match="unreachable"):
        client_for(http_fake, timeout=0.1, max_retries=1).get("orders/1001")
    assert time.monotonic() - started < 2


def test_wrong_keys_are_an_auth_error_without_retries(http_fake):
    with pytest.raises(WooAuthError, match="signature"):
        client_for(http_fake, consumer_secret="cs_wrong").get("orders/1001")
    assert len(http_fake.requests) == 1


def test_not_found_is_a_woo_error_with_wocommerces_code(http_fake):
    with pytest.raises(WooError) as raised:
        client_for(http_fake).get("orders/4242")
    assert raised.value.code == "woocommerce_rest_shop_order_invalid_id"


def test_untrusted_certificate_is_backend_unavailable():
    from frontdesk_woocommerce.testing import FakeWooCommerce

    with FakeWooCommerce.seeded(tls=True) as fake:
        settings = fake.plugin_settings()
        settings.pop("ca_bundle")
        with pytest.raises(BackendUnavailable, match="certificate"):
            WooClient(config.load(settings)).get("orders/1001")
