"""Typo tolerance: map words the model never saw to the closest word it did ("cancle" → "cancel")."""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein


class SpellingCorrector:
    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.vocabulary = sorted({w for w in vocabulary if w.isalpha()})
        self._known = frozenset(self.vocabulary)
        self.correct_word = lru_cache(maxsize=50_000)(self._correct_word)

    def _correct_word(self, word: str) -> str:
        if word in self._known or len(word) < 4 or not word.isalpha():
            return word
        # Short words allow one edit, longer ones two; ties go to the more common spelling order.
        limit = 1 if len(word) <= 5 else 2
        best = process.extractOne(word, self.vocabulary, scorer=Levenshtein.distance, score_cutoff=limit)
        return best[0] if best is not None else word

    def correct(self, words: list[str]) -> list[str]:
        return [self.correct_word(w) for w in words]
