"""The demo shop: seeding, search, orders and their rules, checkout, persistence, outages and its pages."""

from __future__ import annotations

import re
from decimal import Decimal
from types import SimpleNamespace

import pluggy
import pytest
from flask import Flask

from frontdesk import hookspecs
from frontdesk.commerce import ActionNotAllowed, BackendUnavailable, CartLine, CommerceBackend
from frontdesk.demo_store import plugin, seed
from frontdesk.demo_store.backend import DemoStore
from frontdesk.demo_store.views import create_blueprint


@pytest.fixture
def store(tmp_path) -> DemoStore:
    return DemoStore.from_settings({"data_dir": str(tmp_path)})


@pytest.fixture
def client(store):
    app = Flask("demo_store_test")
    app.register_blueprint(create_blueprint(store))
    return app.test_client()


def path_of(store: DemoStore, url: str) -> str:
    assert url.startswith(store.public_url)
    return url[len(store.public_url):]


# --- seeding ----------------------------------------------------------------


def test_implements_the_commerce_protocol(store):
    assert isinstance(store, CommerceBackend)
    assert store.name == "demo"


def test_seeded_catalogue_has_products_variants_and_gaps_in_stock(store):
    products = store.all_products()
    assert len(products) >= 40
    assert sum(len(p.variants) for p in products) > 2 * len(products)
    sold_out = [p.title for p in products if not p.available]
    partly = [p.title for p in products if p.available and any(not v.available for v in p.variants)]
    assert "Granite Approach Shoe" in sold_out and len(sold_out) >= 3
    assert "Trail Runner" in partly and len(partly) >= 3
    assert all(isinstance(v.price, Decimal) for p in products for v in p.variants)
    assert store.counts() == {"products": len(products), "variants": sum(len(p.variants) for p in products),
                              "orders": 12}


def test_seeding_again_adds_nothing(store):
    before = store.counts()
    engine = store._ensure_ready()
    with engine.begin() as conn:
        seed.seed(conn, seed.load_catalog())
    assert store.counts() == before
    assert DemoStore(store.database).counts() == before


def test_trail_runner_variants(store):
    shoe = store.get_product("trail-runner")
    assert shoe.title == "Trail Runner"
    assert {v.options["size"] for v in shoe.variants} == {str(n) for n in range(7, 13)}
    blue_10 = shoe.variant_matching({"size": "10", "colour": "Blue"})
    assert blue_10.id == "trail-runner-10-blue" and blue_10.available and blue_10.price == Decimal("119.00")
    assert not shoe.variant_matching({"size": "10", "colour": "orange"}).available
    assert shoe.url == "http://127.0.0.1:8000/demo-store/products/trail-runner"
    assert shoe.image == "http://127.0.0.1:8000/demo-store/images/trail-runner.svg"
    assert store.get_product("no-such-thing") is None


def test_catalog_names_are_every_title(store):
    names = store.catalog_names()
    assert "Trail Runner" in names and "Storm Shell Rain Jacket" in names
    assert len(names) == len(set(names)) == store.counts()["products"]


# --- search -----------------------------------------------------------------


def test_search_puts_the_exact_name_first(store):
    titles = [p.title for p in store.search_products("trail runner")]
    assert titles[:2] == ["Trail Runner", "Trail Runner GTX"]


def test_search_tolerates_misspelling_and_size_words(store):
    assert store.search_products("trail runer size 10")[0].title == "Trail Runner"


def test_search_rain_jacket_ranks_rain_jackets_above_other_jackets(store):
    titles = [p.title for p in store.search_products("rain jacket", limit=10)]
    assert set(titles[:2]) == {"Packable Rain Jacket", "Storm Shell Rain Jacket"}
    assert "Summit Down Jacket" in titles[2:]


def test_search_limit_and_no_match(store):
    assert len(store.search_products("running", limit=3)) == 3
    assert store.search_products("xylophone") == []
    assert store.search_products("   ") == []


# --- orders -----------------------------------------------------------------


@pytest.mark.parametrize("number", ["1001", "#1001", " #1001 "])
def test_find_order_1001(store, number):
    order = store.find_order(number)
    assert (order.number, order.email, order.customer_name) == ("1001", "ada@example.com", "Ada Lovelace")
    assert (order.postcode, order.phone, order.status) == ("SW1A 1AA", "+442071234567", "shipped")
    assert order.carrier == "Royal Mail" and order.tracking_number == "RM123456785GB"
    assert order.tracking_url.startswith("https://www.royalmail.com/") and order.tracking_number in order.tracking_url
    assert order.total == sum(line.price * line.quantity for line in order.lines) == Decimal("155.00")
    assert order.created_at.tzinfo is not None


def test_find_order_1002_and_unknown(store):
    order = store.find_order("1002")
    assert (order.email, order.customer_name, order.postcode, order.phone, order.status) == (
        "grace@example.com", "Grace Hopper", "94107", "+14155550123", "processing")
    assert store.find_order("9999") is None
    assert store.find_order("") is None


def test_other_orders_cover_every_state(store):
    statuses = {store.find_order(str(n)).status for n in range(1001, 1013)}
    assert statuses == {"pending", "processing", "shipped", "delivered", "cancelled", "refunded", "on-hold"}


def test_status_url_is_a_token_not_the_order_number(store):
    url = store.find_order("1001").status_url
    token = url.rsplit("/", 1)[1]
    assert url.startswith("http://127.0.0.1:8000/demo-store/orders/")
    assert "1001" not in token and len(token) >= 20
    assert store.order_by_token(token).number == "1001"
    assert store.order_by_token("1001") is None


def test_cancel_processing_order_restocks(store):
    stock = lambda: store.get_product("packable-rain-jacket").variant_matching({"size": "m", "colour": "yellow"}).inventory
    before = stock()
    cancelled = store.cancel_order(store.find_order("1002"))
    assert cancelled.status == "cancelled" and store.find_order("1002").status == "cancelled"
    assert stock() == before + 1
    with pytest.raises(ActionNotAllowed, match="already cancelled"):
        store.cancel_order(store.find_order("1002"))


def test_cancel_shipped_or_on_hold_is_refused(store):
    with pytest.raises(ActionNotAllowed, match="already shipped") as refused:
        store.cancel_order(store.find_order("1001"))
    assert "#1001" in refused.value.reason
    with pytest.raises(ActionNotAllowed, match="on hold"):
        store.cancel_order(store.find_order("1007"))
    assert store.find_order("1001").status == "shipped"


def test_cancel_checks_the_stored_state_not_the_callers_copy(store):
    stale = store.find_order("1002")
    store.cancel_order(stale)
    with pytest.raises(ActionNotAllowed):
        store.cancel_order(stale)  # still says "processing", but the shop knows better


def test_change_shipping_address(store):
    changed = store.change_shipping_address(store.find_order("1003"), "  4 New   Street, Wilmslow SK9 1AA ")
    assert changed.shipping_address == "4 New Street, Wilmslow SK9 1AA"
    assert store.find_order("1003").shipping_address == "4 New Street, Wilmslow SK9 1AA"
    with pytest.raises(ActionNotAllowed, match="already shipped"):
        store.change_shipping_address(store.find_order("1001"), "1 Elsewhere")
    with pytest.raises(ActionNotAllowed, match="empty"):
        store.change_shipping_address(store.find_order("1002"), "   ")


def test_refund_request_rules(store):
    requested = store.request_refund(store.find_order("1004"), "too small")
    assert requested.refund_status == "requested" and requested.status == "delivered"
    assert store.find_order("1004").refund_status == "requested"
    assert store.request_refund(store.find_order("1001"), "changed my mind").refund_status == "requested"
    with pytest.raises(ActionNotAllowed, match="already been requested"):
        store.request_refund(store.find_order("1004"), "again")
    with pytest.raises(ActionNotAllowed, match="30-day"):
        store.request_refund(store.find_order("1008"), "late")
    with pytest.raises(ActionNotAllowed, match="cancelled instead"):
        store.request_refund(store.find_order("1002"), "not shipped")
    with pytest.raises(ActionNotAllowed, match="already been refunded"):
        store.request_refund(store.find_order("1006"), "twice")


# --- checkout ---------------------------------------------------------------


def test_checkout_total_is_variant_prices_times_quantities(store):
    lines = [CartLine("merino-base-layer-top-xxl-navy", 2), CartLine("merino-base-layer-top-m-navy", 1),
             CartLine("soft-flask", 3)]
    checkout = store.create_checkout(lines, email="ada@example.com")
    top = store.get_product("merino-base-layer-top")
    prices = {v.id: v.price for v in top.variants} | {"soft-flask": store.get_product("soft-flask").price}
    assert checkout.total == sum(prices[l.variant_id] * l.quantity for l in lines) == Decimal("292.00")
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/demo-store/checkout/[\w-]{20,}", checkout.url)
    view = store.get_checkout(checkout.url.rsplit("/", 1)[1])
    assert [(l.title, l.quantity) for l in view.lines] == [
        ("Merino Base Layer Top - XXL / Navy", 2), ("Merino Base Layer Top - M / Navy", 1), ("Soft Flask 500ml", 3)]
    assert view.total == checkout.total and view.email == "ada@example.com"


@pytest.mark.parametrize("lines, reason", [
    ([], "empty"),
    ([CartLine("trail-runner-10-orange", 1)], "out of stock"),
    ([CartLine("trail-runner-7-blue", 2)], "Only 1"),
    ([CartLine("trail-runner-7-blue", 1), CartLine("trail-runner-7-blue", 1)], "Only 1"),
    ([CartLine("trail-runner", 1)], "choose an option"),
    ([CartLine("no-such-variant", 1)], "couldn't find"),
    ([CartLine("soft-flask", 0)], "between 1 and"),
])
def test_checkout_refuses_what_cannot_be_bought(store, lines, reason):
    with pytest.raises(ActionNotAllowed, match=reason):
        store.create_checkout(lines)


# --- persistence and outages -------------------------------------------------


def test_changes_survive_a_new_instance_on_the_same_file(store, tmp_path):
    store.cancel_order(store.find_order("1002"))
    store.change_shipping_address(store.find_order("1003"), "9 Kept Road")
    again = DemoStore.from_settings({"data_dir": str(tmp_path)})
    assert again.find_order("1002").status == "cancelled"
    assert again.find_order("1003").shipping_address == "9 Kept Road"
    assert again.counts() == store.counts()
    assert (tmp_path / "demo_store.db").is_file()


def test_fail_mode_down_raises_backend_unavailable_everywhere(tmp_path):
    down = DemoStore.from_settings({"data_dir": str(tmp_path), "fail_mode": "down"})
    order = SimpleNamespace(number="1002")
    calls = [
        lambda: down.search_products("trail runner"), lambda: down.get_product("trail-runner"),
        down.catalog_names, lambda: down.find_order("1001"), lambda: down.create_checkout([CartLine("soft-flask")]),
        lambda: down.cancel_order(order), lambda: down.change_shipping_address(order, "x"),
        lambda: down.request_refund(order, "x"),
    ]
    for call in calls:
        with pytest.raises(BackendUnavailable):
            call()
    assert not (tmp_path / "demo_store.db").exists()


def test_unreadable_database_is_backend_unavailable_and_recovers(tmp_path):
    broken = tmp_path / "demo_store.db"
    broken.write_bytes(b"this is not a sqlite database " * 100)
    store = DemoStore.from_settings({"data_dir": str(tmp_path)})
    with pytest.raises(BackendUnavailable):
        store.find_order("1001")
    broken.unlink()
    assert store.find_order("1001").email == "ada@example.com"


def test_settings_from_the_whole_config(tmp_path):
    config = {"data_dir": str(tmp_path), "database": {"url": "sqlite:///ignored.db"},
              "shop": {"public_url": "https://shop.example.org/"},
              "plugins": {"demo": {"refund_window_days": 90}}}
    store = DemoStore.from_settings(config)
    assert store.database == f"sqlite:///{(tmp_path / 'demo_store.db').resolve()}"
    assert store.get_product("soft-flask").url == "https://shop.example.org/demo-store/products/soft-flask"
    assert store.request_refund(store.find_order("1008"), "late").refund_status == "requested"  # 55 days < 90
    explicit = DemoStore.from_settings({"database": f"sqlite:///{tmp_path / 'other.db'}"})
    assert explicit.find_order("1002").status == "processing" and (tmp_path / "other.db").is_file()


def test_settings_as_frontdesk_passes_them(tmp_path):
    # app_state gives the [plugins.demo] table plus data_dir, public_url and the [shop] table.
    store = DemoStore.from_settings({"fail_mode": "down", "data_dir": str(tmp_path),
                                     "public_url": "http://127.0.0.1:9999",
                                     "shop": {"public_url": "http://127.0.0.1:9999"}})
    assert store.fail_mode == "down" and store.public_url == "http://127.0.0.1:9999"
    assert store.database.endswith(f"{tmp_path.name}/demo_store.db")


# --- plugin hooks -------------------------------------------------------------


def test_plugin_registers_backend_and_blueprint_through_pluggy(tmp_path):
    manager = pluggy.PluginManager("frontdesk")
    manager.add_hookspecs(hookspecs)
    manager.register(plugin, name="demo_store")
    factories, blueprints = [], []
    manager.hook.register_commerce_backends(register=factories.append)
    assert [f.name for f in factories] == ["demo"]
    backend = factories[0].factory({"data_dir": str(tmp_path)})
    assert isinstance(backend, DemoStore) and backend.find_order("1002").email == "grace@example.com"
    frontdesk = SimpleNamespace(settings={"data_dir": str(tmp_path), "shop": {"public_url": "http://x.test"}},
                                commerce=backend)
    manager.hook.register_blueprints(register=blueprints.append, frontdesk=frontdesk)
    assert [bp.name for bp in blueprints] == ["demo_store"]
    app = Flask("plugin_test")
    app.register_blueprint(blueprints[0])
    assert app.test_client().get("/demo-store/products/trail-runner").status_code == 200


def test_plugin_pages_build_their_own_store_when_another_shop_is_connected(tmp_path):
    frontdesk = SimpleNamespace(settings={"data_dir": str(tmp_path), "shop": {"public_url": "http://x.test"}},
                                commerce=object())
    get_store = plugin.store_for(frontdesk)
    assert get_store() is get_store() and get_store().public_url == "http://x.test"


# --- pages ------------------------------------------------------------------


def test_product_page_and_image(client):
    page = client.get("/demo-store/products/trail-runner")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Trail Runner</h1>" in html and "10 / Blue" in html and "out of stock" in html
    image = client.get("/demo-store/images/trail-runner.svg")
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    svg = image.get_data(as_text=True)
    assert "Trail Runner" in svg and 'fill="#2f7d4f"' in svg
    assert re.findall(r"https?://[^\"']+", svg) == ["http://www.w3.org/2000/svg"]  # no external images
    assert client.get("/demo-store/products/nope").status_code == 404
    assert client.get("/demo-store/images/nope.svg").status_code == 404


def test_image_text_is_escaped(store, client):
    engine = store._ensure_ready()
    from frontdesk.demo_store import tables
    with engine.begin() as conn:
        conn.execute(tables.products.update().where(tables.products.c.handle == "soft-flask")
                     .values(title="<script>x</script>", colour="red;evil"))
    svg = client.get("/demo-store/images/soft-flask.svg").get_data(as_text=True)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and 'fill="#888888"' in svg


def test_order_page_by_token_only(store, client):
    order = store.find_order("1001")
    page = client.get(path_of(store, order.status_url))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Order #1001" in html and "shipped" in html and "RM123456785GB" in html and "$155.00" in html
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
    assert client.get("/demo-store/orders/1001").status_code == 404
    assert client.get("/demo-store/orders/not-a-real-token-at-all").status_code == 404


def test_checkout_page_lists_lines_and_fake_pay_creates_an_order(store, client):
    before = store.get_product("beacon-400-headlamp").variants[0].inventory
    checkout = store.create_checkout([CartLine("trail-runner-10-blue", 2), CartLine("beacon-400-headlamp", 1)])
    path = path_of(store, checkout.url)
    html = client.get(path).get_data(as_text=True)
    assert re.findall(r'<tr class="line"><td>([^<]+)</td><td class="num">(\d+)</td>', html) == [
        ("Trail Runner - 10 / Blue", "2"), ("Beacon 400 Headlamp", "1")]
    assert "$283.00" in html and "Pay" in html
    assert client.get("/demo-store/checkout/bad-token").status_code == 404

    refused = client.post(path + "/pay", data={"email": "not-an-email", "postcode": ""})
    assert refused.status_code == 400 and "email address and a postcode" in refused.get_data(as_text=True)
    paid = client.post(path + "/pay", data={"email": "new@example.com", "name": "New Customer",
                                            "address": "1 Test Road", "postcode": "ab1 2cd"})
    assert paid.status_code == 303
    order = store.find_order("1013")
    assert (order.email, order.postcode, order.status, order.total) == (
        "new@example.com", "AB1 2CD", "processing", Decimal("283.00"))
    assert paid.headers["Location"] == order.status_url
    assert store.get_product("beacon-400-headlamp").variants[0].inventory == before - 1
    assert "#1013" in client.get(path).get_data(as_text=True)
    assert client.post(path + "/pay", data={"email": "new@example.com", "postcode": "AB1"}).status_code == 400


def test_pages_say_the_shop_is_down_with_503(tmp_path):
    down = DemoStore.from_settings({"data_dir": str(tmp_path), "fail_mode": "down"})
    app = Flask("down_test")
    app.register_blueprint(create_blueprint(down))
    page = app.test_client().get("/demo-store/products/trail-runner")
    assert page.status_code == 503 and "be reached right now" in page.get_data(as_text=True)
