from frontdesk.nlu.spelling import SpellingCorrector

CORRECTOR = SpellingCorrector("cancel my order refund add make remove track morning".split())


def test_typos_are_corrected_to_known_words():
    assert CORRECTOR.correct("cancle my oder".split()) == ["cancel", "my", "order"]


def test_short_and_unknown_words_stay():
    assert CORRECTOR.correct(["xyz", "banana"]) == ["xyz", "banana"]


def test_gerunds_fold_to_known_bases():
    assert CORRECTOR.correct(["adding", "making", "removing", "tracking"]) == ["add", "make", "remove", "track"]
    assert CORRECTOR.correct(["morning", "singing"]) == ["morning", "singing"]
