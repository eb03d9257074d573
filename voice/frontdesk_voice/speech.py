"""The streaming speech interfaces every STT/TTS engine implements.

Engines are registered through core's ``register_speech_engines`` hook with a
:class:`SpeechEngineFactory`. A factory builds one engine per process (models are
big and shared); the engine hands out cheap per-utterance streams.

STT::

    stream = stt.start(grammar)      # grammar=None → open decoding
    stream.feed(pcm16)               # 16-bit mono PCM at stt.sample_rate, any length
    stream.partial()                 # best guess so far ("" when nothing yet)
    stream.final()                   # ends the utterance, returns the transcript

TTS::

    for pcm16 in tts.synthesize(text):   # one chunk per sentence, as soon as it is ready
        ...                              # 16-bit mono PCM at tts.sample_rate
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Protocol


@dataclass(frozen=True)
class Grammar:
    """A closed vocabulary for one utterance: ``phrases`` (Vosk) and ``jsgf`` (pocketsphinx).

    ``kind`` says what the words mean (``digits``, ``yes_no``, ``date``) so the call can
    turn "four zero one" into "401" before the engine sees it.
    """

    kind: str
    phrases: tuple[str, ...]
    words: tuple[str, ...]
    jsgf: str = ""
    end_silence_ms: int | None = None
    """Callers pause between digits: closed grammars may wait longer before ending the turn."""
    closed_phrases: tuple[str, ...] = ()
    """The whole phrases alone (``phrases`` also lists each repeat word, which is how Vosk loops them)."""
    repeat_words: tuple[str, ...] = ()
    """Words said in any number and order (digits of an order number)."""


class STTStream(Protocol):
    def feed(self, pcm16: bytes) -> None: ...
    def partial(self) -> str: ...
    def final(self) -> str: ...


class STTEngine(Protocol):
    name: str
    sample_rate: int
    language: str

    def start(self, grammar: Grammar | None = None) -> STTStream: ...


class TTSEngine(Protocol):
    name: str
    sample_rate: int

    def synthesize(self, text: str) -> Iterator[bytes]: ...


@dataclass(frozen=True)
class SpeechEngineFactory:
    """What a plugin passes to ``register(...)`` in ``register_speech_engines``.

    ``create(settings)`` gets the ``[voice]`` settings table and returns an engine.
    """

    kind: str  # "stt" or "tts"
    name: str
    create: Callable[[dict[str, Any]], Any]
    languages: tuple[str, ...] = ("en",)
    description: str = ""
    plugin: str = ""
    holds_gil: bool = False
    """STT only: the engine's binding keeps Python's GIL while it decodes, so the voice line runs it in
    worker processes (``stt_processes``) where it cannot stall live calls. ``create`` must then be a
    module-level function, since the worker process imports it by name."""

    def __post_init__(self) -> None:
        if self.kind not in ("stt", "tts"):
            raise ValueError(f"speech engine {self.name!r}: kind must be 'stt' or 'tts', not {self.kind!r}")


@dataclass
class EngineRegistry:
    """The speech engines the installed plugins registered, by kind and name."""

    factories: dict[tuple[str, str], SpeechEngineFactory] = field(default_factory=dict)

    def register(self, factory: SpeechEngineFactory) -> None:
        key = (factory.kind, factory.name)
        if key in self.factories:
            other = self.factories[key].plugin or "another plugin"
            raise ValueError(f"{factory.kind} engine {factory.name!r} registered twice ({other} and {factory.plugin or 'this plugin'})")
        self.factories[key] = factory

    def get(self, kind: str, name: str) -> SpeechEngineFactory:
        try:
            return self.factories[(kind, name)]
        except KeyError:
            known = ", ".join(sorted(n for k, n in self.factories if k == kind)) or "none"
            raise LookupError(f"no {kind} engine named {name!r} (installed: {known})") from None
