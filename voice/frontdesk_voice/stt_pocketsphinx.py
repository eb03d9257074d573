"""pocketsphinx: the English recogniser that needs no download (its PyPI wheel carries en-US).

Used when no Vosk model is configured. A pocketsphinx ``Decoder`` holds the model,
so decoders are pooled: one per utterance being decoded at the same moment, reused
across calls. Closed grammars are JSGF searches added once per decoder.
"""

from __future__ import annotations

import queue
import threading
from typing import Any

from pocketsphinx import Decoder

from frontdesk_voice.speech import Grammar


class PocketsphinxEngine:
    name = "pocketsphinx"
    sample_rate = 16000
    language = "en"

    def __init__(self, settings: dict[str, Any] | None = None):
        self._options = dict((settings or {}).get("pocketsphinx_options", {}))
        self._pool: queue.SimpleQueue[PooledDecoder] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self.decoders_created = 0
        self._cmn: str | None = None
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
            pooled.decoder.activate_search("_default")
            pooled.decoder.start_utt()
            pooled.decoder.process_raw(speech16k, False, True)
            pooled.decoder.end_utt()
            self._cmn = pooled.decoder.get_cmn(False)
            pooled.cmn = self._cmn
        finally:
            self._release(pooled)

    @property
    def primed(self) -> bool:
        return self._cmn is not None

    def start(self, grammar: Grammar | None = None) -> "PocketsphinxStream":
        pooled = self._acquire()
        decoder = pooled.decoder
        try:
            if self._cmn and pooled.cmn is None:  # made before priming finished: give it the learned mean once
                decoder.set_cmn(self._cmn)
                pooled.cmn = self._cmn
            if grammar is not None and grammar.jsgf:
                if grammar.kind not in pooled.grammars:
                    decoder.add_jsgf_string(grammar.kind, grammar.jsgf)
                    pooled.grammars.add(grammar.kind)
                decoder.activate_search(grammar.kind)
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
