import pytest

from frontdesk.nlu.classifier import NONE, IntentClassifier, training_set
from frontdesk.registry import Intent

INTENTS = [
    Intent("order.status", templates=("(where is|track) my (order|parcel)",), examples=("has my parcel shipped",)),
    Intent("store.hours", templates=("(when|what time) do you (open|close)",), examples=("are you open on sunday",)),
    Intent("greet", examples=("hello", "hi there", "good morning")),
]


@pytest.fixture(scope="module")
def classifier():
    return IntentClassifier(INTENTS)


def test_training_set_holds_expansions_examples_and_out_of_scope():
    data = training_set(INTENTS)
    assert "where is my parcel" in data.texts and "track my order" in data.texts
    assert data.labels.count("greet") == 9  # three examples, each weighted three times
    assert NONE in data.labels


def test_ranks_every_intent_best_first_without_the_none_class(classifier):
    ranked = classifier.ranked("wheres my parcle gone".split())
    assert ranked[0][0] == "order.status"
    assert [name for name, _ in ranked] == sorted(
        (name for name, _ in ranked), key=lambda n: -dict(ranked)[n]
    )
    assert NONE not in dict(ranked) and len(ranked) == 3
    assert 0 < sum(p for _, p in ranked) <= 1.0 + 1e-9


def test_chit_chat_leaves_most_probability_to_none(classifier):
    assert classifier.ranked("tell me a joke about dinosaurs".split())[0][1] < 0.5


def test_known_share(classifier):
    assert classifier.known_share("track my parcle".split()) == 1.0
    assert classifier.known_share("zzqx wwvv track".split()) == pytest.approx(1 / 3)


def test_single_text_path_equals_scikit_learn_transform(classifier):
    from scipy.sparse import hstack

    for text in ["where is my parcel", "are you open on sunday", "zzz", "hello there where is my order"]:
        features = hstack([classifier.words.transform([text]), classifier.chars.transform([text])])
        expected = classifier.model.decision_function(features)[0]
        assert classifier.margins(text) == pytest.approx(expected, abs=1e-9)
