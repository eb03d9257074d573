"""Intent YAML files → :class:`frontdesk.registry.Intent` records.

The same loader serves the built-in ``intents/en.yaml`` and third-party plugins that
ship their own YAML (``load_intents(Path(__file__).parent / "intents.yaml")``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from frontdesk.registry import Intent, RegistrationError, Slot

LIST_REFERENCE = re.compile(r"\{(\w+)\}")


def load_intents(path: str | Path, language: str | None = None) -> list[Intent]:
    """Read an intents YAML file; when ``language`` is given, a file for another language yields nothing."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    file_language = data.get("language", "en")
    if language is not None and language != file_language:
        return []
    shared_lists = {name: tuple(values) for name, values in (data.get("lists") or {}).items()}
    return [
        _intent(name, spec or {}, file_language, shared_lists)
        for name, spec in (data.get("intents") or {}).items()
    ]


def _intent(name: str, spec: dict[str, Any], language: str, shared_lists: dict[str, tuple[str, ...]]) -> Intent:
    templates = tuple(spec.get("templates") or ())
    own_lists = {k: tuple(v) for k, v in (spec.get("lists") or {}).items()}
    used = {ref for t in templates for ref in LIST_REFERENCE.findall(t)}
    lists = {k: v for k, v in shared_lists.items() if k in used} | own_lists
    try:
        slots = tuple(_slot(s) for s in spec.get("slots") or ())
    except (KeyError, TypeError) as e:
        raise RegistrationError(f"intent {name!r}: a slot needs name, entity and prompt ({e})") from None
    return Intent(
        name=name,
        templates=templates,
        examples=tuple(spec.get("examples") or ()),
        slots=slots,
        language=language,
        lists=lists,
        confirm=spec.get("confirm"),
        description=spec.get("description", ""),
        label=spec.get("label", ""),
    )


def _slot(spec: dict[str, Any]) -> Slot:
    return Slot(
        name=spec["name"],
        entity=spec["entity"],
        prompt=spec["prompt"],
        required=bool(spec.get("required", True)),
        quick_replies=tuple(spec.get("quick_replies") or ()),
        sensitive=bool(spec.get("sensitive", False)),
    )
