"""NLU: entities first, then exact templates, then the statistical model."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Iterable

from frontdesk.nlu.classifier import IntentClassifier
from frontdesk.nlu.extract import run_extractors
from frontdesk.nlu.templates import TemplateMatcher, with_placeholders
from frontdesk.nlu.text import tokens
from frontdesk.registry import Entity, EntityExtractor, Intent

DEFAULT_THRESHOLD = 0.5
TEMPLATE_CONFIDENCE = 1.0
EXPECTED_BOOST = 4.0  # how much more likely an intent the bot just asked for is
MAX_ALTERNATIVES = 3
# Only the start of very long messages is read (a pasted essay must not stall the bot).
MAX_TEXT_CHARS = 1000
# Below this share of words the model knows, its guess is discounted ("asdf qwerty" → None).
KNOWN_WORDS_NEEDED = 0.5
MIN_ALTERNATIVE = 0.05


@dataclass
class ParseResult:
    text: str
    intent: str | None
    confidence: float
    entities: list[Entity] = field(default_factory=list)
    alternatives: list[tuple[str, float]] = field(default_factory=list)
    matched_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "entities": [e.to_dict() for e in self.entities],
        }


class NLU:
    """Understands one language's intents. Construct once at start-up (it trains a small model)."""

    def __init__(
        self,
        intents: Iterable[Intent],
        extractors: Iterable[EntityExtractor],
        language: str = "en",
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        started = time.perf_counter()
        self.language = language
        self.intents = [i for i in intents if i.language == language]
        self.extractors = list(extractors)
        self.threshold = threshold
        self.templates = TemplateMatcher(self.intents, language)
        self.classifier = IntentClassifier(self.intents, language, prepare=self._example_text)
        self.training_seconds = time.perf_counter() - started

    def _example_text(self, example: str) -> str:
        """An example as the model will see messages: entities replaced by placeholders."""
        entities = self.extract(example, {})
        return " ".join(tokens(with_placeholders(example, entities, self.templates.placeholder_types)))

    def extract(self, text: str, context: dict[str, Any] | None = None) -> list[Entity]:
        """Entities only (slot filling mid-form)."""
        return run_extractors(self.extractors, text[:MAX_TEXT_CHARS], context or {})

    def parse(
        self, text: str, context: dict[str, Any] | None = None, expected_intents: Iterable[str] | None = None
    ) -> ParseResult:
        entities = self.extract(text, context)
        words = tokens(with_placeholders(text[:MAX_TEXT_CHARS], entities, self.templates.placeholder_types))
        if not words:
            return ParseResult(text, None, 0.0, entities)
        ranked = self.classifier.ranked(words)
        if expected_intents:
            ranked = _boost(ranked, set(expected_intents))
        matches = self.templates.match(" ".join(words)) or self.templates.match(
            " ".join(self.classifier.spelling.correct(words))
        )
        if matches:
            scores = dict(ranked)
            best = max(matches, key=lambda name: scores.get(name, 0.0))
            alternatives = [(n, s) for n, s in ranked if n != best][:MAX_ALTERNATIVES]
            return ParseResult(text, best, TEMPLATE_CONFIDENCE, entities, _worth(alternatives), "template")
        best, confidence = ranked[0]
        confidence *= min(1.0, self.classifier.known_share(words) / KNOWN_WORDS_NEEDED)
        if confidence < self.threshold:
            return ParseResult(text, None, confidence, entities, _worth(ranked[:MAX_ALTERNATIVES]), None)
        return ParseResult(text, best, confidence, entities, _worth(ranked[1 : 1 + MAX_ALTERNATIVES]), "model")


def _boost(ranked: list[tuple[str, float]], expected: set[str]) -> list[tuple[str, float]]:
    """Multiply the expected intents' odds; the out-of-scope share (1 - sum) keeps its weight."""
    boosted = [(name, p * (EXPECTED_BOOST if name in expected else 1.0)) for name, p in ranked]
    out_of_scope = max(0.0, 1.0 - sum(p for _, p in ranked))
    total = sum(p for _, p in boosted) + out_of_scope or 1.0
    return sorted(((n, p / total) for n, p in boosted), key=lambda item: -item[1])


def _worth(alternatives: list[tuple[str, float]]) -> list[tuple[str, float]]:
    return [(name, round(score, 4)) for name, score in alternatives if score >= MIN_ALTERNATIVE]
