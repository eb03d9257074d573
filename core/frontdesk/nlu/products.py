"""Products from the shop's catalog (fuzzy, typo-tolerant) and variant hints: size and colour.

``context["catalog"]`` lists product titles. A phrase in the text matches a title when
rapidfuzz says it is close enough, so "trail runers" finds "Trail Runner". A title can also
be found by its distinctive words ("the runners"), when no other title shares them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator

from rapidfuzz import fuzz, process

from frontdesk.registry import Entity

FULL_TITLE_CUTOFF = 84.0
SHORT_CUTOFF = 92.0  # phrases under 8 letters: one typo is a big share ("stock" is not "sock")
KEYWORD_CUTOFF = 88.0
_WORD = re.compile(r"[\w'-]+")
# Words that never identify a product on their own.
_GENERIC = frozenset(
    "a an the and or of for in on with to my your our new old big small large medium mini pro plus set pack"
    " one two three size colour color black white red blue green grey gray pair kit edition classic".split()
)

# A phrase never starts or ends on these ("the trail runner" → "trail runner").
_EDGE = frozenset("a an the my your some any of in for to and with this that these those".split())

COLOURS = {
    "black": "black", "white": "white", "red": "red", "blue": "blue", "navy": "navy", "green": "green",
    "grey": "grey", "gray": "grey", "yellow": "yellow", "orange": "orange", "pink": "pink", "purple": "purple",
    "brown": "brown", "beige": "beige", "cream": "cream", "silver": "silver", "gold": "gold", "tan": "tan",
    "khaki": "khaki", "olive": "olive", "teal": "teal", "burgundy": "burgundy", "maroon": "maroon",
    "charcoal": "charcoal", "turquoise": "turquoise", "lilac": "lilac", "ivory": "ivory",
}
COLOUR = re.compile(r"\b(" + "|".join(COLOURS) + r")\b", re.I)
SIZE = re.compile(
    r"\b(?:size|sz|uk|us|eu)\s*(\d{1,2}(?:\.5)?|xxs|xs|s|m|l|xl|xxl|xxxl|small|medium|large)\b"
    r"|\b(xxs|xs|xl|xxl|xxxl|extra[\s-]small|extra[\s-]large|small|medium|large)\b",
    re.I,
)
_SIZE_WORDS = {"small": "S", "medium": "M", "large": "L", "extra small": "XS", "extra-small": "XS",
               "extra large": "XL", "extra-large": "XL"}


def extract_products(text: str, context: dict[str, Any]) -> Iterator[Entity]:
    catalog = tuple(context.get("catalog") or ())
    if not catalog:
        return
    index = _index(catalog)
    words = [(m.group(0).lower(), m.start(), m.end()) for m in _WORD.finditer(text)]
    candidates: list[Entity] = []
    for size in range(1, min(index.longest + 1, len(words)) + 1):
        for i in range(len(words) - size + 1):
            if _is_edge(words[i][0]) or _is_edge(words[i + size - 1][0]):
                continue
            start, end = words[i][1], words[i + size - 1][2]
            phrase = _singular(" ".join(w for w, _, _ in words[i : i + size]))
            entity = _match(index, phrase, text, start, end)
            if entity is not None:
                candidates.append(entity)
    # Best matches first; a phrase is one product at most.
    found: list[Entity] = []
    for entity in sorted(candidates, key=lambda e: (-e.score, -(e.end - e.start))):
        if not any(e.start < entity.end and entity.start < e.end for e in found):
            found.append(entity)
    yield from sorted(found, key=lambda e: e.start)


def _is_edge(word: str) -> bool:
    return word in _EDGE or any(c.isdigit() for c in word)


def extract_variants(text: str, context: dict[str, Any]) -> Iterator[Entity]:
    for m in COLOUR.finditer(text):
        yield Entity("colour", COLOURS[m.group(1).lower()], m.group(0), m.start(), m.end(), 0.9)
    for m in SIZE.finditer(text):
        raw = (m.group(1) or m.group(2)).lower()
        value = _SIZE_WORDS.get(re.sub(r"\s+", " ", raw), raw.upper())
        score = 0.95 if m.group(1) else 0.6
        yield Entity("size", value, m.group(0), m.start(), m.end(), score)


class _Index:
    def __init__(self, titles: tuple[str, ...]) -> None:
        self.titles = titles
        self.normalised = [_singular(" ".join(_WORD.findall(t.lower()))) for t in titles]
        self.longest = max(len(n.split()) for n in self.normalised)
        # Distinctive words → the one title that has them ("runner" → "Trail Runner").
        owners: dict[str, set[int]] = {}
        for i, title in enumerate(self.normalised):
            for word in title.split():
                if len(word) >= 4 and word not in _GENERIC:
                    owners.setdefault(word, set()).add(i)
        self.keywords = {w: next(iter(o)) for w, o in owners.items() if len(o) == 1}
        self.keyword_list = list(self.keywords)


@lru_cache(maxsize=16)
def _index(catalog: tuple[str, ...]) -> _Index:
    return _Index(catalog)


def _match(index: _Index, phrase: str, text: str, start: int, end: int) -> Entity | None:
    if len(phrase) < 3:
        return None
    cutoff = FULL_TITLE_CUTOFF if len(phrase) >= 8 else SHORT_CUTOFF
    best = process.extractOne(phrase, index.normalised, scorer=fuzz.ratio, score_cutoff=cutoff)
    if best is not None:
        return Entity("product", index.titles[best[2]], text[start:end], start, end, best[1] / 100)
    if " " in phrase:
        # Part of a longer title, in any order: "tote bag" → "Canvas Tote Bag".
        part = process.extractOne(phrase, index.normalised, scorer=fuzz.token_set_ratio, score_cutoff=90.0)
        if part is not None:
            return Entity("product", index.titles[part[2]], text[start:end], start, end, 0.85 * part[1] / 100)
        return None
    if len(phrase) < 4 or phrase in _GENERIC:
        return None
    cutoff = KEYWORD_CUTOFF if len(phrase) >= 8 else SHORT_CUTOFF
    word = process.extractOne(phrase, index.keyword_list, scorer=fuzz.ratio, score_cutoff=cutoff)
    if word is None:
        return None
    title = index.titles[index.keywords[word[0]]]
    return Entity("product", title, text[start:end], start, end, 0.75 * word[1] / 100)


def _singular(phrase: str) -> str:
    """Crude plural folding so "trail runners" meets "Trail Runner" exactly."""
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in phrase.split())
