"""The statistical fallback: a linear model over word and character n-grams.

It is trained at start-up from the intents' own data (random expansions of the hassil
templates plus the plain examples), so a plugin's new intent is understood in loose
phrasing as soon as it is registered. Character n-grams make it tolerant of typos and
word forms it has not seen; word bigrams keep "cancel my order" apart from "cancel my account".
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from frontdesk.nlu.templates import sample_sentences
from frontdesk.nlu.text import normalise
from frontdesk.registry import Intent

SAMPLES_PER_TEMPLATE = 60
EXAMPLE_WEIGHT = 3  # a hand-written example counts as much as several template expansions


@dataclass
class TrainingSet:
    texts: list[str]
    labels: list[str]


def training_set(intents: list[Intent], seed: int = 7) -> TrainingSet:
    rng = random.Random(seed)
    texts: list[str] = []
    labels: list[str] = []
    for intent in intents:
        sentences = sample_sentences(intent, SAMPLES_PER_TEMPLATE, rng)
        sentences += [normalise(e) for e in intent.examples] * EXAMPLE_WEIGHT
        texts.extend(sentences)
        labels.extend([intent.name] * len(sentences))
    return TrainingSet(texts, labels)


class IntentClassifier:
    def __init__(self, intents: list[Intent], seed: int = 7, C: float = 8.0) -> None:
        data = training_set(intents, seed)
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, token_pattern=r"\S+")
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
        features = hstack([self.words.fit_transform(data.texts), self.chars.fit_transform(data.texts)]).tocsr()
        self.model = LogisticRegression(C=C, max_iter=300, class_weight="balanced")
        self.model.fit(features, data.labels)
        self.labels: list[str] = [str(c) for c in self.model.classes_]
        self.vocabulary = {w for text in data.texts for w in text.split()}

    def probabilities(self, normalised_text: str) -> dict[str, float]:
        features = hstack([self.words.transform([normalised_text]), self.chars.transform([normalised_text])])
        row = self.model.predict_proba(features)[0]
        return dict(zip(self.labels, row.tolist()))

    def ranked(self, normalised_text: str) -> list[tuple[str, float]]:
        probs = self.probabilities(normalised_text)
        return sorted(probs.items(), key=lambda item: -item[1])


def top_indices(row: np.ndarray, k: int) -> list[int]:
    return list(np.argsort(-row)[:k])
