"""Run every registered extractor and settle overlaps between their findings.

Extractors work independently ("1001" may be an order number, a quantity and a ZIP code at
once); here the most confident reading of each stretch of text wins. Two readings of exactly
the same span that are both unsure (a bare "94107": order number or ZIP?) are both kept, so
the engine can use whichever type the question it asked needs.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable

from frontdesk.registry import Entity, EntityExtractor

log = logging.getLogger(__name__)

AMBIGUOUS_SCORE = 0.6
# Types that describe the same words without contradicting each other.
COMPATIBLE = {
    frozenset({"product", "colour"}),
    frozenset({"product", "size"}),
    frozenset({"date", "daypart"}),
}


def run_extractors(extractors: Iterable[EntityExtractor], text: str, context: dict[str, Any]) -> list[Entity]:
    candidates: list[Entity] = []
    for extractor in extractors:
        try:
            candidates.extend(extractor.fn(text, context))
        except Exception:  # a broken plugin extractor must not break parsing
            log.exception("entity extractor %r (plugin %r) failed", extractor.name, extractor.plugin)
    return resolve_overlaps(candidates)


def resolve_overlaps(candidates: list[Entity]) -> list[Entity]:
    """Keep the best reading of each span; return entities in text order."""
    ranked = sorted(candidates, key=lambda e: (-e.score, -(e.end - e.start), e.start))
    kept: list[Entity] = []
    for entity in ranked:
        if all(_can_coexist(entity, other) for other in kept):
            kept.append(entity)
    kept.sort(key=lambda e: (e.start, -e.score))
    return kept


def _can_coexist(entity: Entity, other: Entity) -> bool:
    if entity.end <= other.start or other.end <= entity.start:
        return True
    if entity.type == other.type:
        return False
    if frozenset({entity.type, other.type}) in COMPATIBLE:
        return True
    same_span = (entity.start, entity.end) == (other.start, other.end)
    return same_span and entity.score <= AMBIGUOUS_SCORE and other.score <= AMBIGUOUS_SCORE
