"""The fake itself: WooCommerce's authentication rules, pagination headers and error shapes."""

import base64
import time

import pytest
import requests
from woocommerce import API

from frontdesk_woocommerce.testing import FakeWooCommerce, oauth_signature, sign_webhook


def test_oauth_signature_matches_the_reference_algorithm():
    # Worked by hand from WC_REST_Authentication::check_oauth_signature for GET http://s.test/wp-json/wc/v3/orders.
    params = {"oauth_consumer_key": "ck", "oauth_nonce": "n", "oauth_signature_method": "HMAC-SHA1",
              "oauth_timestamp": "1", "search": "a b"}
    # base string: GET&http%3A%2F%2Fs.test%2Fwp-json%2Fwc%2Fv3%2Forders&oauth_consumer_key%3Dck%26...%26search%3Da%2520b
    import hashlib, hmac
    base = ("GET&http%3A%2F%2Fs.test%2Fwp-json%2Fwc%2Fv3%2Forders&oauth_consumer_key%3Dck%26oauth_nonce%3Dn%26"
            "oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1%26search%3Da%2520b")
    expected = base64.b64encode(hmac.new(b"cs&", base.encode(), hashlib.sha1).digest()).decode()
    assert oauth_signature("GET", "http://s.test/wp-json/wc/v3/orders", params, "cs", "HMAC-SHA1") == expected


def test_the_real_client_passes_oauth_and_a_wrong_secret_does_not(http_fake):
    good = API(url=http_fake.url, consumer_key=http_fake.consumer_key, consumer_secret=http_fake.consumer_secret)
    assert good.get("products", params={"search": "trail runner"}).status_code == 200
    bad = API(url=http_fake.url, consumer_key=http_fake.consumer_key, consumer_secret="cs_wrong")
    answer = bad.get("products")
    assert answer.status_code == 401
    assert answer.json()["message"] == "Invalid signature - provided signature does not match."


def test_a_replayed_oauth_request_is_refused(http_fake):
    api = API(url=http_fake.url, consumer_key=http_fake.consumer_key, consumer_secret=http_fake.consumer_secret)
    first = api.get("products")
    assert first.status_code == 200
    replay = requests.get(first.url, timeout=5)
    assert replay.status_code == 401 and "nonce" in replay.json()["message"]


def test_basic_auth_over_plain_http_is_ignored(http_fake):
    answer = requests.get(f"{http_fake.url}/wp-json/wc/v3/products",
                          auth=(http_fake.consumer_key, http_fake.consumer_secret), timeout=5)
    assert answer.status_code == 401 and answer.json()["code"] == "woocommerce_rest_cannot_view"


def test_basic_auth_over_https_with_a_self_signed_certificate():
    with FakeWooCommerce.seeded(tls=True) as fake:
        url = f"{fake.url}/wp-json/wc/v3/products"
        assert requests.get(url, auth=(fake.consumer_key, fake.consumer_secret), verify=fake.ca_file,
                            timeout=5).status_code == 200
        wrong = requests.get(url, auth=(fake.consumer_key, "nope"), verify=fake.ca_file, timeout=5)
        assert wrong.status_code == 401 and wrong.json()["message"] == "Consumer secret is invalid."
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(url, auth=(fake.consumer_key, fake.consumer_secret), timeout=5)  # untrusted certificate


def test_read_only_keys_cannot_write():
    with FakeWooCommerce.seeded(permissions="read") as fake:
        api = API(url=fake.url, consumer_key=fake.consumer_key, consumer_secret=fake.consumer_secret)
        assert api.get("orders").status_code == 200
        answer = api.post("orders/batch", {})
        assert answer.status_code == 401 and "write permissions" in answer.json()["message"]


def test_pagination_headers(http_fake):
    api = API(url=http_fake.url, consumer_key=http_fake.consumer_key, consumer_secret=http_fake.consumer_secret)
    page = api.get("products", params={"per_page": 2, "page": 2})
    assert page.headers["X-WP-Total"] == "6" and page.headers["X-WP-TotalPages"] == "3"
    assert len(page.json()) == 2
    assert api.get("products", params={"per_page": 101}).json()["code"] == "rest_invalid_param"


def test_unknown_order_has_woocommerces_error_shape(http_fake):
    api = API(url=http_fake.url, consumer_key=http_fake.consumer_key, consumer_secret=http_fake.consumer_secret)
    answer = api.get("orders/4242")
    assert answer.status_code == 404
    assert answer.json() == {"code": "woocommerce_rest_shop_order_invalid_id", "message": "Invalid ID.",
                             "data": {"status": 404}}


def test_shipment_tracking_route_exists_only_with_the_extension():
    with FakeWooCommerce.seeded(shipment_tracking=False) as fake:
        api = API(url=fake.url, consumer_key=fake.consumer_key, consumer_secret=fake.consumer_secret,
                  version="wc-shipment-tracking/v3")
        assert api.get("orders/1001/shipment-trackings").json()["code"] == "rest_no_route"


def test_webhook_signature_is_base64_hmac_sha256():
    # From `printf '{}' | openssl dgst -sha256 -hmac secret -binary | base64`.
    assert sign_webhook(b"{}", "secret") == "dzJZAsrKgS3CWXM6rNBGtzgXNyx3e42VtAJkdHRRbhM="
