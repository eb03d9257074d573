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
