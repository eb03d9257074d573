"""Every hook a Frontdesk plugin can implement. The docstrings here are the reference.

A plugin is a module (or object) with functions decorated by ``@frontdesk.hookimpl``,
published under the ``frontdesk`` entry-point group::

    [options.entry_points]
    frontdesk =
        giftcard = frontdesk_giftcard

Frontdesk's own built-in intents, actions, knowledge answers and the demo store are
registered exactly the same way (see ``setup.cfg``).

Registration hooks receive a ``register`` callback instead of returning values (the
pattern of ``llm``'s ``register_models``). Frontdesk validates each registration,
records which plugin made it, and raises :class:`frontdesk.registry.RegistrationError`
on a duplicate id, naming both plugins. A plugin whose hook raises is reported by
``frontdesk plugins`` and disabled; it never takes the server down.

Hooks are called with keyword arguments; implement only the arguments you need.
None of the hooks below is ``firstresult`` unless its docstring says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import pluggy

if TYPE_CHECKING:
    import click
    from flask import Blueprint

    from frontdesk.app_state import Frontdesk
    from frontdesk.conversations import ConversationView
    from frontdesk.events import BackendEvent
    from frontdesk.registry import (
        Action,
        Channel,
        CommerceBackendFactory,
        EntityExtractor,
        Intent,
        KnowledgeAnswer,
    )
    from frontdesk.storage.models import Message

hookspec = pluggy.HookspecMarker("frontdesk")
hookimpl = pluggy.HookimplMarker("frontdesk")


# --- registration -----------------------------------------------------------


@hookspec
def register_intents(register: Callable[["Intent"], None], language: str) -> None:
    """Register intents for ``language`` (an ISO 639-1 code such as ``"en"``).

    Call ``register(Intent(name=..., templates=[...], examples=[...], slots=[...]))``
    once per intent. Intent names are dotted and lower-case (``giftcard.balance``);
    the built-in names (``order.status``, ``store.hours``, …) are owned by core, and
    a second plugin registering the same name fails loudly.

    ``templates`` are hassil templates (``"(check|what's) my gift card balance"``,
    ``{slot}`` references filled by entities of the slot's type); ``examples`` are
    plain sentences that only train the statistical fallback. Both are data: load
    them from a YAML file shipped with the plugin, as the built-ins do.
    """


@hookspec
def register_actions(register: Callable[["Action"], None]) -> None:
    """Register the handler that acts on an intent.

    ``register(Action(intent="giftcard.balance", handler=fn))``. ``fn(ctx)`` receives an
    :class:`frontdesk.actions.ActionContext` (slots, conversation, settings, the
    commerce back end, ``ctx.handoff()``, ``ctx.verified_order()``) and returns a
    :class:`frontdesk.messages.Reply`, a list of them, or None. The engine has
    already asked for every required slot and, if the intent declares ``confirm``,
    confirmed with the customer. One action per intent; a duplicate fails loudly.
    Raising :class:`frontdesk.commerce.BackendUnavailable` gives the customer an
    honest reply and an offer of a person; any other exception is logged and
    answered the same way.
    """


@hookspec
def register_entity_extractors(register: Callable[["EntityExtractor"], None]) -> None:
    """Register entity extractors: ``register(EntityExtractor(name, types=("giftcard",), fn=fn))``.

    ``fn(text, context)`` yields :class:`frontdesk.registry.Entity` objects.
    ``context`` has ``catalog`` (product titles), ``now`` (aware datetime in the
    shop's timezone) and ``timezone``. Core ships extractors for ``order_number``,
    ``email``, ``phone``, ``postcode``, ``date``, ``time``, ``quantity`` and ``product``.
    """


@hookspec
def register_knowledge(register: Callable[["KnowledgeAnswer"], None], frontdesk: "Frontdesk") -> None:
    """Register policy/FAQ answers for intents that need no back end.

    ``register(KnowledgeAnswer(intent="shipping.info", text="..."))`` or with
    ``fn=lambda ctx: ...``. Built-in answers read the owner's texts from the
    ``[policies]`` and ``[shop]`` settings. An intent with both an action and a
    knowledge answer uses the action.
    """


@hookspec
def register_channels(register: Callable[["Channel"], None]) -> None:
    """Register a channel (``web``, ``voice``, ``sms``…): ``register(Channel(name, description, setup))``.

    ``setup(frontdesk)`` runs once at start-up and may add routes or background
    work. Messages reach the engine through ``frontdesk.engine.handle(...)`` with
    the channel's name, so conversations record where they came from.
    """


@hookspec
def register_blueprints(register: Callable[["Blueprint"], None], frontdesk: "Frontdesk") -> None:
    """Register Flask blueprints (webhooks, extra pages): ``register(blueprint)``.

    Blueprint names must be unique; prefix routes with your plugin's name
    (``/webhooks/shopify``). The current :class:`Frontdesk` is
    ``flask.current_app.extensions["frontdesk"]``.
    """


@hookspec
def register_commands(cli: "click.Group") -> None:
    """Add commands to the ``frontdesk`` command line: decorate with ``@cli.command()`` or ``@cli.group()``."""


@hookspec
def register_commerce_backends(register: Callable[["CommerceBackendFactory"], None]) -> None:
    """Register a shop back end: ``register(CommerceBackendFactory(name="shopify", factory=fn))``.

    ``fn(settings: dict)`` returns an object implementing
    :class:`frontdesk.commerce.CommerceBackend`; ``settings`` is the
    ``[plugins.<name>]`` table of the config. The config's ``[commerce] backend``
    picks which one the built-in intents use.
    """


@hookspec
def register_speech_engines(register: Callable[[Any], None]) -> None:
    """Register speech-to-text or text-to-speech engines (used by the voice channel).

    ``register(engine_factory)`` where the factory's ``kind`` is ``"stt"`` or
    ``"tts"``; see the ``frontdesk-voice`` distribution for the streaming
    interfaces (``start / feed / partial / final`` and sentence-streamed synthesis).
    """


# --- start-up and configuration ---------------------------------------------


@hookspec
def validate_config(settings: dict[str, Any]) -> list[str] | None:
    """Check the settings before start-up; return a list of human-readable problems (or None).

    Every plugin's problems are gathered and shown together; any problem stops
    ``frontdesk serve`` with exit status 2 before the server binds its port.
    """


@hookspec
def startup(frontdesk: "Frontdesk") -> None:
    """Called once after every plugin is registered and the database is migrated.

    Warm caches, start background work, subscribe to events. An exception here
    disables the plugin and is reported; the server still starts.
    """


@hookspec
def shutdown(frontdesk: "Frontdesk") -> None:
    """Called once when Frontdesk closes (tests, server stop): stop threads and child processes you started."""


# --- events -------------------------------------------------------------------


@hookspec
def conversation_started(frontdesk: "Frontdesk", conversation: "ConversationView") -> None:
    """A new conversation was created on any channel."""


@hookspec
def message_received(frontdesk: "Frontdesk", conversation: "ConversationView", message: "Message") -> None:
    """A customer's message was stored (before the bot answers)."""


@hookspec
def message_sent(frontdesk: "Frontdesk", conversation: "ConversationView", message: "Message") -> None:
    """A bot or agent message was stored and is being delivered to the customer."""


@hookspec
def handoff_requested(frontdesk: "Frontdesk", conversation: "ConversationView", reason: str) -> None:
    """The conversation needs a person: the customer asked, the bot failed, or a plugin asked.

    ``reason`` is one of ``customer_asked``, ``not_understood``, ``backend_down``,
    ``not_allowed``, ``plugin``. Turn it into an email, SMS or page notification.
    """


@hookspec
def backend_event(frontdesk: "Frontdesk", event: "BackendEvent") -> None:
    """A back end reported something (order shipped, item back in stock, booking reminder due).

    Webhook blueprints call ``frontdesk.emit_backend_event(event)``; core then calls
    this hook and delivers ``event.message`` (if any) to the customer's open
    conversations as a proactive bot message.
    """
