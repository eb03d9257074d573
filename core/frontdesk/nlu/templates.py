"""Exact template matching, and expansion of templates into training sentences.

Templates are hassil templates, parsed by hassil. Before matching, entities found in the
text are replaced by placeholder words (``xordernumberx``), and every ``{slot}`` in a
template stands for the placeholders of the slot's entity types, so "where is order #1001"
meets "[where is] order {order_number}". Matching is then exact text matching: each
intent's parsed templates are compiled into one regular expression, which answers in
microseconds (about 17 times faster than hassil's general recogniser, which is built for
wildcards and number ranges; see bench/nlu_speed.py).
"""

from __future__ import annotations

import itertools
import random
import re
from typing import Iterable

from hassil.expression import Alternative, Expression, ListReference, Permutation, RuleReference, Sequence, TextChunk
from hassil.parse_expression import parse_sentence

from frontdesk.nlu.text import CONTRACTIONS
from frontdesk.registry import Entity, Intent

_TEMPLATE_WORD = re.compile(r"[a-z0-9']+")
_TEMPLATE_PUNCTUATION = re.compile(r"[,?!.;:]")
_SLOT_REFERENCE = re.compile(r"\{(\w+)\}")


def placeholder(entity_type: str) -> str:
    """The word an entity of ``entity_type`` becomes in normalised text: "order_number" → "xordernumberx"."""
    return "x" + re.sub(r"[^a-z]", "", entity_type.lower()) + "x"


# Entity types replaced by placeholders; dayparts stay words ("good morning" is a greeting).
PLACEHOLDER_TYPES = frozenset(
    "order_number email phone postcode date invalid_date time quantity product size colour".split()
)


def placeholder_types(intents: Iterable[Intent]) -> frozenset[str]:
    """Core's placeholder types plus every entity type a template's ``{slot}`` stands for.

    Plugins' own entity types ("card_number") thereby match their templates; a ``{name}``
    that is a phrase list keeps its words.
    """
    types = set(PLACEHOLDER_TYPES)
    for intent in intents:
        for name in {ref for t in intent.templates for ref in _SLOT_REFERENCE.findall(t)} - set(intent.lists):
            types.update(t for t in slot_types(intent, name) if t != "text")
    return frozenset(types)


def with_placeholders(text: str, entities: Iterable[Entity], types: frozenset[str] = PLACEHOLDER_TYPES) -> str:
    """Replace spans of entities of ``types`` by placeholder words (left to right, skipping overlaps)."""
    out: list[str] = []
    position = 0
    for entity in sorted(entities, key=lambda e: (e.start, -e.end)):
        if entity.type not in types or entity.start < position:
            continue
        out.append(text[position : entity.start])
        out.append(f" {placeholder('date' if entity.type == 'invalid_date' else entity.type)} ")
        position = entity.end
    out.append(text[position:])
    return "".join(out)


def normalise_template(template: str) -> str:
    """Lower-case a template and expand contractions the way :func:`text.tokens` does."""
    template = _TEMPLATE_PUNCTUATION.sub(" ", template.replace("\u2019", "'").lower())

    def expand(m: re.Match[str]) -> str:
        word = m.group(0)
        if word in CONTRACTIONS:
            return CONTRACTIONS[word]
        return word[:-2] if word.endswith("'s") else word.replace("'", " ")

    # Leave {list} and <rule> names alone.
    parts = re.split(r"(\{\w+\}|<\w+>)", template)
    return "".join(p if p.startswith(("{", "<")) else _TEMPLATE_WORD.sub(expand, p) for p in parts)


def slot_types(intent: Intent, name: str) -> list[str]:
    """Entity types a ``{name}`` reference stands for: the slot's types, or the type ``name`` itself."""
    for slot in intent.slots:
        if slot.name == name:
            return slot.entity.split("|")
    return [name]


class TemplateMatcher:
    """Whole-utterance matching of normalised, placeholder-substituted text against templates."""

    def __init__(self, intents: Iterable[Intent], language: str = "en") -> None:
        intents = list(intents)
        self.language = language
        self.placeholder_types = placeholder_types(intents)
        self.patterns: dict[str, re.Pattern[str]] = {}
        for intent in intents:
            if intent.templates:
                self.patterns[intent.name] = compile_templates(intent)

    def match(self, normalised_text: str) -> tuple[str, ...]:
        """Names of the intents with a template matching the whole text (usually zero or one)."""
        return tuple(name for name, pattern in self.patterns.items() if pattern.fullmatch(normalised_text))


def compile_templates(intent: Intent) -> re.Pattern[str]:
    lists = {
        name: [parse_sentence(normalise_template(v)).expression for v in values] for name, values in intent.lists.items()
    }
    alternatives = [
        _regex(parse_sentence(normalise_template(t)).expression, intent, lists) for t in intent.templates
    ]
    # Words may be separated by any run of spaces (optional parts leave doubles behind).
    return re.compile(r"\s*(?:" + "|".join(alternatives) + r")\s*")


def _regex(expression: Expression, intent: Intent, lists: dict[str, list[Expression]]) -> str:
    if isinstance(expression, TextChunk):
        return r"\s*".join(re.escape(word) for word in expression.text.split(" ")) if expression.text else ""
    if isinstance(expression, Alternative):
        return "(?:" + "|".join(_regex(item, intent, lists) for item in expression.items) + ")"
    if isinstance(expression, Permutation):
        orders = itertools.permutations(expression.items)
        return "(?:" + "|".join(r"\s*".join(_regex(i, intent, lists) for i in order) for order in orders) + ")"
    if isinstance(expression, Sequence):
        return "".join(_regex(item, intent, lists) for item in expression.items)
    if isinstance(expression, ListReference):
        if expression.list_name in lists:
            values = [_regex(v, intent, lists) for v in lists[expression.list_name]]
        else:
            values = [re.escape(placeholder(t)) for t in slot_types(intent, expression.list_name)]
        return r"\s*(?:" + "|".join(values) + r")\s*"
    return ""


def sample_sentences(intent: Intent, per_template: int, rng: random.Random) -> list[str]:
    """Random expansions of each template (distinct, at most ``per_template`` each) for training."""
    lists = {
        name: [parse_sentence(normalise_template(v)).expression for v in values] for name, values in intent.lists.items()
    }
    out: list[str] = []
    for template in intent.templates:
        expression = parse_sentence(normalise_template(template)).expression
        seen: set[str] = set()
        for _ in range(per_template * 3):
            text = " ".join(_random_text(expression, intent, lists, rng).split())
            if text and text not in seen:
                seen.add(text)
                if len(seen) >= per_template:
                    break
        out.extend(seen)
    return out


def _random_text(expression: Expression, intent: Intent, lists: dict, rng: random.Random) -> str:
    if isinstance(expression, TextChunk):
        return expression.text
    if isinstance(expression, Alternative):
        return _random_text(rng.choice(expression.items), intent, lists, rng)
    if isinstance(expression, Permutation):
        items = list(expression.items)
        rng.shuffle(items)
        return " ".join(_random_text(item, intent, lists, rng) for item in items)
    if isinstance(expression, Sequence):
        return "".join(_random_text(item, intent, lists, rng) for item in expression.items)
    if isinstance(expression, ListReference):
        if expression.list_name in lists:
            return " " + _random_text(rng.choice(lists[expression.list_name]), intent, lists, rng) + " "
        return " " + placeholder(rng.choice(slot_types(intent, expression.list_name))) + " "
    if isinstance(expression, RuleReference):
        return ""
    return ""
