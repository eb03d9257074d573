from frontdesk_woocommerce import plugin


def test_validate_config_only_speaks_when_woocommerce_is_configured():
    assert plugin.validate_config({"commerce": {"backend": "demo"}, "plugins": {}}) is None
    assert "no [plugins.woocommerce] table" in plugin.validate_config({"commerce": {"backend": "woocommerce"}})[0]
    problems = plugin.validate_config({"commerce": {"backend": "woocommerce"},
                                       "plugins": {"woocommerce": {"url": "https://s.example"}}})
    assert len(problems) == 2 and "consumer_key" in problems[0]


def test_registers_the_commerce_backend():
    registered = []
    plugin.register_commerce_backends(registered.append)
    assert registered[0].name == "woocommerce"
