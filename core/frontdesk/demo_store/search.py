"""Rank demo products for a free-text query: title words count most, then tags, then description.

Loose spelling ("trail runer") is matched with rapidfuzz, so the demo shop answers the way a
real shop search would even before the core's own fuzzy product matching kicks in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from frontdesk.commerce import Product

# Words that say nothing about which product is wanted.
STOPWORDS = frozenset(
    "a an and any are buy can do does for got have i in is it looking me my need of on please show size "
    "some sell stock the there to want with you your".split()
)
FUZZY_MIN_RATIO = 85.0
FUZZY_MIN_LENGTH = 4
TITLE, TAG, DESCRIPTION = 3.0, 2.0, 1.0


def words(text: str) -> list[str]:
    return [_stem(w) for w in re.findall(r"[a-z0-9]+", text.lower())]


def _stem(word: str) -> str:
    # Plural "jackets"/"shoes" should find "jacket"/"shoe"; applied to both sides, so it only has to be consistent.
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _token_score(token: str, candidates: list[str]) -> float:
    """1.0 for an exact word, a bit less for a prefix or a near spelling, 0 otherwise."""
    best = 0.0
    for word in candidates:
        if word == token:
            return 1.0
        if len(token) >= 3 and word.startswith(token):
            best = max(best, 0.85)
        elif len(token) >= FUZZY_MIN_LENGTH and len(word) >= FUZZY_MIN_LENGTH:
            ratio = fuzz.ratio(token, word)
            if ratio >= FUZZY_MIN_RATIO:
                best = max(best, 0.9 * ratio / 100)
    return best


@dataclass(frozen=True)
class Scored:
    score: float
    product: Product
    position: int

    def sort_key(self) -> tuple:
        # Best score first; then in-stock; then shorter (more specific) titles; then catalogue order.
        return (-self.score, not self.product.available, len(words(self.product.title)), self.position)


def score_product(product: Product, text_tokens: list[str], number_tokens: list[str]) -> float:
    title = words(product.title)
    tags = [w for tag in product.tags for w in words(tag)]
    description = words(product.description)
    score = 0.0
    in_title = 0
    for token in text_tokens:
        t = _token_score(token, title)
        in_title += t > 0
        score += max(TITLE * t, TAG * _token_score(token, tags), DESCRIPTION * _token_score(token, description))
    if score == 0:
        return 0.0
    if in_title == len(text_tokens):
        score += 2.0
        if fuzz.ratio(" ".join(text_tokens), " ".join(title)) >= 90:
            score += 3.0  # the query *is* this product's name
    # "size 10", "2 person": a small nudge towards products with an in-stock variant of that value.
    for token in number_tokens:
        if any(v.available and token in v.options.values() for v in product.variants):
            score += 0.5
    return score


def rank(products: list[Product], query: str, limit: int) -> list[Product]:
    tokens = [w for w in words(query) if w not in STOPWORDS]
    text_tokens = [t for t in tokens if not t.isdigit()]
    number_tokens = [t for t in tokens if t.isdigit()]
    if not text_tokens:
        return []
    scored = [Scored(score_product(p, text_tokens, number_tokens), p, i) for i, p in enumerate(products)]
    scored = sorted((s for s in scored if s.score > 0), key=Scored.sort_key)
    return [s.product for s in scored[:limit]]
