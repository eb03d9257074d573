"""ShopifyBackend answers the CommerceBackend protocol from a (fake) Shopify shop."""

from decimal import Decimal

import pytest

from frontdesk.commerce import ActionNotAllowed, BackendUnavailable, CartLine, CommerceBackend
from frontdesk_shopify.backend import REFUND_TAG, build


def test_it_is_a_commerce_backend(backend):
    assert isinstance(backend, CommerceBackend)
    assert backend.name == "shopify"


def test_catalog_names_page_through_every_product(fake, backend):
    assert backend.catalog_names() == [p.title for p in fake.products]


def test_catalog_reads_are_cached_briefly(fake):
    cached = build(fake.plugin_settings(catalog_cache_seconds=60))
    cached.catalog_names()
    cached.catalog_names()
    cached.search_products("mug")
    cached.search_products("mug")
    assert len(fake.requests) == 2


def test_search_maps_products_variants_and_options(backend):
    runner = backend.search_products("trail runner")[0]
    assert runner.title == "Trail Runner"
    assert runner.price == Decimal("119.00") and runner.currency == "GBP"
    assert runner.url.endswith("/products/trail-runner")
    assert runner.image == "https://cdn.example.test/trail-runner.jpg"
    black_10 = runner.variant_matching({"size": "10", "colour": "black"})
    assert black_10.options == {"size": "10", "colour": "Black"}
    assert black_10.available is False and black_10.inventory == 0
    assert runner.variant_matching({"size": "9", "colour": "blue"}).available is True


def test_loosely_spelled_search_still_finds_the_product(backend):
    titles = [p.title for p in backend.search_products("trail runer size 10")]
    assert titles[0] == "Trail Runner"
    assert "Trail Runner GTX" in titles


def test_search_for_nothing_sold_is_empty(backend):
    assert backend.search_products("kayak paddle") == []
    assert backend.search_products("size 10") == []


def test_out_of_stock_product_is_unavailable(backend):
    beanie = backend.search_products("merino beanie")[0]
    assert beanie.available is False


def test_get_product_by_id(backend):
    found = backend.search_products("camp mug")[0]
    assert backend.get_product(found.id).title == "Camp Mug"
    assert backend.get_product("gid://shopify/Product/999999") is None


def test_find_order_maps_status_tracking_and_address(backend):
    order = backend.find_order("#1001")
    assert order.number == "1001" and order.email == "ann@example.com" and order.postcode == "SW1A 1AA"
    assert order.status == "shipped"
    assert (order.carrier, order.tracking_number) == ("UPS", "1Z999AA10123456784")
    assert order.tracking_url.startswith("https://www.ups.com/")
    assert order.status_url and order.lines[0].title == "Trail Runner (10 / Blue)"
    assert order.total == Decimal("119.00")


@pytest.mark.parametrize("number,status", [("1002", "processing"), ("1003", "delivered"), ("1004", "cancelled")])
def test_order_statuses(backend, number, status):
    assert backend.find_order(number).status == status


def test_unknown_or_malformed_order_numbers_are_none(backend):
    assert backend.find_order("9999") is None
    assert backend.find_order("10 OR name:1001") is None


def test_checkout_is_a_draft_order_invoice(fake, backend):
    variant = backend.search_products("camp mug")[0].variants[0]
    checkout = backend.create_checkout([CartLine(variant.id, 3)], email="eve@example.com")
    assert checkout.url.startswith(f"https://{fake.domain}/") and "/invoices/" in checkout.url
    assert checkout.total == Decimal("37.50")
    assert fake.draft_orders[-1]["input"]["email"] == "eve@example.com"


def test_checkout_permalink_mode(fake):
    backend = build(fake.plugin_settings(checkout="permalink", storefront_url="https://shop.example"))
    variant = backend.search_products("camp mug")[0].variants[0]
    checkout = backend.create_checkout([CartLine(variant.id, 2)])
    assert checkout.url == f"https://shop.example/cart/{variant.id.rsplit('/', 1)[1]}:2"
    assert fake.draft_orders == []


def test_checkout_with_an_unknown_variant_is_not_allowed(backend):
    with pytest.raises(ActionNotAllowed, match="Variant not found"):
        backend.create_checkout([CartLine("gid://shopify/ProductVariant/1", 1)])


def test_cancel_an_unfulfilled_order(fake, backend):
    cancelled = backend.cancel_order(backend.find_order("1002"))
    assert cancelled.status == "cancelled"
    assert fake.order(1002).cancelled_at


def test_a_shipped_order_cannot_be_cancelled(fake, backend):
    with pytest.raises(ActionNotAllowed, match="already shipped"):
        backend.cancel_order(backend.find_order("1001"))
    assert fake.order(1001).cancelled_at is None


def test_order_changes_can_be_switched_off(fake):
    backend = build(fake.plugin_settings(order_changes=False))
    with pytest.raises(ActionNotAllowed, match="personally"):
        backend.cancel_order(backend.find_order("1002"))


def test_change_shipping_address(fake, backend):
    changed = backend.change_shipping_address(backend.find_order("1002"), "5 Low Road, Leeds, LS1 1AA")
    assert changed.postcode == "LS1 1AA" and "5 Low Road" in changed.shipping_address
    with pytest.raises(ActionNotAllowed):
        backend.change_shipping_address(backend.find_order("1001"), "5 Low Road, Leeds, LS1 1AA")


def test_refund_request_tags_the_order_once(fake, backend):
    order = backend.request_refund(backend.find_order("1001"), "too small")
    assert order.refund_status == "requested"
    assert REFUND_TAG in fake.order(1001).tags
    assert backend.find_order("1001").refund_status == "requested"
    with pytest.raises(ActionNotAllowed, match="already been requested"):
        backend.request_refund(backend.find_order("1001"), "again")
    with pytest.raises(ActionNotAllowed, match="refunded"):
        backend.request_refund(backend.find_order("1004"), "cancelled one")


def test_a_down_shop_raises_backend_unavailable(fake):
    backend = build(fake.plugin_settings(max_retries=1))
    fake.fail_next(5, status=503)
    with pytest.raises(BackendUnavailable):
        backend.find_order("1001")


def test_bad_settings_raise_backend_unavailable_naming_the_problem():
    with pytest.raises(BackendUnavailable, match="shop is missing"):
        build({"access_token": "x"})
