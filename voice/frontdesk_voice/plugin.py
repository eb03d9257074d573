"""frontdesk-voice's hooks: the ``voice`` channel, its routes and its speech engines."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from frontdesk import hookimpl
from frontdesk.registry import Channel

from frontdesk_voice.engines import builtin_factories
from frontdesk_voice.stt_process import create_recognizer
from frontdesk_voice.web import make_blueprint, voice_settings_of

log = logging.getLogger("frontdesk_voice")

_lock = threading.Lock()
_service_lock = threading.Lock()
_engines: dict[tuple[str, str, str], Any] = {}
_speech_caches: dict[int, Any] = {}
ATTRIBUTE = "_frontdesk_voice_service"
CALL_SETTINGS = frozenset({"prompts", "preload", "no_input_seconds", "end_silence_ms", "vad_aggressiveness",
                           "min_speech_ms", "public_url", "shop_name", "site", "twilio_auth_token",
                           "audiosocket_listen"})
"""Settings of the line, not of a model: Frontdesks that differ only in these share engines."""
WARMUP_ATTRIBUTE = "_frontdesk_voice_warmup"
AUDIOSOCKET_ATTRIBUTE = "_frontdesk_voice_audiosocket"


def shared_engine(factory: Any, settings: dict[str, Any]) -> Any:
    """Engines are cached per process and settings: a model is loaded once however many Frontdesks exist."""
    key = (factory.kind, factory.name, repr(sorted((k, repr(v)) for k, v in settings.items() if k not in CALL_SETTINGS)))
    with _lock:
        if key not in _engines:
            _engines[key] = create_recognizer(factory, settings) if factory.kind == "stt" else factory.create(settings)
        return _engines[key]


def shared_speech_cache(tts: Any) -> Any:
    """One cache of rendered sentences per TTS engine per process: prompts render once for every Frontdesk."""
    from frontdesk_voice.prompts import SpeechCache

    with _lock:
        if id(tts) not in _speech_caches:
            _speech_caches[id(tts)] = SpeechCache(tts)  # engines live as long as the process, so ids stay valid
        return _speech_caches[id(tts)]


def service_for(frontdesk: Any) -> Any:
    """One VoiceService per Frontdesk: models load once and every call shares them."""
    service = getattr(frontdesk, ATTRIBUTE, None)
    if service is not None:
        return service
    with _service_lock:  # the start-up warm-up and a first call may both get here
        service = getattr(frontdesk, ATTRIBUTE, None)
        if service is None:
            service = _build_service(frontdesk)
            # Kept on the Frontdesk itself so it lives and dies with it.
            setattr(frontdesk, ATTRIBUTE, service)
        return service


def _build_service(frontdesk: Any) -> Any:
    from frontdesk_voice.bot import FrontdeskBot
    from frontdesk_voice.service import VoiceService, choose_stt
    from frontdesk_voice.speech import EngineRegistry

    settings = voice_settings_of(frontdesk)
    settings.setdefault("shop_name", frontdesk.settings.get("shop", {}).get("name", "our shop"))
    engines = EngineRegistry()
    for factory in frontdesk.registry.all("speech_engine") or builtin_factories():
        engines.register(factory)
    stt = shared_engine(engines.get("stt", choose_stt(settings)), settings)
    tts = shared_engine(engines.get("tts", settings.get("tts", "piper")), settings)
    return VoiceService(FrontdeskBot(frontdesk, settings.get("site")), settings, stt=stt, tts=tts,
                        speech=shared_speech_cache(tts))


class Warmup:
    """Loads the models and renders the fixed prompts in a background thread after start-up.

    ``frontdesk serve`` binds its port at once; a call that comes in before the warm-up
    finishes loads what it needs itself (the engine cache and the speech cache make both
    wait for, rather than repeat, work already in flight).
    """

    def __init__(self, frontdesk: Any):
        self.frontdesk = frontdesk
        self.stop = threading.Event()
        self.done = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="frontdesk-voice-warmup", daemon=True)

    def _run(self) -> None:
        try:
            started = time.perf_counter()
            count = service_for(self.frontdesk).prerender(self.stop)
            log.info("voice line ready: %d prompt renderings in %.1f s", count, time.perf_counter() - started)
        except BaseException as error:  # never take the server down; the first call will try again and report it
            self.error = error
            log.exception("voice warm-up failed")
        finally:
            self.done.set()

    def close(self, timeout: float = 60.0) -> None:
        # Joined at shutdown so no thread is inside Piper or pocketsphinx when the interpreter exits.
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout)


def setup(frontdesk: Any) -> None:
    """Start loading the recogniser and the voice and rendering the prompts, without blocking start-up."""
    if voice_settings_of(frontdesk).get("preload", True) and getattr(frontdesk, WARMUP_ATTRIBUTE, None) is None:
        warmup = Warmup(frontdesk)
        setattr(frontdesk, WARMUP_ATTRIBUTE, warmup)
        warmup.thread.start()
    start_audiosocket(frontdesk)


def start_audiosocket(frontdesk: Any) -> None:
    """Listen for Asterisk's AudioSocket when ``audiosocket_listen`` is set. A bad address or a port in use
    is logged and the rest of the voice line still works (raising here would disable the whole plugin)."""
    listen = voice_settings_of(frontdesk).get("audiosocket_listen")
    if not listen or getattr(frontdesk, AUDIOSOCKET_ATTRIBUTE, None) is not None:
        return
    from frontdesk_voice.transports.audiosocket import AudioSocketServer

    try:
        server = AudioSocketServer(str(listen), lambda: service_for(frontdesk)).start()
    except (OSError, ValueError) as error:
        log.error("AudioSocket not started on %r: %s", listen, error)
        return
    setattr(frontdesk, AUDIOSOCKET_ATTRIBUTE, server)


@hookimpl
def shutdown(frontdesk: Any) -> None:
    audiosocket = getattr(frontdesk, AUDIOSOCKET_ATTRIBUTE, None)
    if audiosocket is not None:
        audiosocket.close()  # first: its calls end like any other when the service closes
    warmup = getattr(frontdesk, WARMUP_ATTRIBUTE, None)
    if warmup is not None:
        warmup.close()
    service = getattr(frontdesk, ATTRIBUTE, None)
    if service is not None:
        service.close()


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(Channel(name="voice", description="Phone line (Twilio, Telnyx, Asterisk) and browser calling", setup=setup))


@hookimpl
def register_blueprints(register: Callable[[Any], None], frontdesk: Any) -> None:
    register(make_blueprint())


@hookimpl
def register_speech_engines(register: Callable[[Any], None]) -> None:
    for factory in builtin_factories():
        register(factory)
