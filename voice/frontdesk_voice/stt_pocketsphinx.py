"""pocketsphinx: the English recogniser that needs no download (its PyPI wheel carries en-US).

Used when no Vosk model is configured. A pocketsphinx ``Decoder`` holds the model,
so decoders are pooled: one per utterance being decoded at the same moment, reused
across calls. Closed grammars are JSGF searches added once per decoder.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from typing import Any

from pocketsphinx import Decoder

from frontdesk_voice.grammars import jsgf
from frontdesk_voice.speech import Grammar

MAX_SEARCHES = 32
DEFAULT_DECODERS = 2  # a small shop rarely has more callers speaking at once; each costs ~90 MB
"""Decoders made during the warm-up: one per utterance decoded at the same moment.

Building a decoder loads the model (~0.3 s) inside pocketsphinx with the GIL held, so one
built while calls are live stalls every call in the process — the caller audio being read,
the audio being sent. The warm-up builds this many; a busier moment still builds more.
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
        self.pool_size = max(1, int((settings or {}).get("pocketsphinx_decoders", DEFAULT_DECODERS)))
        self._pool.put(self._new_decoder())  # load the model now, not on the first call

    def _new_decoder(self) -> "PooledDecoder":
        decoder = PooledDecoder(Decoder(samprate=self.sample_rate, loglevel="FATAL", **self._options))
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
            elif self._cmn:
                pooled.decoder.set_cmn(self._cmn)
                pooled.cmn = self._cmn
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

    def _search_for(self, pooled: "PooledDecoder", grammar: Grammar, single: bool = False) -> str | None:
        """The decoder's JSGF search for this grammar, added on first use; None if nothing in it is sayable.

        Phrases with a word outside pocketsphinx's dictionary (product names like "daypack") are
        dropped, as Vosk drops them: JSGF refuses unknown words.
        """
        closed = grammar.closed_phrases or tuple(p for p in grammar.phrases if p not in grammar.repeat_words)
        phrases = [p for p in closed if all(self._known(pooled.decoder, w) for w in p.split())]
        repeat = [w for w in grammar.repeat_words if self._known(pooled.decoder, w)]
        if not phrases and not repeat:
            return None
        text = jsgf("g", phrases, repeat)
        if single:  # one digit per segment (see DigitStream)
            text = text.replace("( <word> )+", "<word>")
        name = "g" + hashlib.sha1(text.encode()).hexdigest()[:12]
        if name not in pooled.grammars:
            if len(pooled.grammars) >= MAX_SEARCHES:  # catalogs change; don't grow forever
                for old in pooled.grammars:
                    pooled.decoder.remove_search(old)
                pooled.grammars.clear()
            pooled.decoder.add_jsgf_string(name, text.replace("grammar g;", f"grammar {name};").replace("<g>", f"<{name}>"))
            pooled.grammars.add(name)
        return name

    def start(self, grammar: Grammar | None = None) -> "PocketsphinxStream | DigitStream":
        pooled = self._acquire()
        decoder = pooled.decoder
        try:
            if self._cmn and pooled.cmn is None:  # made before priming finished: give it the learned mean once
                decoder.set_cmn(self._cmn)
                pooled.cmn = self._cmn
            if grammar is not None and grammar.repeat_words and self.digit_segments:
                one = self._search_for(pooled, grammar, single=True)
                run = self._search_for(pooled, grammar)
                if one and run:
                    return DigitStream(self, pooled, one, run)
            search = self._search_for(pooled, grammar) if grammar is not None else None
            if search:
                decoder.activate_search(search)
            else:
                decoder.activate_search("_default")
            decoder.start_utt()
        except Exception:
            self._release(pooled)
            raise
        return PocketsphinxStream(self, pooled)


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
    """

    FRAME = 640  # 20 ms at 16 kHz
    GAP_MS = 80
    MIN_MS = 100  # shorter is a click or breath
    PAD_FRAMES = 3
    LONG_MS = 800

    def __init__(self, engine: PocketsphinxEngine, pooled: PooledDecoder, one: str, run: str):
        import webrtcvad

        self._engine, self._pooled, self._decoder = engine, pooled, pooled.decoder
        self._one, self._run = one, run
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
        if self._vad.is_speech(frame, 16000):
            if self._start is None:
                self._start = index
            self._gap = 0
        elif self._start is not None:
            self._gap += 1
            if self._gap * 20 >= self.GAP_MS:
                self._close(index - self._gap + 1)

    def _close(self, end: int) -> None:
        start, self._start, self._gap = self._start, None, 0
        if start is None or (end - start) * 20 < self.MIN_MS:
            return
        audio = b"".join(self._frames[max(0, start - self.PAD_FRAMES): end + self.PAD_FRAMES])
        search = self._run if (end - start) * 20 > self.LONG_MS else self._one
        self._decoder.activate_search(search)
        self._decoder.start_utt()
        self._decoder.process_raw(audio, False, True)
        self._decoder.end_utt()
        hyp = self._decoder.hyp()
        if hyp is not None and hyp.hypstr:
            self._words.append(hyp.hypstr)

    def partial(self) -> str:
        return " ".join(self._words)

    def final(self) -> str:
        if not self._done:
            self._done = True
            try:
                if self._start is not None:
                    self._close(len(self._frames))
            finally:
                self._engine._release(self._pooled)
        return " ".join(self._words)

    def __del__(self) -> None:
        if not self._done:
            try:
                self.final()
            except Exception:
                pass
