"""pocketsphinx: the English recogniser that needs no download (its PyPI wheel carries en-US).

Used when no Vosk model is configured. A pocketsphinx ``Decoder`` holds the model,
so decoders are pooled: one per utterance being decoded at the same moment, reused
across calls. Closed grammars are JSGF searches added once per decoder.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from functools import lru_cache
from typing import Any

import numpy as np
from pocketsphinx import Decoder

from frontdesk_voice.grammars import jsgf
from frontdesk_voice.speech import Grammar

MAX_SEARCHES = 32
PHONE_VARIANTS = {"six": ("IH K S", "S IH K", "IH K")}
"""Telephone-band pronunciations, used only when a piece is decoded as one digit (see DigitStream).

A phone line cuts everything above 4 kHz, where most of an /s/ lives, so pocketsphinx's 16 kHz
model hears a person's "six" as "eight" (measured: 0 of 8 right on the Asterisk recordings).
Each variant is a separate word ("six_phone") so the repeat-digit grammar, where a bare "IH K"
would be inserted between digits, never sees it; the stream reports it as the digit.
"""
DEFAULT_DECODERS = 2  # a small shop rarely has more callers speaking at once; each costs ~90 MB
"""Decoders made during the warm-up: one per utterance decoded at the same moment.

Building a decoder loads the model (~0.3 s) inside pocketsphinx with the GIL held: in a
recognition worker (``stt_process.py``) that holds up the other callers that worker decodes;
run in the server's process (``stt_processes = 0``) it stalls every live call. The warm-up
builds this many; a busier moment still builds more.
"""


class PocketsphinxEngine:
    name = "pocketsphinx"
    sample_rate = 16000
    language = "en"

    def __init__(self, settings: dict[str, Any] | None = None):
        self._options = dict((settings or {}).get("pocketsphinx_options", {}))
        # Last in, first out: with few callers the decoder that just ran, whose live CMN has followed
        # the line, is the one used again; the rest of the pool waits for busier moments.
        self._pool: queue.LifoQueue[PooledDecoder] = queue.LifoQueue()
        self._lock = threading.Lock()
        self.decoders_created = 0
        self._cmn: str | None = None
        self._priming_speech = b""
        self._vocabulary: dict[str, bool] = {}
        # Digits read one by one: decode each VAD segment with a one-digit grammar (see DigitStream).
        self.digit_segments = bool((settings or {}).get("digit_segments", True))
        # ... with the phone-band fixes of DigitStream (off only to measure what they bring: bench/voice_engines.py).
        self.digit_phone_band = bool((settings or {}).get("digit_phone_band", True))
        # ... and, once a piece is too long to be one digit, the whole utterance decoded as a run instead.
        self.digit_whole_run = bool((settings or {}).get("digit_whole_run", True))
        self.pool_size = max(1, int((settings or {}).get("pocketsphinx_decoders", DEFAULT_DECODERS)))
        self._pool.put(self._new_decoder())  # load the model now, not on the first call

    def _new_decoder(self) -> "PooledDecoder":
        decoder = PooledDecoder(Decoder(samprate=self.sample_rate, loglevel="FATAL", **self._options))
        for digit, pronunciations in PHONE_VARIANTS.items():
            for i, phones in enumerate(pronunciations):
                alias = phone_alias(digit) + (f"({i + 1})" if i else "")
                decoder.decoder.add_word(alias, phones, i == len(pronunciations) - 1)
        with self._lock:
            self.decoders_created += 1
        return decoder

    def _acquire(self) -> "PooledDecoder":
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            return self._new_decoder()

    def _release(self, decoder: "PooledDecoder") -> None:
        self._pool.put(decoder)

    def prime(self, speech16k: bytes) -> None:
        """Learn the channel's cepstral mean from a little telephone-band speech.

        Live CMN starts from generic defaults and only settles after an utterance or
        two, so a fresh decoder garbles the caller's first sentence. The voice line
        primes every decoder with its own greeting played through the phone band.
        """
        pooled = self._acquire()
        try:
            self._cmn = self._prime_decoder(pooled, speech16k)
        finally:
            self._release(pooled)
        self._priming_speech = speech16k  # fill_pool() primes the rest of the pool the same way

    @staticmethod
    def _prime_decoder(pooled: "PooledDecoder", speech16k: bytes) -> str:
        pooled.decoder.activate_search("_default")
        pooled.decoder.start_utt()
        pooled.decoder.process_raw(speech16k, False, True)
        pooled.decoder.end_utt()
        pooled.cmn = pooled.decoder.get_cmn(False)
        return pooled.cmn

    def fill_pool(self, size: int | None = None, stop: threading.Event | None = None) -> int:
        """Build decoders until ``size`` (default ``pool_size``) exist, before calls need them (the warm-up
        calls this once the prompts are rendered); each is primed like the first. Returns how many were built."""
        built = 0
        while self.decoders_created < (size or self.pool_size) and not (stop is not None and stop.is_set()):
            pooled = self._new_decoder()
            if self._priming_speech:
                self._prime_decoder(pooled, self._priming_speech)
            else:
                self._give_cmn(pooled)
            self._release(pooled)
            built += 1
        return built

    @property
    def primed(self) -> bool:
        return self._cmn is not None

    def _known(self, decoder: Decoder, word: str) -> bool:
        known = self._vocabulary.get(word)
        if known is None:
            known = self._vocabulary[word] = decoder.lookup_word(word) is not None
        return known

    def _sayable(self, pooled: "PooledDecoder", grammar: Grammar) -> tuple[list[str], list[str]]:
        """The grammar's phrases and repeat words pocketsphinx can say.

        Phrases with a word outside pocketsphinx's dictionary (product names like "daypack") are
        dropped, as Vosk drops them: JSGF refuses unknown words.
        """
        closed = grammar.closed_phrases or tuple(p for p in grammar.phrases if p not in grammar.repeat_words)
        phrases = [p for p in closed if all(self._known(pooled.decoder, w) for w in p.split())]
        repeat = [w for w in grammar.repeat_words if self._known(pooled.decoder, w)]
        return phrases, repeat

    def _search_for(self, pooled: "PooledDecoder", grammar: Grammar) -> str | None:
        """The decoder's JSGF search for this grammar, added on first use; None if nothing in it is sayable."""
        phrases, repeat = self._sayable(pooled, grammar)
        if not phrases and not repeat:
            return None
        return self._add_search(pooled, jsgf("g", phrases, repeat))

    def _digit_searches(self, pooled: "PooledDecoder", grammar: Grammar) -> "DigitSearches | None":
        """One-piece searches for DigitStream: one digit (its telephone variants too) or a way out; digits only."""
        phrases, repeat = self._sayable(pooled, grammar)
        if not repeat:
            return None
        self._make_room(pooled, 3)  # the three must survive each other's adding
        run = self._add_search(pooled, jsgf("g", phrases, repeat))
        words = repeat + [phone_alias(w) for w in repeat if w in PHONE_VARIANTS and self.digit_phone_band]
        one = self._add_search(pooled, jsgf("g", phrases + words))
        digit = self._add_search(pooled, jsgf("g", words))
        return DigitSearches(one, digit, run, frozenset(phrases + words))

    def _add_search(self, pooled: "PooledDecoder", text: str) -> str:
        name = "g" + hashlib.sha1(text.encode()).hexdigest()[:12]
        if name not in pooled.grammars:
            self._make_room(pooled, 1)
            pooled.decoder.add_jsgf_string(name, text.replace("grammar g;", f"grammar {name};").replace("<g>", f"<{name}>"))
            pooled.grammars.add(name)
        return name

    @staticmethod
    def _make_room(pooled: "PooledDecoder", searches: int) -> None:
        if len(pooled.grammars) + searches > MAX_SEARCHES:  # catalogs change; don't grow forever
            for old in pooled.grammars:
                pooled.decoder.remove_search(old)
            pooled.grammars.clear()

    def start(self, grammar: Grammar | None = None) -> "PocketsphinxStream | DigitStream":
        pooled = self._acquire()
        try:
            self._give_cmn(pooled)
            if grammar is not None and grammar.repeat_words and self.digit_segments:
                searches = self._digit_searches(pooled, grammar)
                if searches is not None:
                    return DigitStream(self, pooled, searches, grammar)
            return self._stream(pooled, grammar)
        except Exception:
            self._release(pooled)
            raise

    def start_run(self, grammar: Grammar) -> "PocketsphinxStream":
        """The whole utterance against the grammar's run of digits, on a second decoder (DigitStream's long pieces)."""
        pooled = self._acquire()
        try:
            self._give_cmn(pooled)
            return self._stream(pooled, grammar)
        except Exception:
            self._release(pooled)
            raise

    def _give_cmn(self, pooled: "PooledDecoder") -> None:
        if self._cmn and pooled.cmn is None:  # made before priming finished: give it the learned mean once
            pooled.decoder.set_cmn(self._cmn)
            pooled.cmn = self._cmn

    def _stream(self, pooled: "PooledDecoder", grammar: Grammar | None) -> "PocketsphinxStream":
        search = self._search_for(pooled, grammar) if grammar is not None else None
        pooled.decoder.activate_search(search or "_default")
        pooled.decoder.start_utt()
        return PocketsphinxStream(self, pooled)


def phone_alias(digit: str) -> str:
    return f"{digit}_phone"


PHONE_ALIASES = {phone_alias(digit): digit for digit in PHONE_VARIANTS}


class DigitSearches:
    """The searches a DigitStream switches between, and the answers a one-piece search may give."""

    def __init__(self, one: str, digit: str, run: str, answers: frozenset[str]):
        self.one, self.digit, self.run, self.answers = one, digit, run, answers


@lru_cache(maxsize=1)
def _high_band_noise(seconds: int = 4, level: float = 20.0) -> np.ndarray:
    from scipy.signal import butter, sosfilt

    highpass = butter(8, 4200, "highpass", fs=16000, output="sos")
    noise = np.random.default_rng(0).normal(0.0, level, seconds * 16000)  # fixed seed: the same decode every run
    return sosfilt(highpass, noise)


def fill_high_band(pcm16k: bytes) -> bytes:
    """Add a faint noise floor above 4.2 kHz to 8 kHz speech played at 16 kHz.

    pocketsphinx's model was trained on wideband speech, which always has something up there;
    an empty band drags every frame's cepstrum away from what the model knows. With this floor
    "five" stopped coming out as "nine" on the Asterisk recordings (BENCHMARKS.md).
    """
    samples = np.frombuffer(pcm16k, dtype=np.int16).astype(np.float64)
    noise = _high_band_noise()
    filled = samples + np.resize(noise, len(samples))
    return np.clip(np.round(filled), -32768, 32767).astype(np.int16).tobytes()


class PooledDecoder:
    """A decoder and the JSGF searches already added to it."""

    def __init__(self, decoder: Decoder):
        self.decoder = decoder
        self.grammars: set[str] = set()
        self.cmn: str | None = None


class PocketsphinxStream:
    def __init__(self, engine: PocketsphinxEngine, pooled: PooledDecoder):
        self._engine, self._pooled, self._decoder = engine, pooled, pooled.decoder
        self._done = False
        self._text = ""

    def feed(self, pcm16: bytes) -> None:
        if not self._done and pcm16:
            self._decoder.process_raw(pcm16, False, False)

    def partial(self) -> str:
        if self._done:
            return self._text
        hyp = self._decoder.hyp()
        return hyp.hypstr if hyp is not None else ""

    def final(self) -> str:
        if not self._done:
            self._done = True
            try:
                self._decoder.end_utt()
                hyp = self._decoder.hyp()
                self._text = hyp.hypstr if hyp is not None else ""
            finally:
                self._engine._release(self._pooled)
        return self._text

    def __del__(self) -> None:  # an abandoned stream (hang-up) still returns its decoder
        if not self._done:
            try:
                self.final()
            except Exception:
                pass


class DigitStream:
    """An order number read digit by digit: one short decode per spoken digit.

    A repeat grammar over the whole utterance lets pocketsphinx's 16 kHz model, fed 8 kHz
    phone audio, insert and merge digits freely ("1002" → "10200"). People reading a number
    pause between digits, so webrtcvad cuts the utterance at pauses of ``GAP_MS`` and each
    piece is decoded with a grammar of exactly one digit (or a way out: "agent", "cancel").
    A piece too long to be one digit (digits said in one breath) is decoded with the repeat
    grammar. Pieces are decoded as they close, so ``partial()`` grows while the caller talks.

    Digits said in one breath do much better as one streamed utterance (live CMN) than as
    batch-decoded long pieces (Piper: 10/10 against 3/10, BENCHMARKS.md). So as soon as a piece
    grows past ``RUN_MS`` a second pooled decoder is started on the whole utterance so far with
    the repeat grammar and kept fed; ``final()`` then answers with it (the pieces only if it heard
    nothing), so pieces closing after that are not decoded. ``RUN_MS`` is above ``LONG_MS`` because
    one slowly said digit can pass 0.8 s, and decoded as its own piece it beat the whole utterance.
    A number read with pauses never grows such a piece and costs one decoder, as before.
    """

    FRAME = 640  # 20 ms at 16 kHz
    GAP_MS = 80
    MIN_MS = 100  # shorter is a click or breath
    PAD_FRAMES = 3
    LONG_MS = 800
    RUN_MS = 1000  # longer is two digits or more even said slowly (Piper's "four," with its comma: 0.9 s)

    def __init__(self, engine: PocketsphinxEngine, pooled: PooledDecoder, searches: DigitSearches, grammar: Grammar):
        import webrtcvad

        self._engine, self._pooled, self._decoder = engine, pooled, pooled.decoder
        self._searches, self._grammar = searches, grammar
        self._run: PocketsphinxStream | None = None  # the whole utterance as a run, once a piece is long
        self._vad = webrtcvad.Vad(2)
        self._pending = b""
        self._frames: list[bytes] = []
        self._voiced: list[bool] = []
        self._start: int | None = None
        self._gap = 0
        self._words: list[str] = []
        self._done = False

    def feed(self, pcm16: bytes) -> None:
        if self._done or not pcm16:
            return
        self._pending += pcm16
        while len(self._pending) >= self.FRAME:
            frame, self._pending = self._pending[:self.FRAME], self._pending[self.FRAME:]
            self._frame(frame)

    def _frame(self, frame: bytes) -> None:
        index = len(self._frames)
        self._frames.append(frame)
        if self._run is not None:
            self._run.feed(frame)
        if self._vad.is_speech(frame, 16000):
            if self._start is None:
                self._start = index
            self._gap = 0
            if self._run is None and (index + 1 - self._start) * 20 > self.RUN_MS and self._engine.digit_whole_run:
                self._start_run()
        elif self._start is not None:
            self._gap += 1
            if self._gap * 20 >= self.GAP_MS:
                self._close(index - self._gap + 1)

    def _start_run(self) -> None:
        """Start the whole-utterance decoder and catch it up on everything heard so far, frame by frame as if live."""
        self._run = self._engine.start_run(self._grammar)
        for frame in self._frames:
            self._run.feed(frame)

    def _close(self, end: int) -> None:
        start, self._start, self._gap = self._start, None, 0
        if start is None or (end - start) * 20 < self.MIN_MS or self._run is not None:
            return
        audio = b"".join(self._frames[max(0, start - self.PAD_FRAMES): end + self.PAD_FRAMES])
        long = (end - start) * 20 > self.LONG_MS
        words = self._decode(self._searches.run, audio) if long else self._one_digit(audio)
        if words:
            self._words.append(words)

    def _one_digit(self, audio: bytes) -> str:
        if not self._engine.digit_phone_band:
            return self._decode(self._searches.one, audio)
        audio = fill_high_band(audio)
        words = self._decode(self._searches.one, audio)
        if words not in self._searches.answers:  # stopped inside a way out, or nothing
            words = self._decode(self._searches.digit, audio)
        return PHONE_ALIASES.get(words, words)

    def _decode(self, search: str, audio: bytes) -> str:
        self._decoder.activate_search(search)
        self._decoder.start_utt()
        self._decoder.process_raw(audio, False, True)
        self._decoder.end_utt()
        hyp = self._decoder.hyp()
        return hyp.hypstr if hyp is not None else ""

    def partial(self) -> str:
        return self._run.partial() if self._run is not None else " ".join(self._words)

    def final(self) -> str:
        if not self._done:
            self._done = True
            try:
                if self._start is not None:
                    self._close(len(self._frames))
            finally:
                # The run's decoder goes back first, so the pool (last in, first out) hands this one out next:
                # each keeps its own kind of history, which pocketsphinx carries into the next utterance.
                run = self._run.final() if self._run is not None else ""
                self._engine._release(self._pooled)
            if run:
                self._words = [run]
        return " ".join(self._words)

    def __del__(self) -> None:
        if not self._done:
            try:
                self.final()
            except Exception:
                pass
