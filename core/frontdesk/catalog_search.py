"""Helpers for back ends that search a remote shop's catalogue for what a customer typed.

A customer writes "do you have trail runer size 10"; a shop's search API wants "trail runner".
:func:`query_words` keeps the words that can name a product, :func:`closest_titles` finds the
catalogue titles a misspelt phrase most likely meant (for shops whose search is word-exact), and
:func:`option_key` maps a shop's option names onto the keys
:meth:`frontdesk.commerce.Product.variant_matching` is asked with.
"""

from __future__ import annotations

import re
from typing import Iterable

from rapidfuzz import fuzz, process, utils

# Words in a customer's sentence that never name a product; a shop's search would AND them in.
QUERY_STOPWORDS = frozenset(
    "a an and any are buy can colour color do does for got have i in is it looking me my need of on please "
    "show size some sell stock the there to want with you your".split()
)
# A shop's option names (lower-cased) → the keys the core's Variant.options uses.
OPTION_KEYS = {"color": "colour", "colour": "colour", "size": "size", "shoe size": "size"}
FUZZY_SCORE_CUTOFF = 75
"""rapidfuzz WRatio (0-100) a title must reach to count as what the customer meant."""


def query_words(query: str) -> list[str]:
    """The lower-cased words of ``query`` that may name a product: no stopwords, no bare numbers."""
    return [w for w in re.findall(r"[\w'-]+", query.lower()) if w not in QUERY_STOPWORDS and not w.isdigit()]


def closest_titles(text: str, titles: Iterable[str], limit: int) -> list[str]:
    """Up to ``limit`` of ``titles`` that ``text`` most likely meant despite loose spelling, best first."""
    matches = process.extract(text, list(titles), scorer=fuzz.WRatio, processor=utils.default_process,
                              limit=limit, score_cutoff=FUZZY_SCORE_CUTOFF)
    return [title for title, _score, _index in matches]


def option_key(name: str) -> str:
    """``"Color"`` → ``"colour"``, ``"Shoe size"`` → ``"size"``; other names just lower-cased."""
    return OPTION_KEYS.get(name.lower(), name.lower())
