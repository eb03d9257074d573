"""The plugin system: entry points, registration stamping, loud collisions, broken plugins disabled."""

from __future__ import annotations

import pytest

from frontdesk.app_state import Frontdesk
from frontdesk.hookspecs import hookimpl
from frontdesk.messages import reply
from frontdesk.plugins import PluginManager, Registry
from frontdesk.registry import Action, Intent, RegistrationError
from frontdesk.testing import demo_settings

BUILTINS = {"builtin_intents", "builtin_actions", "builtin_entities", "knowledge", "web_channel", "demo_store"}


class LoyaltyPoints:
    @hookimpl
    def register_intents(self, register, language):
        if language == "en":
            register(Intent(name="loyalty.points", templates=("(check|what is) my loyalty points balance",),
                            examples=("how many loyalty points do I have",)))

    @hookimpl
    def register_actions(self, register):
        register(Action(intent="loyalty.points", handler=lambda ctx: reply("You have 250 loyalty points.")))


class Squatter:
    @hookimpl
    def register_intents(self, register, language):
        register(Intent(name="order.status", templates=("where is my stuff",)))


class Exploding:
    @hookimpl
    def register_knowledge(self, register):
        raise RuntimeError("boom")

    @hookimpl
    def message_received(self, conversation, message):
        raise RuntimeError("boom again")


class BadIntent:
    @hookimpl
    def register_intents(self, register, language):
        register(Intent(name="Not A Name", templates=("x",)))


def test_builtins_are_found_through_entry_points():
    manager = PluginManager()
    infos = {info.name: info for info in manager.infos_list()}
    assert BUILTINS <= set(infos)
    assert all(infos[name].builtin and infos[name].distribution == "frontdesk" for name in BUILTINS)


def test_a_third_party_plugin_answers_end_to_end(make_bot):
    customer = make_bot(plugins=(("loyalty", LoyaltyPoints()),))
    assert "250 loyalty points" in customer.say("what is my loyalty points balance").text
    info = customer.frontdesk.plugins.infos["loyalty"]
    assert info.registrations == {"intent:en": ["loyalty.points"], "action": ["loyalty.points"]}
    assert customer.frontdesk.intent("loyalty.points").plugin == "loyalty"


def test_collision_with_a_builtin_fails_loudly(tmp_path):
    with pytest.raises(RegistrationError, match="'order.status'.*squatter.*builtin_intents"):
        Frontdesk(demo_settings(tmp_path), extra_plugins=[("squatter", Squatter())])


def test_a_raising_plugin_is_disabled_and_the_bot_still_answers(make_bot):
    customer = make_bot(plugins=(("exploding", Exploding()),))
    info = customer.frontdesk.plugins.infos["exploding"]
    assert not info.enabled and "boom" in info.error
    assert "opening hours" in customer.say("when are you open").text.lower()


def test_an_invalid_registration_disables_only_that_plugin(make_bot):
    customer = make_bot(plugins=(("bad", BadIntent()),))
    assert "dotted lower-case" in customer.frontdesk.plugins.infos["bad"].error
    assert customer.say("hello").messages


def test_disabled_in_settings(make_bot):
    customer = make_bot({"disabled_plugins": ["knowledge"]})
    assert customer.frontdesk.plugins.infos["knowledge"].error == "disabled in settings"
    assert customer.frontdesk.registry.get("knowledge", "store.hours") is None


def test_registry_refuses_duplicates():
    registry = Registry()
    registry.add("action", "a", Action(intent="a", handler=lambda ctx: None, plugin="one"))
    with pytest.raises(RegistrationError, match="already registered by plugin 'one'"):
        registry.add("action", "a", Action(intent="a", handler=lambda ctx: None, plugin="two"))


class Misconfigured:
    @hookimpl
    def validate_config(self, settings):
        return ["[plugins.misconfigured] api_key is missing"]


def test_validate_config_problems_stop_start_up(tmp_path):
    from frontdesk.settings import ConfigError

    with pytest.raises(ConfigError, match=r"misconfigured: \[plugins.misconfigured\] api_key is missing"):
        Frontdesk(demo_settings(tmp_path), extra_plugins=[("misconfigured", Misconfigured())])


def test_an_entry_point_that_fails_to_import_is_reported_not_fatal():
    from importlib.metadata import EntryPoint

    manager = PluginManager(load_entry_points=False)
    manager._load_entry_point(EntryPoint(name="broken", value="frontdesk_no_such_module.plugin", group="frontdesk"))
    info = manager.infos["broken"]
    assert not info.enabled and info.error.startswith("failed to import: ModuleNotFoundError")
    assert info.to_dict()["enabled"] is False
