from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from frontdesk.default_plugins.builtin_entities import EXTRACTORS
from frontdesk.default_plugins.builtin_intents import INTENTS_DIR
from frontdesk.nlu import NLU, ParseResult, load_intents
from frontdesk.registry import Intent

CONTEXT = {
    "catalog": ["Trail Runner", "Wool Socks"],
    "now": datetime(2026, 3, 10, 11, 0, tzinfo=ZoneInfo("Europe/London")),
    "timezone": "Europe/London",
}


@pytest.fixture(scope="module")
def nlu():
    return NLU(load_intents(INTENTS_DIR / "en.yaml"), EXTRACTORS, language="en")


def test_template_match_with_entities(nlu):
    result = nlu.parse("Where is my order #1001?", CONTEXT)
    assert isinstance(result, ParseResult)
    assert (result.intent, result.confidence, result.matched_by) == ("order.status", 1.0, "template")
    assert [(e.type, e.value) for e in result.entities] == [("order_number", "1001")]


def test_model_fallback_for_loose_phrasing(nlu):
    result = nlu.parse("ugh my parcle STILL isnt here, 3 weeks now", CONTEXT)
    assert result.intent == "order.status" and result.matched_by == "model"
    assert 0.5 <= result.confidence < 1.0


def test_nothing_confident_gives_none_with_alternatives(nlu):
    result = nlu.parse("what's the capital of peru", CONTEXT)
    assert result.intent is None and result.matched_by is None
    assert all(score < 0.5 for _, score in result.alternatives)


def test_gibberish_gives_none(nlu):
    assert nlu.parse("sdfkj qwpoeiru zxcmvn", CONTEXT).intent is None


def test_empty_text(nlu):
    result = nlu.parse("  ?! ", CONTEXT)
    assert (result.intent, result.confidence, result.entities) == (None, 0.0, [])


def test_alternatives_are_other_intents_best_first(nlu):
    result = nlu.parse("refund", CONTEXT)
    names = [name for name, _ in result.alternatives]
    assert result.intent not in names
    scores = [score for _, score in result.alternatives]
    assert scores == sorted(scores, reverse=True) and len(scores) <= 3


def test_expected_intents_tip_a_close_call(nlu):
    text = "ok fine"
    plain = dict(nlu.parse(text, CONTEXT).alternatives)
    boosted = nlu.parse(text, CONTEXT, expected_intents=["affirm", "deny"])
    assert boosted.intent == "affirm"
    assert plain.get("affirm", 0) <= boosted.confidence


def test_threshold_is_configurable():
    strict = NLU(load_intents(INTENTS_DIR / "en.yaml"), EXTRACTORS, threshold=0.999)
    result = strict.parse("my parcel seems to be lost somewhere", CONTEXT)
    assert result.intent is None and result.confidence > 0.3


def test_product_entities_and_to_dict(nlu):
    result = nlu.parse("do you have the trail runers in stock?", CONTEXT)
    assert result.intent == "product.availability"
    data = result.to_dict()
    assert set(data) == {"text", "intent", "confidence", "entities"}
    assert data["entities"][0] == {"type": "product", "value": "Trail Runner", "text": "trail runers",
                                   "start": 16, "end": 28}


def test_dates_serialise_in_to_dict(nlu):
    data = nlu.parse("are you open tomorrow", CONTEXT).to_dict()
    assert data["intent"] == "store.hours"
    assert data["entities"] == [{"type": "date", "value": "2026-03-11", "text": "tomorrow", "start": 13, "end": 21}]


def test_extract_only(nlu):
    assert [(e.type, e.value) for e in nlu.extract("it's sam@example.com", CONTEXT)] == [("email", "sam@example.com")]
    assert nlu.extract("94107", {"expecting": {"entity": "email|postcode"}})[0].type == "postcode"


def test_plugin_intent_is_understood_from_its_own_data():
    gift = Intent("giftcard.balance", templates=("(check|what is) my gift card balance",),
                  examples=("how much is left on my gift card", "gift voucher balance"))
    nlu = NLU([*load_intents(INTENTS_DIR / "en.yaml"), gift], EXTRACTORS)
    assert nlu.parse("what is my gift card balance", CONTEXT).matched_by == "template"
    assert nlu.parse("how much money is left on my giftcard", CONTEXT).intent == "giftcard.balance"


def test_only_intents_of_its_language():
    french = Intent("fr.bonjour", examples=("bonjour",), language="fr")
    nlu = NLU([*load_intents(INTENTS_DIR / "en.yaml"), french], EXTRACTORS, language="en")
    assert "fr.bonjour" not in nlu.classifier.labels


def test_construction_is_quick(nlu):
    assert nlu.training_seconds < 15  # ~1-3 s on a quiet 2-core machine; generous for busy CI


def test_every_built_in_label_parses_back_to_its_intent_by_template(nlu):
    for intent in nlu.intents:
        assert intent.label, intent.name
        result = nlu.parse(intent.label, CONTEXT)
        assert (result.intent, result.matched_by) == (intent.name, "template"), intent.label


def test_expected_intents_do_not_make_chit_chat_confident(nlu):
    result = nlu.parse("what's the capital of peru", CONTEXT, expected_intents=["affirm", "deny", "form.cancel"])
    assert result.intent is None


def test_very_long_messages_are_read_from_the_start(nlu):
    text = "where is my order #1001 " + "blah " * 2000
    result = nlu.parse(text, CONTEXT)
    assert result.text == text
    assert [e.value for e in result.entities] == ["1001"]
