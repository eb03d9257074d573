from pathlib import Path

import pytest

from frontdesk.default_plugins import builtin_entities, builtin_intents
from frontdesk.nlu.loader import load_intents
from frontdesk.registry import RegistrationError

BUILT_IN = {
    "greet", "goodbye", "thanks", "order.status", "order.cancel", "order.change", "order.place",
    "order.change_address", "order.invoice", "shipping.info", "returns.policy", "refund.request", "refund.status",
    "payment.methods", "payment.issue", "handoff.human", "feedback.complaint", "feedback.review", "account.help",
    "newsletter.subscribe", "product.search", "product.availability", "store.hours", "store.location",
    "affirm", "deny", "form.cancel",
}


def registered_intents(language="en"):
    found = []
    builtin_intents.register_intents(register=found.append, language=language)
    return {i.name: i for i in found}


def test_the_plugin_registers_every_built_in_intent_valid():
    intents = registered_intents()
    assert set(intents) == BUILT_IN
    for intent in intents.values():
        intent.validate()
        assert intent.description and intent.templates and intent.examples


def test_no_intents_for_an_unknown_language():
    assert registered_intents("xx") == {}


def test_order_intents_ask_for_number_and_verifier():
    intents = registered_intents()
    for name in ("order.status", "order.change", "order.invoice", "refund.status", "order.cancel"):
        slots = {s.name: s for s in intents[name].slots}
        assert slots["order_number"].entity == "order_number"
        assert slots["verifier"].entity == "email|postcode" and slots["verifier"].sensitive


def test_confirmations_and_free_text_slots():
    intents = registered_intents()
    assert intents["order.cancel"].confirm == "Cancel order #{order_number}? This can't be undone."
    address = {s.name: s for s in intents["order.change_address"].slots}["address"]
    assert address.entity == "text" and address.prompt == "What's the new delivery address?"
    reason = {s.name: s for s in intents["refund.request"].slots}["reason"]
    assert reason.required and reason.entity == "text"
    quantity = {s.name: s for s in intents["order.place"].slots}["quantity"]
    assert not quantity.required
    email = intents["newsletter.subscribe"].slots[0]
    assert email.entity == "email" and email.sensitive


def test_shared_lists_are_copied_only_where_used():
    intents = registered_intents()
    assert "want" in intents["order.cancel"].lists
    assert intents["greet"].lists == {}


def test_bad_slot_is_reported_with_the_intent_name(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("language: en\nintents:\n  gift.balance:\n    templates: [balance]\n    slots: [{name: card}]\n")
    with pytest.raises(RegistrationError, match="gift.balance"):
        load_intents(path)


def test_entities_plugin_registers_core_types():
    found = []
    builtin_entities.register_entity_extractors(register=found.append)
    types = {t for e in found for t in e.types}
    assert {"order_number", "email", "phone", "postcode", "date", "time", "quantity", "product"} <= types
