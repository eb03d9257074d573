from decimal import Decimal

import pytest

from frontdesk.commerce import ActionNotAllowed, BackendUnavailable, CartLine, CommerceBackend
from frontdesk_woocommerce.backend import REFUND_META, build
from frontdesk_woocommerce.testing import FakeWooCommerce


def test_it_is_a_commerce_backend(backend):
    assert isinstance(backend, CommerceBackend) and backend.name == "woocommerce"


def test_catalog_names_are_published_products_only(backend):
    assert backend.catalog_names() == ["Trail Runner", "Trail Runner GTX", "Merino Beanie", "Wool Hat", "Camp Mug"]


def test_catalog_reads_are_cached_briefly(fake):
    cached = build(fake.plugin_settings(catalog_cache_seconds=60))
    cached.catalog_names()
    cached.catalog_names()
    assert len(fake.requests) == 1


def test_variable_product_maps_variations_to_options(fake, backend):
    runner = backend.search_products("trail runner")[0]
    assert runner.title == "Trail Runner" and runner.price == Decimal("119.00") and runner.currency == "GBP"
    assert runner.url == f"{fake.url}/product/trail-runner/"
    assert runner.image == "https://cdn.example.test/trail-runner.jpg"
    assert runner.description == "Lightweight trail running shoe with a grippy outsole."
    black_10 = runner.variant_matching({"size": "10", "colour": "black"})
    assert black_10.available is False and black_10.inventory == 0 and black_10.sku == "TR-10-BLACK"
    assert runner.variant_matching({"size": "9", "colour": "blue"}).available


def test_loose_spelling_falls_back_to_fuzzy_titles(backend):
    titles = [p.title for p in backend.search_products("trail runer size 10")]
    assert titles[:2] == ["Trail Runner", "Trail Runner GTX"] or titles[0] == "Trail Runner"
    assert "Trail Runner GTX" in titles


def test_drafts_are_not_found_and_out_of_stock_is_unavailable(backend):
    assert backend.search_products("secret prototype") == []
    assert backend.search_products("merino beanie")[0].available is False


def test_order_with_shipment_tracking(backend):
    order = backend.find_order("1001")
    assert order.status == "shipped" and order.email == "ann@example.com" and order.postcode == "SW1A 1AA"
    assert (order.carrier, order.tracking_number) == ("Royal Mail", "RM123456785GB")
    assert order.tracking_url.startswith("https://www.royalmail.com/")
    assert order.customer_name == "Ann Example" and order.total == Decimal("119.00")


def test_tracking_from_order_notes_without_the_extension():
    with FakeWooCommerce.seeded(shipment_tracking=False) as fake:
        order = build(fake.plugin_settings()).find_order("1003")
        assert (order.carrier, order.tracking_number) == ("DPD", "15501234567890")
        assert order.tracking_url == "https://track.dpd.co.uk/parcels/15501234567890"


@pytest.mark.parametrize("number,status", [("1002", "processing"), ("1004", "cancelled")])
def test_order_statuses(backend, number, status):
    assert backend.find_order(number).status == status


def test_unknown_order_is_none(backend):
    assert backend.find_order("4242") is None
    assert backend.find_order("12; drop") is None


def test_checkout_is_a_pending_orders_payment_url(fake, backend):
    runner = backend.search_products("trail runner")[0]
    variant = runner.variant_matching({"size": "9", "colour": "blue"})
    checkout = backend.create_checkout([CartLine(variant.id, 1)], email="eve@example.com")
    assert "/checkout/order-pay/" in checkout.url and "pay_for_order=true" in checkout.url
    assert checkout.total == Decimal("119.00")
    created = fake.orders[max(fake.orders)]
    assert created["status"] == "pending" and created["billing"]["email"] == "eve@example.com"
    assert created["line_items"][0]["name"] == "Trail Runner - 9, Blue"


def test_cancel_only_while_the_order_is_not_shipped(fake, backend):
    assert backend.cancel_order(backend.find_order("1002")).status == "cancelled"
    assert fake.orders[1002]["status"] == "cancelled"
    with pytest.raises(ActionNotAllowed, match="already shipped"):
        backend.cancel_order(backend.find_order("1001"))


def test_cancel_checks_the_status_now_not_when_asked(fake, backend):
    order = backend.find_order("1002")
    fake.orders[1002]["status"] = "completed"  # shipped while the customer was typing
    with pytest.raises(ActionNotAllowed):
        backend.cancel_order(order)


def test_change_shipping_address(fake, backend):
    changed = backend.change_shipping_address(backend.find_order("1002"), "5 Low Road, Leeds, LS1 1AA")
    assert changed.postcode == "LS1 1AA" and fake.orders[1002]["shipping"]["address_1"] == "5 Low Road"


def test_refund_request_leaves_a_note_and_a_flag(fake, backend):
    assert backend.request_refund(backend.find_order("1001"), "too small").refund_status == "requested"
    assert any("too small" in n["note"] for n in fake.notes[1001])
    assert backend.find_order("1001").refund_status == "requested"
    with pytest.raises(ActionNotAllowed):
        backend.request_refund(backend.find_order("1001"), "again")
    assert any(m["key"] == REFUND_META for m in fake.orders[1001]["meta_data"])


def test_down_shop_is_backend_unavailable(fake):
    fake.fail_next(10)
    with pytest.raises(BackendUnavailable):
        build(fake.plugin_settings(max_retries=1)).find_order("1001")
