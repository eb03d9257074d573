"""frontdesk-voice's hooks: the ``voice`` channel, its routes and its speech engines."""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from frontdesk import hookimpl
from frontdesk.registry import Channel

from frontdesk_voice.engines import builtin_factories
from frontdesk_voice.web import make_blueprint, voice_settings_of

log = logging.getLogger("frontdesk_voice")

_lock = threading.Lock()
_engines: dict[tuple[str, str, str], Any] = {}
ATTRIBUTE = "_frontdesk_voice_service"


def shared_engine(factory: Any, settings: dict[str, Any]) -> Any:
    """Engines are cached per process and settings: a model is loaded once however many Frontdesks exist."""
    key = (factory.kind, factory.name, repr(sorted((k, repr(v)) for k, v in settings.items() if k != "prompts")))
    with _lock:
        if key not in _engines:
            _engines[key] = factory.create(settings)
        return _engines[key]


def service_for(frontdesk: Any) -> Any:
    """One VoiceService per Frontdesk: models load once and every call shares them."""
    from frontdesk_voice.bot import FrontdeskBot
    from frontdesk_voice.service import VoiceService, choose_stt
    from frontdesk_voice.speech import EngineRegistry

    service = getattr(frontdesk, ATTRIBUTE, None)
    if service is not None:
        return service
    settings = voice_settings_of(frontdesk)
    settings.setdefault("shop_name", frontdesk.settings.get("shop", {}).get("name", "our shop"))
    engines = EngineRegistry()
    for factory in frontdesk.registry.all("speech_engine") or builtin_factories():
        engines.register(factory)
    stt = shared_engine(engines.get("stt", choose_stt(settings)), settings)
    tts = shared_engine(engines.get("tts", settings.get("tts", "piper")), settings)
    service = VoiceService(FrontdeskBot(frontdesk, settings.get("site")), settings, stt=stt, tts=tts)
    # Kept on the Frontdesk itself so it lives and dies with it.
    setattr(frontdesk, ATTRIBUTE, service)
    return service


def setup(frontdesk: Any) -> None:
    """Load the recogniser and the voice, and render the fixed prompts, before the first call."""
    if voice_settings_of(frontdesk).get("preload", True):
        count = service_for(frontdesk).prerender()
        log.info("voice line ready: %d prompt sentences pre-rendered", count)


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(Channel(name="voice", description="Phone line (Twilio, Asterisk) and browser calling", setup=setup))


@hookimpl
def register_blueprints(register: Callable[[Any], None], frontdesk: Any) -> None:
    register(make_blueprint())


@hookimpl
def register_speech_engines(register: Callable[[Any], None]) -> None:
    for factory in builtin_factories():
        register(factory)
