"""The bot's own stock phrases in the owner's chosen persona (``[shop] persona``), as data.

Lookup order: the owner's ``[phrases]`` overrides, then the persona's phrase, then ``friendly``.
``{placeholders}`` are filled from keyword arguments; ``{anything_else}`` and ``{shop}`` always work.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PERSONA = "friendly"
PERSONAS = ("friendly", "formal", "playful", "concise")


@lru_cache(maxsize=8)
def persona_phrases(language: str = "en") -> dict[str, dict[str, str]]:
    path = Path(__file__).with_name(f"{language}.yaml")
    if not path.is_file():
        path = Path(__file__).with_name("en.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class Phrases:
    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings

    def text(self, key: str, **values: Any) -> str:
        shop = self.settings["shop"]
        template = self._template(key, shop.get("persona") or DEFAULT_PERSONA)
        values.setdefault("shop", shop.get("name", ""))
        if "{anything_else}" in template:
            values.setdefault("anything_else", self.text("anything_else"))
        return template.format_map(values)

    def _template(self, key: str, persona: str) -> str:
        override = (self.settings.get("phrases") or {}).get(key)
        if override:
            return str(override)
        table = persona_phrases(self.settings["shop"].get("language", "en"))
        return (table.get(persona) or {}).get(key) or table[DEFAULT_PERSONA][key]
