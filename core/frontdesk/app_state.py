"""Frontdesk: the one object that holds settings, plugins, registries, storage, NLU and the engine.

It plays the role of datasette's ``Datasette`` instance: hooks receive it as
``frontdesk``, and the Flask app keeps it in ``app.extensions["frontdesk"]``.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import select

from frontdesk import hours
from frontdesk.bus import Bus
from frontdesk.commerce import BackendError, CommerceBackend
from frontdesk.conversations import ConversationView, Conversations
from frontdesk.engine import Engine
from frontdesk.events import BackendEvent
from frontdesk.phrases import Phrases
from frontdesk.plugins import PluginManager, Registry
from frontdesk.registry import Intent
from frontdesk.settings import ConfigError, database_url
from frontdesk.storage import Database
from frontdesk.storage.models import Event, Message
from frontdesk.verification import Verifier

log = logging.getLogger("frontdesk")

CATALOG_TTL_SECONDS = 300.0

_trained_nlu: dict[str, Any] = {}
_trained_nlu_lock = threading.Lock()


def trained_nlu(intents: list[Intent], extractors: list[Any], language: str, threshold: float | None) -> Any:
    """Train once per process for a given set of intents: tests and CLI commands build many Frontdesks."""
    from frontdesk.nlu import NLU

    key = repr((language, threshold, sorted(repr(i) for i in intents), sorted(repr(e) for e in extractors)))
    with _trained_nlu_lock:
        if key not in _trained_nlu:
            kwargs = {"threshold": threshold} if threshold is not None else {}
            _trained_nlu[key] = NLU(intents, extractors, language=language, **kwargs)
        return _trained_nlu[key]


class Frontdesk:
    def __init__(self, settings: dict[str, Any], *, extra_plugins: Iterable[tuple[str, Any]] = (),
                 load_entry_points: bool = True) -> None:
        self.settings = settings
        self.plugins = PluginManager(disabled=settings.get("disabled_plugins", []), load_entry_points=load_entry_points)
        for name, plugin in extra_plugins:
            self.plugins.register(plugin, name=name)
        self._check_config()
        self.db = Database(database_url(settings))
        self.db.upgrade()
        self.bus = Bus()
        self.phrases = Phrases(settings)
        self.conversations = Conversations(
            self.db, settings, on_created=lambda view: self.call_event("conversation_started", conversation=view))
        self.verifier = Verifier(self.db, settings["limits"])
        self.registry = Registry()
        self._collect_registrations()
        self.commerce: CommerceBackend | None = self._build_commerce()
        self._catalog: tuple[float, list[str]] = (0.0, [])
        self._catalog_lock = threading.Lock()
        self._catalog_refreshing = False
        self.nlu = self._build_nlu()
        self.engine = Engine(self)
        self.started = False

    # --- start-up -----------------------------------------------------------------------

    def languages(self) -> list[str]:
        langs = ["en", self.settings["shop"].get("language", "en")]
        for site in self.settings.get("sites", []):
            langs.extend(site.get("languages", []))
        return list(dict.fromkeys(lang for lang in langs if lang))

    def _check_config(self) -> None:
        problems = [f"{plugin}: {p}" for plugin, found in self.plugins.call_each("validate_config", settings=self.settings)
                    for p in found]
        if problems:
            raise ConfigError("; ".join(problems))

    def _collect_registrations(self) -> None:
        collect = self.plugins.collect
        for language in self.languages():
            collect("register_intents", f"intent:{language}", self.registry, lambda i: i.name,
                    validate=Intent.validate, language=language)
        collect("register_actions", "action", self.registry, lambda a: a.intent)
        collect("register_entity_extractors", "entity_extractor", self.registry, lambda e: f"{e.plugin}:{e.name}")
        collect("register_knowledge", "knowledge", self.registry, lambda k: k.intent, frontdesk=self)
        collect("register_channels", "channel", self.registry, lambda c: c.name)
        collect("register_commerce_backends", "commerce_backend", self.registry, lambda c: c.name)
        collect("register_speech_engines", "speech_engine", self.registry,
                lambda e: f"{getattr(e, 'kind', 'engine')}:{getattr(e, 'name', repr(e))}")

    def _build_commerce(self) -> CommerceBackend | None:
        name = self.settings.get("commerce", {}).get("backend") or ""
        if not name:
            return None
        factory = self.registry.get("commerce_backend", name)
        if factory is None:
            raise ConfigError(f"[commerce] backend = {name!r} but no installed plugin provides it "
                              f"(installed: {', '.join(f.name for f in self.registry.all('commerce_backend')) or 'none'})")
        plugin_settings = {**self.settings.get("plugins", {}).get(factory.plugin, {}),
                           **self.settings.get("plugins", {}).get(name, {})}
        plugin_settings.setdefault("data_dir", self.settings["data_dir"])
        plugin_settings.setdefault("public_url", self.settings["shop"]["public_url"])
        return factory.factory(plugin_settings)

    def _build_nlu(self) -> dict[str, Any]:
        extractors = self.registry.all("entity_extractor")
        threshold = self.settings.get("nlu", {}).get("threshold")
        models = {}
        for language in self.languages():
            intents = self.registry.all(f"intent:{language}")
            if not intents:
                continue
            try:
                models[language] = trained_nlu(intents, extractors, language, threshold)
            except Exception:  # one language's odd data must not stop the shop; it falls back to English
                if language == "en":
                    raise
                log.exception("could not train the NLU for %r; using English", language)
        return models

    def start(self) -> None:
        """Run channel set-up and ``startup`` hooks once (the app factory and the test fixture call it)."""
        if self.started:
            return
        self.started = True
        for channel in self.registry.all("channel"):
            if channel.setup is not None:
                try:
                    channel.setup(self)
                except Exception as exc:
                    self.plugins.disable(channel.plugin, f"channel {channel.name} setup raised {exc!r}")
        self.plugins.call_each("startup", frontdesk=self)

    # --- NLU --------------------------------------------------------------------------------

    def intent(self, name: str, language: str = "en") -> Intent | None:
        return self.registry.get(f"intent:{language}", name) or self.registry.get("intent:en", name)

    def catalog_names(self) -> list[str]:
        """Product titles for fuzzy matching. Served from a short cache; once it is stale, it is refreshed in the
        background while turns keep using the old list (a slow shop must not hold up every conversation)."""
        if self.commerce is None:
            return []
        with self._catalog_lock:
            fetched_at, names = self._catalog
            stale = time.monotonic() - fetched_at >= CATALOG_TTL_SECONDS
            first = fetched_at == 0.0
            refresh = stale and not first and not self._catalog_refreshing
            if refresh:
                self._catalog_refreshing = True
        if first:
            return self._fetch_catalog()
        if refresh:
            threading.Thread(target=self._fetch_catalog, name="catalog-refresh", daemon=True).start()
        return names

    def _fetch_catalog(self) -> list[str]:
        try:
            names = list(self.commerce.catalog_names()) if self.commerce is not None else []
        except BackendError as exc:  # keep the list we had; try again after the next TTL
            log.warning("catalog unavailable: %s", exc)
            names = self._catalog[1]
        with self._catalog_lock:
            self._catalog = (time.monotonic(), names)
            self._catalog_refreshing = False
        return names

    def nlu_context(self, expecting: dict[str, str] | None = None) -> dict[str, Any]:
        shop = self.settings["shop"]
        return {"catalog": self.catalog_names(), "now": hours.shop_now(shop), "timezone": shop["timezone"],
                "expecting": expecting}

    def parse(self, text: str, *, language: str = "en", expected_intents: list[str] | None = None,
              expecting: dict[str, str] | None = None) -> Any:
        """Parse with the shop's catalog and clock; ``expecting`` resolves ambiguities ("94107": a postcode?)."""
        model = self.nlu.get(language) or self.nlu["en"]
        return model.parse(text, context=self.nlu_context(expecting), expected_intents=expected_intents)

    # --- messages and events -------------------------------------------------------------------

    def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        self.bus.publish(conversation_id, event)

    def call_event(self, hook: str, **kwargs: Any) -> None:
        self.plugins.call_each(hook, frontdesk=self, **kwargs)

    def store_message(self, conversation_id: str, role: str, text: str, *, payload: dict[str, Any] | None = None,
                      client_id: str | None = None, reply_to: int | None = None, intent: str | None = None,
                      confidence: float | None = None) -> Message:
        message = Message(conversation_id=conversation_id, role=role, text=text, payload=payload or {},
                          client_id=client_id, reply_to=reply_to, intent=intent, confidence=confidence)
        with self.db.session() as session:
            session.add(message)
        self.publish(conversation_id, {"type": "message", "message": message.to_api()})
        if role != "customer":
            self.call_event("message_sent", conversation=self.conversations.get(conversation_id), message=message)
        return message

    def messages(self, conversation_id: str, *, after: int = 0, limit: int = 500) -> list[Message]:
        with self.db.session() as session:
            return list(session.scalars(select(Message).where(
                Message.conversation_id == conversation_id, Message.id > after).order_by(Message.id).limit(limit)))

    def record_event(self, conversation_id: str | None, event_type: str, data: dict[str, Any]) -> None:
        with self.db.session() as session:
            session.add(Event(conversation_id=conversation_id, type=event_type, data=data))

    # --- people --------------------------------------------------------------------------------------

    @staticmethod
    def status_event(conversation: ConversationView) -> dict[str, Any]:
        """The live event for a conversation's status: ``{"type": "status", "status", "agent"}``."""
        agent = {"name": conversation.agent_name, "avatar": None} if conversation.agent_name else None
        return {"type": "status", "status": conversation.status, "agent": agent}

    def _publish_status(self, conversation: ConversationView) -> None:
        self.publish(conversation.id, self.status_event(conversation))

    def request_handoff(self, conversation_id: str, reason: str) -> ConversationView:
        conversation = self.conversations.set_status(conversation_id, "handoff", reason=reason)
        self._publish_status(conversation)
        self.call_event("handoff_requested", conversation=conversation, reason=reason)
        return conversation

    def post_agent_message(self, conversation_id: str, text: str, agent_name: str, avatar: str | None = None) -> Message:
        """A person answers; the conversation is theirs (the bot stays quiet) until released."""
        conversation = self.conversations.get(conversation_id)
        if conversation.status != "handoff" or conversation.agent_name != agent_name:
            conversation = self.conversations.set_status(conversation_id, "handoff", reason=conversation.handoff_reason
                                                         or "agent_took_over", agent_name=agent_name)
            self._publish_status(conversation)
        return self.store_message(conversation_id, "agent", text, payload={"agent": {"name": agent_name, "avatar": avatar}})

    def release_handoff(self, conversation_id: str) -> ConversationView:
        conversation = self.conversations.set_status(conversation_id, "open")
        self._publish_status(conversation)
        return conversation

    def mark_solved(self, conversation_id: str) -> ConversationView:
        conversation = self.conversations.set_status(conversation_id, "solved")
        self._publish_status(conversation)
        return conversation

    def close(self, conversation_id: str) -> ConversationView:
        conversation = self.conversations.set_status(conversation_id, "closed")
        self._publish_status(conversation)
        return conversation

    # --- back-end events ---------------------------------------------------------------------------

    def emit_backend_event(self, event: BackendEvent) -> int:
        """Record a back-end event, call the ``backend_event`` hook, and deliver its message.

        Returns the number of conversations it was delivered to; a repeated ``delivery_id`` is ignored (0).
        """
        if event.delivery_id and self._seen_delivery(event.source, event.delivery_id):
            return 0
        self.record_event(None, "backend_event", {"kind": event.kind, "source": event.source,
                                                   "delivery_id": event.delivery_id, "order_number": event.order_number})
        self.call_event("backend_event", event=event)
        if not event.message:
            return 0
        targets = self.conversations.open_for_contact(email=event.email, phone=event.phone,
                                                      order_number=event.order_number, product_id=event.product_id)
        if event.conversation_id and event.conversation_id not in targets:
            targets.append(event.conversation_id)
        for conversation_id in targets:
            self.store_message(conversation_id, "bot", event.message, payload={"data": {"event": event.kind}})
        return len(targets)

    def _seen_delivery(self, source: str, delivery_id: str) -> bool:
        with self.db.session() as session:
            rows = session.scalars(select(Event).where(
                Event.type == "backend_event", Event.data["delivery_id"].as_string() == delivery_id))
            return any(row.data.get("source") == source for row in rows)

    def now(self) -> datetime:
        return hours.shop_now(self.settings["shop"])

    def close_resources(self) -> None:
        if self.started:
            self.plugins.call_each("shutdown", frontdesk=self)
        self.db.dispose()

