"""Quantities: "2", "two", "3x", "x3", "a pair of", "a couple of", "half a dozen"."""

from __future__ import annotations

import re
from typing import Any, Iterator

from frontdesk.nlu.numbers import NUMBER_WORD_PATTERN, words_to_int
from frontdesk.registry import Entity

TIMES = re.compile(r"(?<![\w.])(?:(\d{1,3})\s*[x×]|[x×]\s*(\d{1,3}))(?![\w.])", re.I)
PHRASES = re.compile(r"\b(half\s+a\s+dozen|a\s+dozen|a\s+pair\s+of|a\s+couple\s+of|a\s+few)\b", re.I)
_PHRASE_VALUES = {"half a dozen": 6, "a dozen": 12, "a pair of": 2, "a couple of": 2, "a few": 3}
NUMBER = re.compile(
    rf"(?<![\w#£$€.,:/-])((?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[\s-](?:one|two|three|four|five|six|seven|eight|nine)\b|{NUMBER_WORD_PATTERN}|\d{{1,3}})(?![\w%:/]|[.,]\d)",
    re.I,
)
# "this one", "no one", "the one" are not quantities; neither are prices or durations.
_NOT_BEFORE = re.compile(r"\b(?:this|that|the|which|no|any|every|each|some|other|size|sz|uk|us|eu|number|no\.|at|in|by)\s*$", re.I)
_NOT_AFTER = re.compile(r"^\s*(?:pounds?|quid|dollars?|bucks|euros?|p\b|%|percent|days?|weeks?|months?|years?|hours?|minutes?|mins?|o'?clock|am\b|pm\b|of (?:you|us|them)\b)", re.I)


def extract_quantities(text: str, context: dict[str, Any]) -> Iterator[Entity]:
    for m in TIMES.finditer(text):
        value = int(m.group(1) or m.group(2))
        if value > 0:
            yield Entity("quantity", value, m.group(0), m.start(), m.end(), 0.9)
    for m in PHRASES.finditer(text):
        phrase = re.sub(r"\s+", " ", m.group(1).lower())
        yield Entity("quantity", _PHRASE_VALUES[phrase], m.group(0), m.start(), m.end(), 0.7)
    for m in NUMBER.finditer(text):
        value = words_to_int(m.group(1))
        if not value or _NOT_BEFORE.search(text[: m.start()]) or _NOT_AFTER.match(text[m.end() :]):
            continue
        yield Entity("quantity", value, m.group(0), m.start(), m.end(), 0.45)
