from datetime import datetime
from zoneinfo import ZoneInfo

from frontdesk.default_plugins.builtin_entities import EXTRACTORS
from frontdesk.nlu.extract import resolve_overlaps, run_extractors
from frontdesk.registry import Entity, EntityExtractor

CONTEXT = {
    "catalog": ["Trail Runner", "Blue Mug"],
    "now": datetime(2026, 3, 10, 11, 0, tzinfo=ZoneInfo("Europe/London")),
    "timezone": "Europe/London",
}


def typed(text, context=CONTEXT):
    return [(e.type, e.value) for e in run_extractors(EXTRACTORS, text, context)]


def test_order_number_and_email_together():
    assert typed("order #1001, email sam@example.com") == [("order_number", "1001"), ("email", "sam@example.com")]


def test_a_phone_number_is_not_an_order_number():
    assert typed("my number is 07700 900123") == [("phone", "07700900123")]


def test_time_beats_quantity():
    assert typed("tomorrow at 3") == [("date", datetime(2026, 3, 11).date()), ("time", datetime(2026, 3, 10, 15).time())]


def test_product_with_quantity_colour_and_size():
    assert typed("2 trail runers in blue, size 10") == [
        ("quantity", 2), ("product", "Trail Runner"), ("colour", "blue"), ("size", "10"),
    ]


def test_a_colour_inside_a_product_title_is_kept_as_both():
    assert set(typed("a blue mug")) == {("product", "Blue Mug"), ("colour", "blue")}


def test_ambiguous_bare_number_keeps_both_readings():
    assert set(typed("94107")) == {("order_number", "94107"), ("postcode", "94107")}


def test_expecting_resolves_the_ambiguity():
    assert typed("94107", {**CONTEXT, "expecting": {"entity": "email|postcode"}}) == [("postcode", "94107")]


def test_resolve_overlaps_prefers_score_then_length():
    a = Entity("quantity", 3, "3", 0, 1, 0.4)
    b = Entity("time", None, "3pm", 0, 3, 0.9)
    assert resolve_overlaps([a, b]) == [b]


def test_a_broken_extractor_does_not_break_the_rest(caplog):
    def broken(text, context):
        raise RuntimeError("boom")

    extractors = [EntityExtractor("broken", ("x",), broken, plugin="p"), *EXTRACTORS]
    assert typed_with(extractors, "order 1001") == [("order_number", "1001")]
    assert "broken" in caplog.text


def typed_with(extractors, text):
    return [(e.type, e.value) for e in run_extractors(extractors, text, CONTEXT)]
