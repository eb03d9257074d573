"""Closed grammars built from what the conversation expects next.

``ConversationView.expecting`` is ``{"intent", "slot", "entity"}`` or None. An order
number, a postcode keyed in as digits, yes/no or a date each get a small vocabulary;
anything else is decoded openly. Every grammar also accepts the words that ask for
a person, so a caller can always escape.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

from frontdesk_voice.speech import Grammar


@lru_cache(maxsize=None)
def _data(language: str) -> dict[str, Any]:
    return yaml.safe_load(files("frontdesk_voice").joinpath(f"grammars/{language}.yaml").read_text())


def _jsgf(name: str, phrases: list[str], repeat_words: list[str] | None) -> str:
    alternatives = [f"( {p} )" for p in phrases]
    if repeat_words:
        alternatives.append(f"( <word> )+")
    body = " | ".join(alternatives)
    lines = ["#JSGF V1.0;", f"grammar {name};"]
    if repeat_words:
        lines.append("<word> = " + " | ".join(repeat_words) + " ;")
    lines.append(f"public <{name}> = {body} ;")
    return "\n".join(lines) + "\n"


def grammar_for(expecting: dict[str, Any] | None, language: str = "en") -> Grammar | None:
    """The grammar for the next utterance, or None for open decoding."""
    if not expecting:
        return None
    data = _data(language)
    kind = data["entities"].get(expecting.get("entity") or "") or data["slots"].get(expecting.get("slot") or "")
    if not kind:
        return None
    spec = data["grammars"][kind]
    escape = list(data["escape"])
    phrases = list(spec.get("phrases", [])) + escape
    repeat = list(spec.get("repeat_words", []))
    words = sorted({w for p in phrases + repeat for w in p.split()})
    return Grammar(
        kind=kind,
        phrases=tuple(phrases + repeat),
        words=tuple(words),
        jsgf=_jsgf(kind, phrases, repeat or None),
        end_silence_ms=spec.get("end_silence_ms"),
    )


def vosk_grammar_json(grammar: Grammar, vocabulary: set[str] | None = None) -> str:
    """Vosk's grammar format: a JSON list of phrases, plus ``[unk]`` for anything else.

    Phrases with words the model does not know are dropped (Vosk would warn and ignore them).
    """
    phrases = [p for p in grammar.phrases if vocabulary is None or all(w in vocabulary for w in p.split())]
    return json.dumps(phrases + ["[unk]"], ensure_ascii=False)
