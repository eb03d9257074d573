"""One phone (or browser) call: caller audio in → VAD → STT → engine → TTS → audio out.

Transport-agnostic: a transport decodes its wire format into 16-bit PCM and calls
:meth:`Call.on_audio`, :meth:`Call.on_dtmf`, :meth:`Call.on_mark` and :meth:`Call.hangup`;
the call answers through the transport's :class:`AudioSink`. Recognition runs in the
transport's receive thread (cheap, 20 ms at a time); the engine and synthesis run in
one worker thread per call so the caller can always be heard — which is what makes
barge-in possible.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from frontdesk_voice.audio import StreamResampler, resample
from frontdesk_voice.grammars import GrammarContext, grammar_for
from frontdesk_voice.keypad import Keypad, menu_prompt
from frontdesk_voice.normalize import normalize
from frontdesk_voice.vad import Endpointer

if TYPE_CHECKING:
    from frontdesk_voice.service import VoiceService
    from frontdesk_voice.speech import Grammar, STTStream

log = logging.getLogger("frontdesk_voice.call")
turn_log = logging.getLogger("frontdesk_voice.turns")


class AudioSink(Protocol):
    """What a transport offers the call. ``rate`` is the PCM rate ``send_audio`` expects.

    A sink that can put the caller through to a phone number also has ``supports_transfer = True``
    and a ``transfer()`` method that ends our leg so the network can dial (Twilio only, today).
    """

    rate: int
    supports_marks: bool

    def send_audio(self, pcm16: bytes) -> None: ...
    def send_mark(self, name: str) -> None: ...
    def clear(self) -> None: ...
    def hangup(self) -> None: ...
    def send_event(self, event: dict[str, Any]) -> None: ...


@dataclass
class Turn:
    """Timings (seconds, wall clock) of one caller turn; logged as JSON when the bot answers."""

    source: str
    text: str = ""
    heard: str = ""
    t_last_voice: float = 0.0
    t_endpoint: float = 0.0
    t_stt_final: float = 0.0
    t_engine_done: float = 0.0
    t_first_audio: float = 0.0
    grammar: str | None = None

    def stages_ms(self) -> dict[str, float]:
        def ms(a: float, b: float) -> float:
            return round((b - a) * 1000, 1) if a and b else -1.0

        return {
            "endpointing": ms(self.t_last_voice, self.t_endpoint),
            "stt_final": ms(self.t_endpoint, self.t_stt_final),
            "engine": ms(self.t_stt_final, self.t_engine_done),
            "tts_first_audio": ms(self.t_engine_done, self.t_first_audio),
            "total": ms(self.t_last_voice, self.t_first_audio),
        }


@dataclass
class Utterance:
    text: str
    source: str  # "speech" | "dtmf" | "system" | "greeting" | "not_understood" | "agent"
    turn: Turn


@dataclass
class Spoken:
    """A sentence sent to the caller, for knowing what they actually heard."""

    mark: str
    text: str
    duration: float
    heard: bool = False


@dataclass
class CallRecord:
    turns: list[dict[str, Any]] = field(default_factory=list)
    barge_ins: list[float] = field(default_factory=list)
    heard: list[str] = field(default_factory=list)
    cut: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ended: str | None = None


class Call:
    def __init__(self, service: "VoiceService", sink: AudioSink, *, caller_id: str | None, transport: str, in_rate: int = 8000):
        self.service = service
        self.sink = sink
        self.caller_id = caller_id
        self.transport = transport
        self.in_rate = in_rate
        self.stt = service.stt
        vad_rate = in_rate if in_rate in (8000, 16000, 32000, 48000) else 16000
        self._to_vad = StreamResampler(in_rate, vad_rate)
        self._vad_to_stt = StreamResampler(vad_rate, self.stt.sample_rate)
        self.endpointer = Endpointer(vad_rate, service.endpointer_config())
        self._pending = b""
        self.keypad = Keypad()
        self.record = CallRecord()
        self.conversation_id: str | None = None
        self.network_call_id: str | None = None  # Twilio's CallSid: how the network asks where to transfer
        self.transferred_to: str | None = None
        self._stream: STTStream | None = None
        self._grammar: Grammar | None = None
        self._expecting: dict[str, Any] | None = None
        self._utterances: queue.Queue[Utterance | None] = queue.Queue()
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._spoken: list[Spoken] = []
        self._mark_seq = 0
        self._playback_until = 0.0
        self._speaking = False  # the worker is producing a reply
        self._voice_started_at = 0.0
        self._last_voice_at = 0.0
        self._audio_clock = 0.0  # seconds of caller audio received (drives no-input timeouts)
        self._quiet_since = 0.0
        self._reprompts = 0
        self._agent_spoke = False  # once a person answers, the caller no longer needs "I've asked a person"
        self.closed = False
        self._worker = threading.Thread(target=self._work, name=f"voice-call-{id(self):x}", daemon=True)

    # --- lifecycle ----------------------------------------------------------

    def begin(self) -> None:
        """Open the conversation and greet; runs the greeting in the worker so the transport keeps reading."""
        self._worker.start()
        self._utterances.put(Utterance("", "greeting", Turn(source="greeting")))

    def hangup(self, reason: str = "caller hung up") -> None:
        """The caller (or the network) ended the call. Safe to call twice, from any thread."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
        self._cancel.set()
        if self._stream is not None:
            try:
                self._stream.final()  # give pooled decoders back
            except Exception:
                pass
            self._stream = None
        self.record.ended = reason
        self._settle_heard(cut=True)
        if self.conversation_id:
            self._note("call_ended", {"reason": reason, "heard": self.record.heard, "cut": self.record.cut})
        self._utterances.put(None)
        self.service.call_ended(self)
        log.info("call %s ended: %s", self.conversation_id, reason)

    def join(self, timeout: float = 10.0) -> None:
        if self._worker.is_alive():
            self._worker.join(timeout)

    # --- input from the transport ---------------------------------------------

    def on_audio(self, pcm16: bytes) -> None:
        """Caller audio at ``in_rate``, any length (transports pass 20 ms frames)."""
        if self.closed or not pcm16:
            return
        if len(pcm16) % 2:
            pcm16 = pcm16[:-1]
        self._pending += self._to_vad.process(pcm16)
        size = self.endpointer.frame_bytes
        while len(self._pending) >= size:
            frame, self._pending = self._pending[:size], self._pending[size:]
            self._on_frame(frame)

    def _on_frame(self, frame: bytes) -> None:
        now = time.perf_counter()
        self._audio_clock += 0.02
        voiced_before = self.endpointer.in_speech
        event, audio = self.endpointer.process(frame)
        if self.endpointer.in_speech and self.endpointer._silence_run == 0:
            self._last_voice_at = now
        if event == "start":
            self._voice_started_at = now - self.endpointer.config.start_ms / 1000
            self._on_speech_start()
        if self._stream is not None and audio:
            try:
                self._stream.feed(self._vad_to_stt.process(b"".join(audio)))
            except Exception as error:  # a recogniser failure must not drop the call
                self._error(f"stt feed: {error}")
                self._stream = None
        if event in ("end", "noise"):
            self._on_speech_end(event, now)
        if not voiced_before and not self.endpointer.in_speech:
            self._check_no_input()

    def _on_speech_start(self) -> None:
        self._reprompts = 0
        if self.is_playing():
            self.barge_in()
        try:
            self._stream = self.stt.start(self._grammar)
        except Exception as error:
            self._error(f"stt start: {error}")
            self._stream = None

    def _on_speech_end(self, event: str, now: float) -> None:
        stream, self._stream = self._stream, None
        self._quiet_since = self._audio_clock
        if stream is None:
            return
        turn = Turn(source="speech", t_last_voice=self._last_voice_at, t_endpoint=now,
                    grammar=self._grammar.kind if self._grammar else None)
        if event == "noise":
            stream.final()
            log.debug("ignored a short noise burst")
            return
        try:
            text = stream.final()
        except Exception as error:
            self._error(f"stt final: {error}")
            text = ""
        turn.t_stt_final = time.perf_counter()
        text = normalize(text, turn.grammar)
        self.service.emit(self, {"type": "transcript", "text": text, "final": True})
        if text:
            self._utterances.put(Utterance(text, "speech", turn))
        else:
            self._utterances.put(Utterance("", "not_understood", turn))

    def on_dtmf(self, digit: str) -> None:
        if self.closed:
            return
        self._reprompts = 0
        if self.is_playing():
            self.barge_in()
        text = self.keypad.press(str(digit), self._grammar.kind if self._grammar else None)
        if text:
            now = time.perf_counter()
            self._utterances.put(Utterance(text, "dtmf", Turn(source="dtmf", t_last_voice=now, t_endpoint=now, t_stt_final=now)))

    def on_mark(self, name: str) -> None:
        with self._lock:
            for spoken in self._spoken:
                if spoken.mark == name and not spoken.heard:
                    spoken.heard = True
                    self.record.heard.append(spoken.text)

    # --- barge-in and playback tracking ----------------------------------------

    def is_playing(self) -> bool:
        """Is the caller hearing (or about to hear) the bot? Marks say so exactly; otherwise the clock does."""
        return self._speaking or self._audio_pending()

    def _audio_pending(self) -> bool:
        """Has audio we sent not been played to the caller yet?"""
        now = time.perf_counter()
        if self.sink.supports_marks:
            with self._lock:
                unheard = any(not s.heard for s in self._spoken)
            return unheard and now < self._playback_until + 2.0  # a peer that never echoes marks can't block us
        return now < self._playback_until

    def barge_in(self) -> None:
        """The caller talks over the bot: stop the audio now, stop synthesising, listen."""
        self._cancel.set()
        try:
            self.sink.clear()
        except Exception as error:
            self._error(f"clear: {error}")
        latency = time.perf_counter() - (self._voice_started_at or time.perf_counter())
        self.record.barge_ins.append(latency)
        self._playback_until = 0.0
        self._settle_heard(cut=True)
        log.info("barge-in after %.0f ms of caller speech", latency * 1000)

    def _settle_heard(self, cut: bool) -> None:
        """Decide which sentences the caller heard. With marks, the echoed ones; without, by the clock."""
        with self._lock:
            pending = [s for s in self._spoken if not s.heard]
            if not self.sink.supports_marks:
                now = time.perf_counter()
                for spoken in pending:
                    if getattr(spoken, "ends_at", 0.0) <= now:
                        spoken.heard = True
                        self.record.heard.append(spoken.text)
                pending = [s for s in pending if not s.heard]
            if cut:
                self.record.cut.extend(s.text for s in pending)
                self._spoken = []

    # --- the worker: engine + speech --------------------------------------------

    def _work(self) -> None:
        self.service.worker_started(self)
        try:
            self._work_until_closed()
        finally:
            self.service.worker_finished(self)

    def _work_until_closed(self) -> None:
        while True:
            utterance = self._utterances.get()
            if utterance is None or self.closed:
                return
            try:
                self._answer(utterance)
            except Exception as error:
                log.exception("voice turn failed")
                self._error(f"turn: {error}")
                self._say_prompt("error")
            finally:
                self._speaking = False

    def _answer(self, utterance: Utterance) -> None:
        self._cancel.clear()
        self._speaking = True
        turn = utterance.turn
        if utterance.source == "greeting":
            self.conversation_id = self.service.bot.start_conversation(self.caller_id, self.transport)
            self._note("call_started", {"transport": self.transport, "caller_id": bool(self.caller_id)})
            self._follow_people()
            self._say_prompt("greeting", turn)
            self._refresh_expecting()
            # While the greeting plays: a first call that beat the start-up warm-up primes the recogniser now.
            self.service.ensure_primed()
            return
        if utterance.source == "not_understood":
            self._say_prompt("not_understood", turn)
            return
        if utterance.source == "system":
            self._say_prompt(utterance.text, turn)
            return
        if utterance.source == "agent":
            self._agent_spoke = True
            self.service.emit(self, {"type": "agent", "text": utterance.text})
            self._speak(utterance.text, turn)
            return
        turn.text = utterance.text
        replies = self.service.bot.handle(self.conversation_id, utterance.text)
        turn.t_engine_done = time.perf_counter()
        choices: tuple[str, ...] = ()
        texts = [r.text for r in replies if r.text]
        for reply in replies:
            choices = reply.quick_replies or choices
        self.keypad.menu = choices
        self._refresh_expecting()
        hint = menu_prompt(choices, self._grammar.kind if self._grammar else None)
        if hint:
            texts.append(hint)
        handoff = not self._agent_spoke and self.service.bot.status(self.conversation_id) == "handoff"
        number = self._transfer_number() if handoff else None
        if number:
            self._transfer(number, turn)
            return
        if not texts and handoff:
            texts = [self.service.prompts.text("handoff")]
        for text in texts:
            self.service.emit(self, {"type": "bot", "text": text})
            if not self._speak(text, turn):
                break
        self._log_turn(turn)

    # --- transfer to a person's phone -----------------------------------------------

    def _transfer_number(self) -> str | None:
        """The owner's number when this transport can transfer and the shop is open now; else None."""
        if not getattr(self.sink, "supports_transfer", False) or not self.network_call_id:
            return None
        lookup = getattr(self.service.bot, "transfer_number", None)
        try:
            return lookup() if callable(lookup) else None
        except Exception as error:  # settings we can't read: the handoff prompt still works
            self._error(f"transfer number: {error}")
            return None

    def _transfer(self, number: str, turn: Turn) -> None:
        """Say so, let it play, then end our leg: the network dials ``number`` (see transports/twilio.py)."""
        self.transferred_to = number
        self.service.flag_transfer(self.network_call_id or "", number)
        self._note("transferred", {"transport": self.transport, "to": number})
        self._say_prompt("transfer", turn)
        self._log_turn(turn)
        deadline = time.perf_counter() + max(0.0, self._playback_until - time.perf_counter()) + 3.0
        while not self.closed and self._audio_pending() and time.perf_counter() < deadline:
            time.sleep(0.05)
        if not self.closed:
            log.info("call %s: putting the caller through to %s", self.conversation_id, number)
            self.hangup("transferred")  # before closing: the transport's own "call ended" must not win the race
            self.sink.transfer()

    def _follow_people(self) -> None:
        """Speak what a person types in the inbox for this conversation (during a handoff)."""
        try:
            subscription = self.service.bot.subscribe(self.conversation_id)
        except Exception as error:  # a bot without a bus (tests, benchmarks): nothing to follow
            log.debug("no live events for %s: %s", self.conversation_id, error)
            return
        threading.Thread(target=self._read_people, args=(subscription,), daemon=True,
                         name=f"voice-people-{id(self):x}").start()

    def _read_people(self, subscription: Any) -> None:
        try:
            while not self.closed:
                event = subscription.get(timeout=0.5)
                message = (event or {}).get("message") or {}
                if event and event.get("type") == "message" and message.get("role") == "agent" and message.get("text"):
                    self._utterances.put(Utterance(str(message["text"]), "agent", Turn(source="agent")))
        finally:
            subscription.close()

    def _refresh_expecting(self) -> None:
        try:
            self._expecting = self.service.bot.expecting(self.conversation_id)
        except Exception as error:
            self._error(f"expecting: {error}")
            self._expecting = None
        context = GrammarContext(catalog=self.service.bot.catalog, quick_replies=self.keypad.menu,
                                 intent=self.service.bot.intent((self._expecting or {}).get("intent", "")))
        try:
            self._grammar = grammar_for(self._expecting, self.service.language, context)
        except Exception as error:  # a catalog that can't be read: listen openly rather than not at all
            self._error(f"grammar: {error}")
            self._grammar = None
        self.endpointer.end_silence_ms = (self._grammar.end_silence_ms if self._grammar and self._grammar.end_silence_ms
                                          else self.endpointer.config.end_silence_ms)

    def _say_prompt(self, key: str, turn: Turn | None = None) -> None:
        text = self.service.prompts.text(key)
        self.service.emit(self, {"type": "bot", "text": text})
        self._speak(text, turn)

    def _speak(self, text: str, turn: Turn | None) -> bool:
        """Synthesise sentence by sentence and send each as soon as it exists. False if cut off."""
        for sentence, pcm in self.service.speech_for(text, self.sink.rate):
            if self._cancel.is_set() or self.closed:
                return False
            self._send(sentence, pcm, turn)
        return not self._cancel.is_set()

    def _send(self, sentence: str, pcm: bytes, turn: Turn | None) -> None:
        now = time.perf_counter()
        if turn is not None and not turn.t_first_audio:
            turn.t_first_audio = now
        duration = len(pcm) / 2 / self.sink.rate
        self._mark_seq += 1
        spoken = Spoken(mark=f"s{self._mark_seq}", text=sentence, duration=duration)
        start = max(now, self._playback_until)
        spoken.ends_at = start + duration  # type: ignore[attr-defined]
        with self._lock:
            self._spoken.append(spoken)
        self._playback_until = start + duration
        self.sink.send_audio(pcm)
        if self.sink.supports_marks:
            self.sink.send_mark(spoken.mark)
        self._quiet_since = self._audio_clock + duration

    def _check_no_input(self) -> None:
        """A caller who says nothing: ask twice, then say goodbye and hang up."""
        if self._speaking or self.is_playing() or self.conversation_id is None:
            self._quiet_since = self._audio_clock
            return
        if self._audio_clock - self._quiet_since < self.service.no_input_s:
            return
        self._quiet_since = self._audio_clock
        self._reprompts += 1
        if self._reprompts > 2:
            self._utterances.put(Utterance("goodbye", "system", Turn(source="system")))
            threading.Thread(target=self._hangup_after_goodbye, daemon=True).start()
        else:
            self._utterances.put(Utterance("still_there", "system", Turn(source="system")))

    def _hangup_after_goodbye(self) -> None:
        # Let the goodbye play out, then end the call from our side.
        deadline = time.perf_counter() + 15
        while time.perf_counter() < deadline and not self.closed:
            time.sleep(0.05)
            if not self._speaking and self._utterances.empty() and not self.is_playing():
                break
        if not self.closed:
            self.hangup("no input from caller")  # before closing, for the same reason as in _transfer
            self.sink.hangup()

    # --- records ------------------------------------------------------------------

    def _log_turn(self, turn: Turn) -> None:
        entry = {"conversation": self.conversation_id, "transport": self.transport, "source": turn.source,
                 "grammar": turn.grammar, "stages_ms": turn.stages_ms()}
        self.record.turns.append(entry)
        self.service.turn_metrics.append(entry)
        turn_log.info(json.dumps(entry))

    def _note(self, event: str, data: dict[str, Any]) -> None:
        try:
            self.service.bot.note(self.conversation_id, event, data)
        except Exception as error:
            log.warning("could not record %s: %s", event, error)

    def _error(self, message: str) -> None:
        self.record.errors.append(message)
        log.warning("call %s: %s", self.conversation_id, message)
