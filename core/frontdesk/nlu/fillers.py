"""Language data for the model: request wrappers to cut, and out-of-scope sentences.

Cut request wrappers ("could you help me", "I don't know how to") from the start of a sentence.

The phrases live in ``languages/<language>.yaml``. They carry no intent, and left in they
teach the model that, say, "help" means one intent more than another.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

LANGUAGES_DIR = Path(__file__).resolve().parent / "languages"


@lru_cache(maxsize=8)
def filler_phrases(language: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    """First word → the filler phrases starting with it, longest first."""
    path = LANGUAGES_DIR / f"{language}.yaml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    by_first: dict[str, set[tuple[str, ...]]] = {}
    for phrase in data.get("fillers") or ():
        words = tuple(phrase.split())
        by_first.setdefault(words[0], set()).add(words)
    return {first: tuple(sorted(p, key=len, reverse=True)) for first, p in by_first.items()}


@lru_cache(maxsize=8)
def out_of_scope_examples(language: str) -> tuple[str, ...]:
    """Sentences the shop's bot is not for; they train the model's "none of these" class."""
    path = LANGUAGES_DIR / f"{language}.yaml"
    if not path.exists():
        return ()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return tuple(data.get("out_of_scope") or ())


def strip_fillers(words: list[str], language: str = "en") -> list[str]:
    """Drop leading filler phrases, repeatedly; never strip a sentence down to nothing."""
    phrases = filler_phrases(language)
    start = 0
    stripped = True
    while stripped and start < len(words):
        stripped = False
        for phrase in phrases.get(words[start], ()):
            end = start + len(phrase)
            if end < len(words) and tuple(words[start:end]) == phrase:
                start = end
                stripped = True
                break
    return words[start:]
