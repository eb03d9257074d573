"""The bot's own phrases follow the owner's persona, and any phrase can be overridden in settings."""

from __future__ import annotations

import pytest

from frontdesk.phrases import PERSONAS, Phrases, persona_phrases
from frontdesk.settings import ConfigError, load_settings


def phrases(persona="friendly", overrides=None):
    return Phrases({"shop": {"name": "Corner Shop", "persona": persona, "language": "en"}, "phrases": overrides or {}})


def test_every_persona_has_every_phrase_through_the_default():
    table = persona_phrases("en")
    assert set(table) == set(PERSONAS)
    for persona in PERSONAS:
        for key in table["friendly"]:
            assert phrases(persona).text(key, prompt="P?", reason="R.", reply_time="soon", next_opening="at 9")


def test_personas_differ_and_fill_placeholders():
    assert phrases("friendly").text("goodbye") == "Thanks for visiting Corner Shop — have a lovely day!"
    assert phrases("formal").text("form_stopped") == ("Understood; I have stopped that request. "
                                                       "Is there anything else I may help you with?")
    assert phrases("concise").text("didnt_catch", prompt="Which size?") == "Sorry? Which size?"


def test_owner_override_wins():
    assert phrases("formal", {"goodbye": "Cheerio from {shop}!"}).text("goodbye") == "Cheerio from Corner Shop!"


def test_unknown_persona_is_a_config_error():
    with pytest.raises(ConfigError, match="persona must be one of"):
        load_settings(None, overrides={"shop": {"persona": "grumpy"}}, environ={})


def test_the_bot_speaks_in_the_persona(make_bot):
    formal = make_bot({"shop": {"persona": "formal"}})
    assert formal.say("thank you").text == "You are most welcome. Is there anything else I may help you with?"
