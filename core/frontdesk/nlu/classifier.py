"""The statistical fallback: a linear model over word and character n-grams.

It is trained at start-up from the intents' own data (random expansions of the hassil
templates plus the plain examples), so a plugin's new intent is understood in loose
phrasing as soon as it is registered. Character n-grams make it tolerant of typos and
word forms it has not seen; word bigrams keep "cancel my order" apart from "cancel my account".
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from frontdesk.nlu.fillers import out_of_scope_examples, strip_fillers
from frontdesk.nlu.spelling import SpellingCorrector
from frontdesk.nlu.templates import sample_sentences
from frontdesk.nlu.text import normalise
from frontdesk.registry import Intent

SAMPLES_PER_TEMPLATE = 60
EXAMPLE_WEIGHT = 3  # a hand-written example counts as much as several template expansions
# A linear SVM trains in a fraction of the time logistic regression needs (start-up budget:
# ~3 s) at the same accuracy; its margins become probabilities through a softmax whose
# temperature was tuned on the dev half of the benchmark (see bench/nlu_accuracy.py).
SOFTMAX_SCALE = 5.0
NONE = "__none__"  # the out-of-scope class; never returned as an intent


@dataclass
class TrainingSet:
    texts: list[str]
    labels: list[str]


def training_set(
    intents: list[Intent], language: str = "en", seed: int = 7, prepare: Callable[[str], str] = normalise
) -> TrainingSet:
    """Template expansions and examples per intent, plus the out-of-scope sentences.

    ``prepare`` turns an example into model text the way a customer's message is turned
    (the parser passes one that also swaps entities for placeholders: "order 1001" →
    "order xordernumberx").
    """
    rng = random.Random(seed)
    none = [normalise(s) for s in out_of_scope_examples(language)] * EXAMPLE_WEIGHT
    texts: list[str] = list(none)
    labels: list[str] = [NONE] * len(none)
    for intent in intents:
        sentences = sample_sentences(intent, SAMPLES_PER_TEMPLATE, rng)
        sentences += [prepare(e) for e in intent.examples] * EXAMPLE_WEIGHT
        texts.extend(sentences)
        labels.extend([intent.name] * len(sentences))
    return TrainingSet(texts, labels)


class IntentClassifier:
    def __init__(
        self,
        intents: list[Intent],
        language: str = "en",
        seed: int = 7,
        C: float = 0.5,
        prepare: Callable[[str], str] = normalise,
    ) -> None:
        self.language = language
        data = training_set(intents, language, seed, prepare)
        self.spelling = SpellingCorrector(w for text in data.texts for w in text.split())
        texts = [self.model_text(text.split()) for text in data.texts]
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, token_pattern=r"\S+")
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
        features = hstack([self.words.fit_transform(texts), self.chars.fit_transform(texts)]).tocsr()
        self.model = LinearSVC(C=C, class_weight="balanced", random_state=seed)
        self.model.fit(features, data.labels)
        self.labels: list[str] = [str(c) for c in self.model.classes_]
        self._fast = [_FastTfidf(self.words, 0), _FastTfidf(self.chars, len(self.words.vocabulary_))]
        coef = self.model.coef_
        if coef.shape[0] == 1:  # binary SVMs keep one row
            coef = np.vstack([-coef, coef])
        self._coef = np.ascontiguousarray(coef.T)  # features × intents: one row per feature
        self._intercept = (
            np.array([-self.model.intercept_[0], self.model.intercept_[0]])
            if len(self.labels) == 2
            else self.model.intercept_
        )

    def model_text(self, words: list[str]) -> str:
        """What the model sees: spelling-corrected words without the request wrapper."""
        return " ".join(strip_fillers(self.spelling.correct(words), self.language))

    def known_share(self, words: list[str]) -> float:
        """Share of the words (after spelling correction) that the model has seen in training."""
        corrected = [w for w in self.spelling.correct(words) if w.isalpha()]
        if not corrected:
            return 1.0  # only numbers / placeholders: let the model (and templates) judge
        return sum(w in self.spelling.known for w in corrected) / len(corrected)

    def ranked(self, words: list[str]) -> list[tuple[str, float]]:
        """Every intent with its probability, best first, for normalised ``words``.

        The out-of-scope class is left out, so the probabilities sum to less than 1 when the
        text looks like something the shop's bot is not for.
        """
        text = self.model_text(words)
        margins = self.margins(text) * SOFTMAX_SCALE
        exp = np.exp(margins - margins.max())
        row = exp / exp.sum()
        ranked = sorted(zip(self.labels, row.tolist()), key=lambda item: -item[1])
        return [(label, p) for label, p in ranked if label != NONE]

    def margins(self, text: str) -> np.ndarray:
        """SVM decision values for one text, without scikit-learn's per-call validation (~3 ms)."""
        indices: list[int] = []
        values: list[float] = []
        for block in self._fast:
            block.features(text, indices, values)
        if not indices:
            return self._intercept.copy()
        return np.asarray(values) @ self._coef[indices] + self._intercept


class _FastTfidf:
    """The transform of a fitted ``TfidfVectorizer(sublinear_tf=True)`` for a single text."""

    def __init__(self, vectorizer: TfidfVectorizer, offset: int) -> None:
        self.analyse = vectorizer.build_analyzer()
        self.vocabulary = {term: index + offset for term, index in vectorizer.vocabulary_.items()}
        self.idf = {index + offset: float(idf) for index, idf in enumerate(vectorizer.idf_)}

    def features(self, text: str, indices: list[int], values: list[float]) -> None:
        counts = Counter(self.vocabulary[t] for t in self.analyse(text) if t in self.vocabulary)
        if not counts:
            return
        weights = {i: (1.0 + math.log(n)) * self.idf[i] for i, n in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        for index, weight in weights.items():
            indices.append(index)
            values.append(weight / norm)
