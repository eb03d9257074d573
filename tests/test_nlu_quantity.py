import pytest

from frontdesk.nlu.quantity import extract_quantities


def quantities(text):
    return [e.value for e in extract_quantities(text, {})]


@pytest.mark.parametrize(
    "text, expected",
    [("2 mugs", [2]), ("two mugs", [2]), ("3x mug", [3]), ("a pair of socks", [2]), ("half a dozen", [6]),
     ("twenty-one cards", [21])],
)
def test_quantities(text, expected):
    assert quantities(text) == expected


@pytest.mark.parametrize("text", ["this one", "no one", "it costs 5 pounds", "size 10", "in 3 days", "at 3pm"])
def test_not_quantities(text):
    assert quantities(text) == []
