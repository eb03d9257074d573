"""Typo and word-form tolerance against the model's vocabulary.

Words the model never saw are mapped to the closest word it did ("cancle" → "cancel"), and
"-ing" forms are folded onto their base when the base is known ("adding" → "add"), so
"help me adding items" and "add items" look alike.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

# -ing words that are not verb forms of a shorter known word.
_NOT_GERUNDS = frozenset("morning evening nothing something anything everything thing during bring string".split())


class SpellingCorrector:
    def __init__(self, vocabulary: Iterable[str]) -> None:
        """``vocabulary``: the training words, repeats included (frequent spellings win ties)."""
        self.frequency = Counter(w for w in vocabulary if w.isalpha())
        self.vocabulary = sorted(self.frequency)
        self.known = frozenset(self.vocabulary)
        self.correct_word = lru_cache(maxsize=50_000)(self._correct_word)

    def _correct_word(self, word: str) -> str:
        if not word.isalpha():
            return word
        if word not in self.known and len(word) >= 4:
            # Short words allow one edit, longer ones two; a swap of neighbours is one edit
            # ("parcle" → "parcel"). Among equally close words the most frequent wins, so the
            # typos written into examples on purpose never become corrections.
            limit = 1 if len(word) <= 5 else 2
            candidates = process.extract(word, self.vocabulary, scorer=OSA.distance, score_cutoff=limit, limit=8)
            if candidates:
                word = min(candidates, key=lambda c: (c[1], -self.frequency[c[0]], c[0]))[0]
        return self.fold(word)

    def fold(self, word: str) -> str:
        """"adding" → "add", "making" → "make", "cancelling" → "cancel" when the base is known."""
        if len(word) < 6 or not word.endswith("ing") or word in _NOT_GERUNDS:
            return word
        stem = word[:-3]
        for base in (stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else ""):
            if base and base in self.known:
                return base
        return word

    def correct(self, words: list[str]) -> list[str]:
        return [self.correct_word(w) for w in words]
