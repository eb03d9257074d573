"""Teach-examples: sentences the bot did not understand, filed by the owner under the right intent.

They are stored in ``teach_examples`` and added to the intents' ``examples`` when
this module retrains the NLU (at start-up and after each new example), so the
registry stays exactly what plugins registered.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from typing import Any

from sqlalchemy import select

from frontdesk.admin.models import TeachExample
from frontdesk.app_state import trained_nlu

log = logging.getLogger("frontdesk.admin")
_retrain_lock = threading.Lock()


class TeachError(ValueError):
    pass


def examples(fd: Any, language: str | None = None) -> dict[str, list[str]]:
    with fd.db.session() as session:
        query = select(TeachExample).order_by(TeachExample.id)
        if language:
            query = query.where(TeachExample.language == language)
        found: dict[str, list[str]] = {}
        for row in session.scalars(query):
            found.setdefault(row.intent, []).append(row.text)
    return found


def add_example(fd: Any, intent: str, text: str, *, language: str = "en", event_id: int | None = None,
                by: str | None = None) -> None:
    text = " ".join(text.split())
    if not text:
        raise TeachError("the example is empty")
    if fd.intent(intent, language) is None:
        raise TeachError(f"there is no intent {intent!r}")
    with fd.db.session() as session:
        exists = session.scalar(select(TeachExample).where(
            TeachExample.intent == intent, TeachExample.language == language, TeachExample.text == text))
        if exists is None:
            session.add(TeachExample(intent=intent, language=language, text=text, event_id=event_id, created_by=by))


def retrain(fd: Any, language: str = "en") -> bool:
    """Rebuild ``fd.nlu[language]`` with the taught examples; False when nothing was taught for it."""
    extra = examples(fd, language)
    if not extra:
        return False
    with _retrain_lock:
        intents = [dataclasses.replace(i, examples=tuple(i.examples) + tuple(t for t in extra.get(i.name, ())
                                                                           if t not in i.examples))
                   for i in fd.registry.all(f"intent:{language}")]
        extractors = fd.registry.all("entity_extractor")
        threshold = fd.settings.get("nlu", {}).get("threshold")
        fd.nlu[language] = trained_nlu(intents, extractors, language, threshold)
    return True


def retrain_in_background(fd: Any, language: str = "en") -> threading.Thread:
    def run() -> None:
        try:
            retrain(fd, language)
        except Exception:  # the old model keeps answering; the owner sees the example stored
            log.exception("retraining the NLU with taught examples failed")

    thread = threading.Thread(target=run, name="frontdesk-teach", daemon=True)
    thread.start()
    return thread


def intent_names(fd: Any, language: str = "en") -> list[str]:
    return sorted(i.name for i in fd.registry.all(f"intent:{language}"))
