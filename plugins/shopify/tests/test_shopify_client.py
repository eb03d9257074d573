"""ShopifyClient against FakeShopify through the real ShopifyAPI library."""

import time

import pytest

from frontdesk.commerce import BackendUnavailable
from frontdesk_shopify import config
from frontdesk_shopify.client import ShopifyAccessDenied, ShopifyClient
from frontdesk_shopify.testing import FakeShopify

SHOP = "{ shop { name } }"


def client_for(fake, **overrides):
    return ShopifyClient(config.load(fake.plugin_settings(**overrides)))


def test_queries_go_through_the_library_to_the_pinned_version(fake):
    client = client_for(fake, api_version="2025-07")
    assert client.execute(SHOP)["shop"]["name"] == "Frontdesk Test Outfitters"
    assert fake.requests[-1]["path"] == "/admin/api/2025-07/graphql.json"


def test_5xx_is_retried_then_succeeds(fake):
    fake.fail_next(2, status=503)
    assert client_for(fake).execute(SHOP)["shop"]["name"]
    assert [r["status"] for r in fake.requests] == [503, 503, 200]


def test_5xx_past_retries_is_backend_unavailable(fake):
    fake.fail_next(10, status=500)
    with pytest.raises(BackendUnavailable, match="HTTP 500"):
        client_for(fake, max_retries=2).execute(SHOP)
    assert len(fake.requests) == 3


def test_429_waits_for_retry_after(fake):
    fake.rate_limit_next(1, retry_after=0.3)
    waits = []
    client = ShopifyClient(config.load(fake.plugin_settings()), sleep=waits.append)
    assert client.execute(SHOP)["shop"]
    assert waits == [0.3]


def test_graphql_throttled_waits_for_the_bucket_to_refill(fake):
    fake.throttle_next(1)
    waits = []
    client = ShopifyClient(config.load(fake.plugin_settings()), sleep=waits.append)
    assert client.execute(SHOP)["shop"]
    assert len(waits) == 1 and waits[0] > 0
    assert client.last_cost["throttleStatus"]["maximumAvailable"] == 2000


def test_a_nearly_empty_bucket_makes_the_client_wait_before_asking():
    with FakeShopify.seeded(bucket_size=100, restore_rate=50) as fake:
        waits = []
        client = ShopifyClient(config.load(fake.plugin_settings()), sleep=lambda s: (waits.append(s), time.sleep(s)))
        query = "{ products(first: 40) { nodes { featuredMedia { id } } } }"  # costs 42
        client.execute(query)
        client.execute(query)  # bucket now ~16: the client waits instead of being throttled
        client.execute(query)
        assert waits and all(r["status"] == 200 for r in fake.requests)
        assert not any("THROTTLED" in str(r) for r in fake.requests)


def test_throttled_past_retries_is_backend_unavailable(fake):
    fake.throttle_next(10)
    with pytest.raises(BackendUnavailable, match="throttled"):
        client_for(fake, max_retries=1).execute(SHOP)


def test_a_slow_shop_times_out_as_backend_unavailable(fake):
    fake.delay = 0.5
    started = time.monotonic()
    with pytest.raises(BackendUnavailable, match="unreachable"):
        client_for(fake, timeout=0.1, max_retries=1).execute(SHOP)
    assert time.monotonic() - started < 2


def test_a_shop_that_is_not_there_is_backend_unavailable():
    fake = FakeShopify.seeded().start()
    settings = fake.plugin_settings(max_retries=1)
    fake.stop()
    with pytest.raises(BackendUnavailable):
        ShopifyClient(config.load(settings)).execute(SHOP)


def test_a_revoked_token_is_backend_unavailable_without_retrying(fake):
    with pytest.raises(BackendUnavailable, match="rejected the access token"):
        client_for(fake, access_token="shpat_revoked").execute(SHOP)
    assert len(fake.requests) == 1


def test_client_credentials_token_is_fetched_and_reused(fake):
    client = client_for(fake, access_token="", client_id=fake.client_id, client_secret=fake.client_secret)
    client.execute(SHOP)
    client.execute(SHOP)
    assert [r["operation"] for r in fake.requests].count("access_token") == 1


def test_client_credentials_token_is_refreshed_before_it_expires():
    with FakeShopify.seeded(token_lifetime=400) as fake:
        now = [0.0]
        client = ShopifyClient(config.load(fake.plugin_settings(access_token="", client_id=fake.client_id,
                                                                client_secret=fake.client_secret)),
                               clock=lambda: now[0])
        client.execute(SHOP)
        now[0] = 50.0  # 350 s left: more than the 300 s margin, keep it
        client.execute(SHOP)
        now[0] = 150.0  # 250 s left: refresh first
        client.execute(SHOP)
        assert [r["operation"] for r in fake.requests].count("access_token") == 2


def test_an_expired_token_is_refreshed_once_on_401(fake):
    client = client_for(fake, access_token="", client_id=fake.client_id, client_secret=fake.client_secret)
    client.execute(SHOP)
    fake.expire_tokens()
    assert client.execute(SHOP)["shop"]
    assert [r["operation"] for r in fake.requests].count("access_token") == 2


def test_wrong_client_secret_says_so(fake):
    with pytest.raises(BackendUnavailable, match="refused the client credentials"):
        client_for(fake, access_token="", client_id=fake.client_id, client_secret="wrong").execute(SHOP)


def test_missing_scope_is_access_denied_naming_the_scope():
    with FakeShopify.seeded(scopes=("read_products",)) as fake:
        with pytest.raises(ShopifyAccessDenied) as raised:
            client_for(fake).execute('{ orders(first: 1) { nodes { name } } }')
        assert raised.value.scope == "read_orders"


def test_paginate_follows_cursors(fake):
    titles = client_for(fake).paginate(
        "query($after: String) { products(first: 2, after: $after) { nodes { title } pageInfo { hasNextPage endCursor } } }",
        "products")
    assert [t["title"] for t in titles] == [p.title for p in fake.products]
    assert len(fake.requests) == 3
