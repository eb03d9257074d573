"""The built-in intents, loaded from ``frontdesk/intents/<language>.yaml``."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from frontdesk.hookspecs import hookimpl
from frontdesk.nlu.loader import load_intents
from frontdesk.registry import Intent

INTENTS_DIR = Path(__file__).resolve().parent.parent / "intents"


@hookimpl
def register_intents(register: Callable[[Intent], None], language: str) -> None:
    path = INTENTS_DIR / f"{language}.yaml"
    if not path.exists():
        return  # no built-in intents for this language yet
    for intent in load_intents(path, language):
        register(intent)
