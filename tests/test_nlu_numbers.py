from frontdesk.nlu.numbers import ordinal_to_int, words_to_int


def test_number_words():
    assert words_to_int("two") == 2
    assert words_to_int("twenty-two") == 22
    assert words_to_int("12") == 12
    assert words_to_int("twenty twenty") is None
    assert words_to_int("lots") is None


def test_ordinals():
    assert ordinal_to_int("14th") == 14
    assert ordinal_to_int("fourteenth") == 14
    assert ordinal_to_int("twenty first") == 21
    assert ordinal_to_int("the") is None
