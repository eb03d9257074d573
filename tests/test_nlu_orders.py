import pytest

from frontdesk.nlu.extract import resolve_overlaps
from frontdesk.nlu.orders import extract_order_numbers


def order_numbers(text, context=None):
    return [(e.value, e.score) for e in resolve_overlaps(list(extract_order_numbers(text, context or {})))]


@pytest.mark.parametrize(
    "text",
    ["#1001", "order 1001", "Order #1001 please", "order no. 1001", "my order number is 1001", "order: 1001"],
)
def test_cued_order_numbers_are_sure(text):
    assert order_numbers(text) == [("1001", 1.0)] or order_numbers(text) == [("1001", 0.98)]


def test_spoken_digits():
    assert order_numbers("my order is one zero zero one")[0] == ("1001", 0.95)
    assert order_numbers("one oh oh two")[0][0] == "1002"


def test_bare_number_is_unsure_unless_expected():
    assert order_numbers("1001") == [("1001", 0.5)]
    assert order_numbers("1001", {"expecting": {"entity": "order_number"}}) == [("1001", 0.96)]


@pytest.mark.parametrize("text", ["it cost 1500 pounds", "back in 2019 i bought one", "3 items", "wait 100 days"])
def test_prices_years_and_units_are_not_order_numbers(text):
    assert order_numbers(text) == []


def test_numbers_read_in_pairs_when_cued():
    assert order_numbers("order ten oh one")[0] == ("1001", 0.9)
    assert order_numbers("it's order twelve thirty four")[0] == ("1234", 0.9)
    assert order_numbers("ten oh five", {"expecting": "order_number"})[0] == ("1005", 0.9)


def test_uncued_pairs_are_left_to_quantities():
    assert order_numbers("twenty two of them") == []
