"""Entity extractors for what only booking knows: ``booking_service``, ``booking_staff``, ``booking_reference``.

Dates and times come from core's ``date``/``time``/``daypart``/``invalid_date``
extractors; :mod:`frontdesk_booking.when` covers what those leave out, inside the action.

Services and staff are the shop's own words, from ``[plugins.booking]``. Extractors
only receive ``(text, context)``, so the configuration they match against is the one
the plugin last saw in ``validate_config`` (called just before registration).
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from rapidfuzz import fuzz

from frontdesk.registry import Entity

from frontdesk_booking.config import BookingConfig, load_config

_CURRENT: dict[str, BookingConfig] = {}
REFERENCE = re.compile(r"\b(bk)[\s-]?([a-z2-9]{6})\b", re.IGNORECASE)


def set_current_config(config: BookingConfig) -> None:
    _CURRENT["config"] = config


def current_config() -> BookingConfig:
    if "config" not in _CURRENT:
        _CURRENT["config"] = load_config({})
    return _CURRENT["config"]


def _word_pattern(phrase: str) -> re.Pattern[str]:
    words = r"[\s-]+".join(re.escape(w) for w in phrase.lower().split())
    return re.compile(rf"(?<![a-z0-9]){words}s?(?![a-z0-9])")


def _phrases(names: dict[str, str], text: str, entity_type: str, score: float) -> Iterator[Entity]:
    lowered = text.lower()
    taken: list[tuple[int, int]] = []
    for phrase in sorted(names, key=len, reverse=True):  # "beard trim" before "trim"
        for match in _word_pattern(phrase).finditer(lowered):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            taken.append((match.start(), match.end()))
            yield Entity(entity_type, names[phrase], text[match.start():match.end()], match.start(), match.end(), score)
    if taken:
        return
    # One typo per word is common on a phone keyboard ("hiarcut"): fuzzy-match single words of 5+ letters.
    for match in re.finditer(r"[a-z]{5,}", lowered):
        for phrase, canonical in names.items():
            if " " not in phrase and len(phrase) >= 5 and fuzz.ratio(match.group(0), phrase) >= 85:
                yield Entity(entity_type, canonical, text[match.start():match.end()], match.start(), match.end(), score - 0.2)
                return


def extract_services(text: str, context: dict[str, Any]) -> Iterator[Entity]:
    config = current_config()
    names = {}
    for service in config.services:
        names[service.name.lower()] = service.name
        for alias in service.aliases:
            names.setdefault(alias.lower(), service.name)
    # Score 1.0: "haircut" is a service here even if a product title fuzzily contains the word.
    yield from _phrases(names, text, "booking_service", 1.0)


def extract_staff(text: str, context: dict[str, Any]) -> Iterator[Entity]:
    config = current_config()
    names = {name.lower(): name for name in config.staff}
    for entity in _phrases(names, text, "booking_staff", 0.9):
        if entity.score >= 0.9:  # names are short: no fuzzy matching ("Sam" vs "same")
            yield entity


def extract_references(text: str, context: dict[str, Any]) -> Iterator[Entity]:
    for match in REFERENCE.finditer(text):
        value = f"BK-{match.group(2).upper()}"
        yield Entity("booking_reference", value, match.group(0), match.start(), match.end(), 1.0)
