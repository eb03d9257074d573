from frontdesk_shopify import config


def test_a_complete_table_loads_with_defaults():
    loaded = config.load({"shop": "northwind", "access_token": "shpat_x"})
    assert loaded.shop == "northwind.myshopify.com"
    assert loaded.api_version == config.DEFAULT_API_VERSION
    assert loaded.base_url == "https://northwind.myshopify.com"
    assert not loaded.uses_client_credentials


def test_client_credentials_are_used_when_there_is_no_token():
    loaded = config.load({"shop": "https://northwind.myshopify.com/", "client_id": "id", "client_secret": "s"})
    assert loaded.uses_client_credentials
    assert loaded.signing_secret == "s"


def test_every_problem_is_named():
    found = config.problems({"shop": "not a shop!", "api_version": "latest", "checkout": "cart", "timeout": "x"})
    text = " ".join(found)
    assert "myshopify.com" in text
    assert "api_version" in text
    assert "access_token" in text
    assert "checkout" in text
    assert "timeout" in text
    assert len(found) == 5


def test_missing_shop_is_reported():
    assert any("shop is missing" in p for p in config.problems({"access_token": "t"}))
