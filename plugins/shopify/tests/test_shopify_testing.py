"""The fake itself: documented shapes, auth, cost, pagination and failure injection."""

import json
import urllib.error
import urllib.request

import pytest

from frontdesk_shopify.testing import FakeShopify, sign_webhook


def post(fake, body, token="shpat_fake_token", path="/admin/api/2025-10/graphql.json"):
    request = urllib.request.Request(fake.url + path, json.dumps(body).encode(),
                                     {"Content-Type": "application/json", "X-Shopify-Access-Token": token})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read()), response.headers
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), error.headers


def test_a_bad_token_gets_401_with_shopifys_message(fake):
    status, body, _ = post(fake, {"query": "{ shop { name } }"}, token="nope")
    assert status == 401
    assert "Invalid API key or access token" in body["errors"]


def test_answers_carry_cost_and_throttle_status(fake):
    status, body, headers = post(fake, {"query": "{ shop { name } }"})
    assert status == 200 and body["data"]["shop"]["name"]
    cost = body["extensions"]["cost"]
    assert set(cost["throttleStatus"]) == {"maximumAvailable", "currentlyAvailable", "restoreRate"}
    assert headers["X-Shopify-API-Version"] == "2025-10"


def test_unknown_fields_fail_validation_like_the_real_api(fake):
    status, body, _ = post(fake, {"query": "{ products(first: 1) { nodes { titel } } }"})
    assert status == 200
    assert "Cannot query field 'titel'" in body["errors"][0]["message"]


def test_cursor_pagination_walks_every_product(fake):
    query = "query($after: String) { products(first: 2, after: $after) { nodes { title } pageInfo { hasNextPage endCursor } } }"
    titles, after = [], None
    while True:
        _, body, _ = post(fake, {"query": query, "variables": {"after": after}})
        page = body["data"]["products"]
        titles += [n["title"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert titles == [p.title for p in fake.products]


def test_an_expensive_query_is_throttled_when_the_bucket_is_empty():
    with FakeShopify.seeded(bucket_size=60, restore_rate=1) as fake:
        query = "{ products(first: 30) { nodes { variants(first: 5) { nodes { selectedOptions { name } } } } } }"  # 2 + 30 * (2 + 5) = 212
        _, body, _ = post(fake, {"query": query})
        assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
        small = "{ products(first: 25) { nodes { featuredMedia { id } } } }"  # 2 + 25 * 1 = 27
        first = post(fake, {"query": small})[1]
        assert "data" in first and first["extensions"]["cost"]["requestedQueryCost"] == 27
        second = post(fake, {"query": small})[1]
        assert "data" in second
        third = post(fake, {"query": small})[1]
        assert third["errors"][0]["extensions"]["code"] == "THROTTLED"
        assert third["extensions"]["cost"]["actualQueryCost"] is None


def test_missing_scope_is_access_denied():
    with FakeShopify.seeded(scopes=("read_products",)) as fake:
        _, body, _ = post(fake, {"query": '{ orders(first: 1) { nodes { name } } }'})
        assert body["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
        assert "read_orders" in body["errors"][0]["extensions"]["requiredAccess"]


def test_client_credentials_grant_issues_expiring_tokens(fake):
    form = f"grant_type=client_credentials&client_id={fake.client_id}&client_secret={fake.client_secret}".encode()
    request = urllib.request.Request(fake.url + "/admin/oauth/access_token", form,
                                     {"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=5) as response:
        token = json.loads(response.read())
    assert token["expires_in"] == 86399 and "read_orders" in token["scope"]
    assert post(fake, {"query": "{ shop { name } }"}, token=token["access_token"])[0] == 200
    fake.expire_tokens()
    assert post(fake, {"query": "{ shop { name } }"}, token=token["access_token"])[0] == 401


def test_injected_failures_come_in_order(fake):
    fake.rate_limit_next(1, retry_after=2)
    fake.fail_next(1, status=502)
    status, _, headers = post(fake, {"query": "{ shop { name } }"})
    assert status == 429 and headers["Retry-After"] == "2.0"
    assert post(fake, {"query": "{ shop { name } }"})[0] == 502
    assert post(fake, {"query": "{ shop { name } }"})[0] == 200


def test_order_search_by_name(fake):
    _, body, _ = post(fake, {"query": '{ orders(first: 5, query: "name:#1003") { nodes { name email } } }'})
    assert body["data"]["orders"]["nodes"] == [{"name": "#1003", "email": "cat@example.com"}]


def test_webhook_signature_is_base64_hmac_sha256():
    # Vector from `printf '{}' | openssl dgst -sha256 -hmac secret -binary | base64`.
    assert sign_webhook(b"{}", "secret") == "dzJZAsrKgS3CWXM6rNBGtzgXNyx3e42VtAJkdHRRbhM="
