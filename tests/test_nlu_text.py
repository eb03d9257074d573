from frontdesk.nlu.text import normalise, tokens


def test_lowercases_and_drops_punctuation():
    assert normalise("Where's my ORDER?!") == "where is my order"


def test_expands_contractions_typed_with_or_without_apostrophes():
    assert normalise("I can’t log in, dont know why") == "i cannot log in do not know why"


def test_keeps_placeholders_whole():
    assert tokens("cancel xordernumberx now") == ["cancel", "xordernumberx", "now"]


def test_possessive_is_dropped_but_order_id_is_not_rewritten():
    assert normalise("my friend's order id") == "my friend order id"
