from frontdesk.nlu.fillers import out_of_scope_examples, strip_fillers


def test_request_wrappers_are_cut():
    assert strip_fillers("could you help me to add an item".split()) == ["add", "an", "item"]
    assert strip_fillers("hi i do not know how to cancel my order".split()) == ["cancel", "my", "order"]


def test_never_strips_everything():
    assert strip_fillers("i need help".split()) == ["help"]
    assert strip_fillers(["help"]) == ["help"]


def test_out_of_scope_examples_exist_for_english_only():
    assert len(out_of_scope_examples("en")) > 30
    assert out_of_scope_examples("xx") == ()
