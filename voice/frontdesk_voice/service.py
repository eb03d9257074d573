"""The voice line of one Frontdesk process: shared engines, prompts, live calls.

Models load once and every call shares them: one Piper voice, a Vosk model, or
pocketsphinx's decoder pools in the recognition worker processes (``stt_process.py``).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections import deque
from typing import Any, Callable

from frontdesk_voice.audio import resample
from frontdesk_voice.bot import Bot
from frontdesk_voice.call import AudioSink, Call
from frontdesk_voice.prompts import PromptBook, SpeechCache
from frontdesk_voice.speech import EngineRegistry
from frontdesk_voice.stt_process import create_recognizer
from frontdesk_voice.vad import EndpointerConfig

log = logging.getLogger("frontdesk_voice")

PHONE_RATE = 8000
BROWSER_RATE = 16000
TRANSFER_TTL_S = 600.0
"""How long the network has to ask where a transferred call goes (Twilio asks within a second or two)."""


def choose_stt(settings: dict[str, Any]) -> str:
    """Vosk when a model is configured; otherwise pocketsphinx, which ships English."""
    return settings.get("stt") or ("vosk" if settings.get("vosk_model") else "pocketsphinx")


LIVE_SERVICES: "weakref.WeakSet[VoiceService]" = weakref.WeakSet()


@atexit.register
def _close_live_services() -> None:
    # A worker thread still inside onnxruntime (Piper) or pocketsphinx when Python finalises aborts the
    # process ("terminate called without an active exception"); end the calls first.
    for service in list(LIVE_SERVICES):
        service.close(timeout=5.0)


class VoiceService:
    def __init__(self, bot: Bot, settings: dict[str, Any] | None = None, engines: EngineRegistry | None = None,
                 stt: Any = None, tts: Any = None, shop: str = "our shop", speech: SpeechCache | None = None):
        self.settings = dict(settings or {})
        self.language = self.settings.get("language", "en")
        self.bot = bot
        engines = engines or default_engines()
        self.stt = stt or create_recognizer(engines.get("stt", choose_stt(self.settings)), self.settings)
        self.tts = tts or engines.get("tts", self.settings.get("tts", "piper")).create(self.settings)
        self.prompts = PromptBook(self.language, self.settings.get("prompts"), shop=self.settings.get("shop_name", shop))
        self.speech = speech or SpeechCache(self.tts)
        self.no_input_s = float(self.settings.get("no_input_seconds", 8.0))
        self.turn_metrics: deque[dict[str, Any]] = deque(maxlen=1000)
        self.calls: set[Call] = set()
        self._working: set[Call] = set()  # calls whose worker thread runs (after a hang-up it may still be in Piper)
        self._lock = threading.Lock()
        self._listeners: dict[int, Callable[[dict[str, Any]], None]] = {}
        self._primed = False
        self._prime_lock = threading.Lock()
        self._transfers: dict[str, tuple[str, float]] = {}  # network call id → (number, when)
        LIVE_SERVICES.add(self)

    def endpointer_config(self) -> EndpointerConfig:
        return EndpointerConfig(
            aggressiveness=int(self.settings.get("vad_aggressiveness", 3)),
            end_silence_ms=int(self.settings.get("end_silence_ms", 400)),
            min_speech_ms=int(self.settings.get("min_speech_ms", 180)),
        )

    def prerender(self, stop: threading.Event | None = None) -> int:
        """Synthesise the fixed prompts for phones and browsers; prime the recogniser first and build
        its pool of decoders last.

        Runs in a background thread after start-up (``plugin.setup``); a call that arrives
        before it finishes renders what it needs on demand or waits for the sentence in flight.
        """
        self.ensure_primed()
        count = self.speech.prerender(self.prompts.all_texts(), (PHONE_RATE, BROWSER_RATE), stop)
        fill_pool = getattr(self.stt, "fill_pool", None)
        if callable(fill_pool):  # after the prompts: a first call needs them more than a sixth decoder
            fill_pool(stop=stop)
        return count

    def ensure_primed(self) -> None:
        """Prime the recogniser once, before the caller's first sentence (calls it after the greeting)."""
        if self._primed or getattr(self.stt, "primed", False):
            return
        with self._prime_lock:
            if not self._primed:
                self.prime_stt()
                self._primed = True

    def prime_stt(self) -> None:
        prime = getattr(self.stt, "prime", None)
        if callable(prime):
            speech = b"".join(pcm for _, pcm in self.speech.speak(self.prompts.text("greeting") + " " +
                                                                   self.prompts.text("not_understood"), PHONE_RATE))
            prime(resample(speech, PHONE_RATE, self.stt.sample_rate))

    def speech_for(self, text: str, rate: int):
        return self.speech.speak(text, rate)

    def new_call(self, sink: AudioSink, *, caller_id: str | None, transport: str, in_rate: int = PHONE_RATE,
                 on_event: Callable[[dict[str, Any]], None] | None = None) -> Call:
        call = Call(self, sink, caller_id=caller_id, transport=transport, in_rate=in_rate)
        with self._lock:
            self.calls.add(call)
            if on_event:
                self._listeners[id(call)] = on_event
        return call

    def close(self, timeout: float = 10.0) -> None:
        """End every live call and wait for its worker, so no thread is inside an engine at interpreter exit."""
        with self._lock:
            calls = list(self.calls)
        for call in calls:
            call.hangup("server shutting down")
        with self._lock:
            working = list(self._working)
        for call in calls + working:
            call.join(timeout)

    def call_ended(self, call: Call) -> None:
        with self._lock:
            self.calls.discard(call)
            self._listeners.pop(id(call), None)

    # Called by the call's worker thread itself, first and last, so the set is never out of step with it.
    def worker_started(self, call: Call) -> None:
        with self._lock:
            self._working.add(call)

    def worker_finished(self, call: Call) -> None:
        with self._lock:
            self._working.discard(call)

    def flag_transfer(self, call_sid: str, number: str) -> None:
        """Remember that this call is to be put through to ``number`` once its stream closes."""
        now = time.monotonic()
        with self._lock:
            for sid in [s for s, (_, at) in self._transfers.items() if now - at > TRANSFER_TTL_S]:
                del self._transfers[sid]
            self._transfers[call_sid] = (number, now)

    def transfer_for(self, call_sid: str | None) -> str | None:
        """The number a call was flagged for, or None (not flagged, or flagged too long ago)."""
        with self._lock:
            flagged = self._transfers.get(call_sid or "")
        if flagged is None or time.monotonic() - flagged[1] > TRANSFER_TTL_S:
            return None
        return flagged[0]

    def emit(self, call: Call, event: dict[str, Any]) -> None:
        listener = self._listeners.get(id(call))
        if listener:
            try:
                listener(event)
            except Exception as error:
                log.debug("event listener failed: %s", error)


def default_engines() -> EngineRegistry:
    """The engines this distribution ships (what its ``register_speech_engines`` registers)."""
    from frontdesk_voice.engines import builtin_factories

    registry = EngineRegistry()
    for factory in builtin_factories():
        registry.register(factory)
    return registry
