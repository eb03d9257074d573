from frontdesk_shopify import plugin


def test_validate_config_only_speaks_when_shopify_is_configured():
    assert plugin.validate_config({"commerce": {"backend": "demo"}, "plugins": {}}) is None
    assert "no [plugins.shopify] table" in plugin.validate_config({"commerce": {"backend": "shopify"}})[0]
    # core fills a missing "shop" with the [shop] table; that must read as missing, not crash
    problems = plugin.validate_config({"commerce": {"backend": "shopify"},
                                       "plugins": {"shopify": {"shop": {"name": "x"}, "access_token": "t"}}})
    assert problems == ["[plugins.shopify] shop is missing (your-shop.myshopify.com)"]


def test_registers_the_commerce_backend():
    registered = []
    plugin.register_commerce_backends(registered.append)
    assert registered[0].name == "shopify"
