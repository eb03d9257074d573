from frontdesk_voice.grammars import grammar_for, vosk_grammar_json
from frontdesk_voice.normalize import normalize


def test_order_number_gets_a_digit_grammar_with_a_way_out():
    grammar = grammar_for({"intent": "order.status", "slot": "order_number", "entity": "order_number"})
    assert grammar.kind == "digits" and "nine" in grammar.words and "person" in grammar.words
    assert "public <digits>" in grammar.jsgf and "<word> = zero" in grammar.jsgf
    assert grammar.end_silence_ms > 400  # callers pause between digits


def test_confirmations_and_dates_get_their_own_grammars_and_anything_else_is_open():
    assert grammar_for({"intent": "order.cancel", "slot": "confirm", "entity": "yes|no"}).kind == "yes_no"
    assert grammar_for({"intent": "booking.create", "slot": "date", "entity": "date"}).kind == "date"
    assert grammar_for({"intent": "x", "slot": "note", "entity": "text"}) is None
    assert grammar_for(None) is None


def test_vosk_grammar_drops_unknown_words_and_allows_unk():
    grammar = grammar_for({"slot": "confirm", "entity": "yes|no"})
    phrases = vosk_grammar_json(grammar, {"yes", "no"})
    assert phrases == '["yes", "no", "[unk]"]'


def test_spoken_digits_become_numbers():
    assert normalize("one zero zero two", "digits") == "1002"
    assert normalize("my order is one oh oh one please", None) == "my order is 1001 please"
    assert normalize("i want one shirt", None) == "i want one shirt"
    assert normalize("[unk] yes", "yes_no") == "yes"


from types import SimpleNamespace  # noqa: E402

from frontdesk_voice.grammars import GrammarContext, spoken  # noqa: E402

CATALOG = ["Trail Runner GTX", "Ridge 2 Backpacking Tent", "Storm Shell Rain Jacket", "Trailhead Daypack 24L"]


def test_a_slot_taking_several_entities_gets_the_union_and_markers_are_ignored():
    grammar = grammar_for({"intent": "booking.create", "slot": "when", "entity": "date|invalid_date|time|daypart"})
    assert grammar.kind == "date_time_daypart"
    for phrase in ("tomorrow", "half past nine", "ten thirty", "nine am", "in the afternoon", "cancel", "agent"):
        assert phrase in grammar.phrases
    assert grammar_for({"intent": "order.status", "slot": "contact", "entity": "email|postcode"}) is None


def test_product_grammar_comes_from_the_catalog_as_spoken_words():
    grammar = grammar_for({"intent": "product.search", "slot": "product", "entity": "product"},
                          context=GrammarContext(catalog=lambda: CATALOG))
    assert {"trail runner gtx", "ridge two backpacking tent", "the storm shell rain jacket"} <= set(grammar.phrases)
    assert spoken("Trailhead Daypack 24L") == "trailhead daypack two four l"
    assert spoken("Ember -5°C Sleeping Bag") == "ember five c sleeping bag"


def test_listed_choices_come_from_the_intent_and_the_offered_buttons():
    intent = SimpleNamespace(lists={"service": ("Haircut", "Beard trim")})
    grammar = grammar_for({"intent": "booking.create", "slot": "service", "entity": "booking_service"},
                          context=GrammarContext(intent=intent, quick_replies=("Colour 2 hours",)))
    assert {"haircut", "beard trim", "colour two hours", "never mind", "speak to a person"} <= set(grammar.phrases)
    quantity = grammar_for({"intent": "order.place", "slot": "quantity", "entity": "quantity"})
    assert "three" in quantity.repeat_words and "public <quantity>" in quantity.jsgf
