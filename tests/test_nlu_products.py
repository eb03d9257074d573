from frontdesk.nlu.products import extract_products, extract_variants

CATALOG = ["Trail Runner", "Canvas Tote Bag", "Wool Socks", "Blue Mug", "Rain Jacket"]


def products(text, catalog=CATALOG):
    return [(e.value, e.text) for e in extract_products(text, {"catalog": catalog})]


def test_exact_and_plural():
    assert products("do you have trail runners?") == [("Trail Runner", "trail runners")]


def test_loose_spelling():
    assert products("i want the trail runer") == [("Trail Runner", "trail runer")]


def test_part_of_a_longer_title():
    assert products("a tote bag please") == [("Canvas Tote Bag", "tote bag")]


def test_distinctive_word_alone():
    assert products("the jacket") == [("Rain Jacket", "jacket")]


def test_numbers_and_articles_are_not_part_of_the_name():
    assert products("2 wool socks") == [("Wool Socks", "wool socks")]


def test_no_catalog_no_products():
    assert products("trail runner", catalog=[]) == []


def test_unrelated_words_do_not_match():
    assert products("where is my order") == []


def test_sizes_and_colours():
    found = {(e.type, e.value) for e in extract_variants("in navy, size 10, or a large in gray", {})}
    assert found == {("colour", "navy"), ("colour", "grey"), ("size", "10"), ("size", "L")}
