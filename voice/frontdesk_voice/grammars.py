"""Closed grammars built from what the conversation expects next.

``ConversationView.expecting`` is ``{"intent", "slot", "entity"}`` or None. An order
number or postcode keyed as digits, yes/no, a date, a time, a quantity, a product from
the catalog or one of the intent's listed choices (a booking's services) each get a
small vocabulary (``grammars/en.yaml``); anything else (an email, free text) is decoded
openly. Every grammar also takes the buttons the bot just offered, "cancel" and the
words that ask for a person, so a caller can always get out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any, Callable

import yaml

from frontdesk_voice.speech import Grammar


@lru_cache(maxsize=None)
def _data(language: str) -> dict[str, Any]:
    return yaml.safe_load(files("frontdesk_voice").joinpath(f"grammars/{language}.yaml").read_text())


_NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen " \
                "sixteen seventeen eighteen nineteen twenty".split()


@dataclass(frozen=True)
class GrammarContext:
    """What the conversation offers besides the slot's type: the shop's catalog, the intent, the offered buttons."""

    catalog: Callable[[], list[str]] = list
    intent: Any = None  # frontdesk.registry.Intent of expecting["intent"], when known
    quick_replies: tuple[str, ...] = ()


def spoken(phrase: str) -> str:
    """A written title as words a recogniser can say: "Ridge 2 Backpacking Tent" → "ridge two backpacking tent"."""
    words = []
    for token in re.findall(r"[a-z]+(?:'[a-z]+)?|\d+", phrase.lower()):
        if token.isdigit():
            words.extend([_NUMBER_WORDS[int(token)]] if int(token) <= 20 else [_NUMBER_WORDS[int(d)] for d in token])
        else:
            words.append(token)
    return " ".join(words)


def jsgf(name: str, phrases: list[str] | tuple[str, ...], repeat_words: list[str] | tuple[str, ...] = ()) -> str:
    """A JSGF grammar (pocketsphinx): any one phrase, or a run of the repeat words (digits, counts)."""
    alternatives = [f"( {p} )" for p in phrases]
    if repeat_words:
        alternatives.append("( <word> )+")
    lines = ["#JSGF V1.0;", f"grammar {name};"]
    if repeat_words:
        lines.append("<word> = " + " | ".join(repeat_words) + " ;")
    lines.append(f"public <{name}> = {' | '.join(alternatives)} ;")
    return "\n".join(lines) + "\n"


def _kinds(expecting: dict[str, Any], data: dict[str, Any]) -> list[str] | None:
    """The grammar kinds an expected slot takes (in order), or None when it needs open decoding."""
    by_slot = data["slots"].get(expecting.get("slot") or "")
    if by_slot:
        return [by_slot]
    kinds: list[str] = []
    for part in str(expecting.get("entity") or "").split("|"):
        if part in data.get("ignore", ()):
            continue
        kind = data["entities"].get(part)
        if kind is None:
            return None  # an email, free text, anything we can't enumerate: open decoding
        if kind not in kinds:
            kinds.append(kind)
    return kinds or None


def _phrases_of(kind: str, spec: dict[str, Any], expecting: dict[str, Any], context: GrammarContext) -> list[str]:
    phrases = list(spec.get("phrases", []))
    if kind == "time":
        phrases += [" ".join(w for w in (prefix, hour, ending) if w)
                    for hour in spec["hours"] for prefix in spec["prefixes"]
                    for ending in (spec["endings"] if not prefix else [""])]
    elif kind == "product":
        titles = [spoken(t) for t in context.catalog()]
        phrases += titles + [f"the {t}" for t in titles if t]
    elif kind == "choices" and context.intent is not None:
        lists = getattr(context.intent, "lists", {}) or {}
        phrases += [spoken(v) for v in lists.get(expecting.get("slot") or "", ())]
    return phrases


def grammar_for(expecting: dict[str, Any] | None, language: str = "en",
                context: GrammarContext | None = None) -> Grammar | None:
    """The grammar for the next utterance, or None for open decoding.

    Built from what the slot takes (digits, yes/no, dates, times, the catalog's titles, the
    intent's lists) plus the buttons the bot just offered, the cancel phrases and the ways to
    ask for a person, so a caller in a closed grammar can always get out.
    """
    if not expecting:
        return None
    data = _data(language)
    kinds = _kinds(expecting, data)
    if not kinds:
        return None
    context = context or GrammarContext()
    phrases: list[str] = []
    repeat: list[str] = []
    end_silence = None
    for kind in kinds:
        spec = data["grammars"][kind]
        phrases += _phrases_of(kind, spec, expecting, context)
        repeat += [w for w in spec.get("repeat_words", []) if w not in repeat]
        end_silence = max(end_silence or 0, spec.get("end_silence_ms") or 0) or None
    phrases += [spoken(q) for q in context.quick_replies] + list(data.get("cancel", [])) + list(data["escape"])
    phrases = list(dict.fromkeys(p for p in phrases if p))  # unique, in order
    kind = "_".join(kinds)
    return Grammar(
        kind=kind,
        phrases=tuple(phrases + repeat),
        words=tuple(sorted({w for p in phrases + repeat for w in p.split()})),
        jsgf=jsgf(kind, phrases, repeat),
        end_silence_ms=end_silence,
        closed_phrases=tuple(phrases),
        repeat_words=tuple(repeat),
    )


def vosk_grammar_json(grammar: Grammar, vocabulary: set[str] | None = None) -> str:
    """Vosk's grammar format: a JSON list of phrases, plus ``[unk]`` for anything else.

    Phrases with words the model does not know are dropped (Vosk would warn and ignore them).
    """
    phrases = [p for p in grammar.phrases if vocabulary is None or all(w in vocabulary for w in p.split())]
    return json.dumps(phrases + ["[unk]"], ensure_ascii=False)
