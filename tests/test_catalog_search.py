"""frontdesk.catalog_search: query words, fuzzy title fallback, option names."""

from __future__ import annotations

import pytest

from frontdesk.catalog_search import closest_titles, option_key, query_words

TITLES = ["Trail Runner", "Road Runner", "Camp Mug", "Rain Jacket", "Wool Socks"]


@pytest.mark.parametrize("query, words", [
    ("do you have trail runer size 10", ["trail", "runer"]),
    ("Do you sell the Camp Mug in colour blue?", ["camp", "mug", "blue"]),
    ("I'm looking for kids' rain-jackets", ["i'm", "kids'", "rain-jackets"]),
    ("size 10 please", []),
    ("", []),
])
def test_query_words_keep_only_what_may_name_a_product(query, words):
    assert query_words(query) == words


def test_closest_titles_forgive_loose_spelling_best_first():
    assert closest_titles("trail runer", TITLES, 5)[0] == "Trail Runner"
    assert closest_titles("camp mugg", TITLES, 1) == ["Camp Mug"]


def test_closest_titles_respect_the_limit_and_the_cutoff():
    assert len(closest_titles("runner", TITLES, 1)) == 1
    assert closest_titles("xylophone", TITLES, 5) == []
    assert closest_titles("anything", [], 5) == []


def test_closest_titles_accept_any_iterable():
    assert closest_titles("wool sox", iter(TITLES), 2)[0] == "Wool Socks"


@pytest.mark.parametrize("name, key", [
    ("Color", "colour"), ("COLOUR", "colour"), ("Size", "size"), ("Shoe size", "size"), ("Material", "material"),
])
def test_option_key(name, key):
    assert option_key(name) == key
