"""Order numbers: "#1001", "order 1001", "order no. 1001", "one zero zero one" → "1001".

Only digits count as order numbers (Shopify "#1001" names and WooCommerce ids are numeric).
Phone numbers (9+ digits), prices, years, quantities and postcodes are left to their own
extractors; a bare number with no cue gets a low score so those win any overlap.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from frontdesk.nlu.context import expected_types
from frontdesk.nlu.numbers import DIGIT_WORDS, TENS, UNITS
from frontdesk.registry import Entity

_CUE = r"(?:order|purchase|parcel|package|confirmation|reference|ref)"
_AFTER_CUE = r"(?:\s*(?:(?:number|num|no|nr|id|ref(?:erence)?|code)\b\.?|#))?\s*(?:is|was|=|:)?\s*#?\s*"
CUED = re.compile(rf"\b{_CUE}{_AFTER_CUE}(\d{{3,10}})\b", re.I)
HASH = re.compile(r"(?<![\w&])#\s?(\d{3,10})\b")
NUMBER_CUE = re.compile(r"\b(?:number|no\.|nr\.?)\s*(?:is|was|:)?\s*#?(\d{3,8})\b", re.I)
BARE = re.compile(r"(?<![\w#£$€.,:/-])(\d{3,8})(?![\w%:/-]|[.,]\d)")
_DIGIT_WORD = r"(?:zero|oh|o|nought|one|two|three|four|five|six|seven|eight|nine)"
SPOKEN = re.compile(rf"\b{_DIGIT_WORD}(?:[\s,-]+{_DIGIT_WORD}){{2,11}}\b", re.I)
_TEEN_OR_TEN = "|".join(sorted([w for w, n in UNITS.items() if n >= 10] + list(TENS), key=len, reverse=True))
_GROUP = rf"(?:(?:{'|'.join(TENS)})[\s-](?:one|two|three|four|five|six|seven|eight|nine)|{_TEEN_OR_TEN}|{_DIGIT_WORD})"
# Said in pairs, as people read numbers aloud: "ten oh one" → 1001, "twelve thirty four" → 1234.
SPOKEN_GROUPS = re.compile(rf"\b{_GROUP}(?:[\s,]+{_GROUP})+\b", re.I)
SPOKEN_CUE = re.compile(rf"\b{_CUE}\b[\w\s.#]{{0,12}}$", re.I)

_YEAR = re.compile(r"^(19|20)\d\d$")
_YEAR_BEFORE = re.compile(r"\b(?:in|since|from|of|year|until|till|before|after|by)\s*$", re.I)
_MONEY_AFTER = re.compile(r"^\s*(?:pounds?|quid|dollars?|bucks|euros?|pence|p\b|gbp|usd|eur|%|percent)", re.I)
_UNIT_AFTER = re.compile(r"^\s*(?:days?|weeks?|months?|years?|hours?|mins?|minutes?|items?|pcs|pieces|units|kg|g\b|ml|cm|mm)", re.I)


def extract_order_numbers(text: str, context: dict[str, Any]) -> Iterator[Entity]:
    expecting = "order_number" in expected_types(context)
    for pattern, score in ((CUED, 1.0), (HASH, 0.98), (NUMBER_CUE, 0.85)):
        for m in pattern.finditer(text):
            # The span is the number itself ("#1001"), so "order #1001" reads "order <number>".
            start = m.start(1) - 1 if text[m.start(1) - 1 : m.start(1)] == "#" else m.start(1)
            yield Entity("order_number", m.group(1), text[start : m.end(1)], start, m.end(1), score)
    for m in BARE.finditer(text):
        digits = m.group(1)
        before, after = text[: m.start()], text[m.end() :]
        if _MONEY_AFTER.match(after) or _UNIT_AFTER.match(after):
            continue
        if _YEAR.match(digits) and _YEAR_BEFORE.search(before) and not expecting:
            continue
        yield Entity("order_number", digits, digits, m.start(), m.end(), 0.96 if expecting else 0.5)
    for m in SPOKEN_GROUPS.finditer(text):
        cued = expecting or bool(SPOKEN_CUE.search(text[: m.start()]))
        digits = _group_digits(m.group(0))
        if cued and digits and not SPOKEN.fullmatch(m.group(0)):
            yield Entity("order_number", digits, m.group(0), m.start(), m.end(), 0.9)
    for m in SPOKEN.finditer(text):
        digits = "".join(DIGIT_WORDS[w.lower()] for w in re.split(r"[\s,-]+", m.group(0)))
        cued = expecting or bool(SPOKEN_CUE.search(text[: m.start()]))
        yield Entity("order_number", digits, m.group(0), m.start(), m.end(), 0.95 if cued else 0.6)


def _group_digits(phrase: str) -> str | None:
    words = re.split(r"[\s,]+", phrase.lower().replace("-", " "))
    digits: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in TENS and i + 1 < len(words) and words[i + 1] in UNITS and 0 < UNITS[words[i + 1]] < 10:
            digits.append(str(TENS[word] + UNITS[words[i + 1]]))
            i += 2
            continue
        if word in TENS:
            digits.append(str(TENS[word]))
        elif word in DIGIT_WORDS:
            digits.append(DIGIT_WORDS[word])
        elif word in UNITS:
            digits.append(str(UNITS[word]))
        else:
            return None
        i += 1
    joined = "".join(digits)
    return joined if 3 <= len(joined) <= 10 else None
