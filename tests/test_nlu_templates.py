import random
import re

from hassil import Intents, recognize

from frontdesk.default_plugins.builtin_intents import INTENTS_DIR
from frontdesk.nlu.loader import load_intents
from frontdesk.nlu.templates import (
    TemplateMatcher,
    normalise_template,
    placeholder,
    sample_sentences,
    slot_types,
    with_placeholders,
)
from frontdesk.registry import Entity, Intent, Slot

INTENTS = load_intents(INTENTS_DIR / "en.yaml")


def references(intent):
    return {r for t in intent.templates for r in re.findall(r"\{(\w+)\}", t)} - set(intent.lists)


def test_placeholders_replace_entity_spans():
    text = "where is order #1001?"
    entity = Entity("order_number", "1001", "#1001", 15, 20)
    assert with_placeholders(text, [entity]) == "where is order  xordernumberx ?"


def test_templates_are_normalised_like_text():
    assert normalise_template("I'd like (to|2) {want}") == "i would like (to|2) {want}"


def test_matches_whole_utterances_only():
    matcher = TemplateMatcher(INTENTS)
    assert matcher.match("where is my order xordernumberx") == ("order.status",)
    assert matcher.match("where is my order xordernumberx and also my refund") == ()


def test_slot_with_two_entity_types():
    intent = Intent("gift.balance", templates=("balance for {card}",), slots=(Slot("card", "email|phone", "?"),))
    matcher = TemplateMatcher([intent])
    assert matcher.match("balance for xemailx") == ("gift.balance",)
    assert matcher.match("balance for xphonex") == ("gift.balance",)
    assert matcher.match("balance for xpostcodex") == ()


def test_plugin_entity_types_become_placeholders():
    intent = Intent("gift.balance", templates=("gift card balance {card_number}",))
    assert "card_number" in TemplateMatcher([intent]).placeholder_types


def test_regex_matcher_agrees_with_hassil_on_expansions():
    """Every sampled expansion matches its own intent in hassil's recogniser and in ours."""
    rng = random.Random(3)
    matcher = TemplateMatcher(INTENTS)
    chosen = [i for i in INTENTS if i.name in ("order.status", "store.hours", "greet", "refund.request", "product.availability")]
    for intent in chosen:
        hassil_intents = Intents.from_dict(
            {
                "language": "en",
                "intents": {intent.name: {"data": [{"sentences": [normalise_template(t) for t in intent.templates]}]}},
                "lists": {
                    **{n: {"values": [normalise_template(v) for v in vs]} for n, vs in intent.lists.items()},
                    **{n: {"values": [placeholder(t) for t in slot_types(intent, n)]} for n in references(intent)},
                },
            }
        )
        for sentence in sample_sentences(intent, 5, rng):
            assert intent.name in matcher.match(sentence), sentence
            assert recognize(sentence, hassil_intents) is not None, sentence


def test_samples_are_distinct_and_capped():
    rng = random.Random(1)
    intent = Intent("x.y", templates=("(a|b|c) (d|e)",))
    samples = sample_sentences(intent, 4, rng)
    assert len(samples) == len(set(samples)) == 4
    assert all(s.split()[0] in "abc" and s.split()[1] in "de" for s in samples)
