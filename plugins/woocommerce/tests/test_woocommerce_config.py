from frontdesk_woocommerce import config


def test_https_uses_basic_and_http_uses_oauth():
    assert not config.load({"url": "https://shop.example/", "consumer_key": "ck", "consumer_secret": "cs"}).uses_oauth
    loaded = config.load({"url": "http://shop.example", "consumer_key": "ck", "consumer_secret": "cs"})
    assert loaded.uses_oauth and loaded.url == "http://shop.example"


def test_every_problem_is_named():
    found = config.problems({"url": "ftp://x", "timeout": -1, "cancellable_statuses": "pending"})
    text = " ".join(found)
    assert "https://" in text and "consumer_key" in text and "consumer_secret" in text
    assert "timeout" in text and "cancellable_statuses" in text
    assert len(found) == 5


def test_a_ca_bundle_is_used_for_verification():
    loaded = config.load({"url": "https://s", "consumer_key": "k", "consumer_secret": "s", "ca_bundle": "/ca.pem"})
    assert loaded.verify_ssl == "/ca.pem"
