"""Fixed prompts and a cache of synthesised speech.

Prompts (greeting, "sorry, I didn't catch that", …) are rendered at start-up, and any
reply the bot says often (the order-number question) is kept once synthesised, so
the caller hears them with no synthesis delay.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from importlib.resources import files
from typing import Any, Iterator

import yaml

from frontdesk_voice.audio import resample
from frontdesk_voice.sentences import split_sentences


@lru_cache(maxsize=None)
def default_prompts(language: str) -> dict[str, str]:
    return yaml.safe_load(files("frontdesk_voice").joinpath(f"prompts/{language}.yaml").read_text())


class PromptBook:
    def __init__(self, language: str = "en", overrides: dict[str, str] | None = None, shop: str = "our shop"):
        self._texts = {**default_prompts(language), **(overrides or {})}
        self.shop = shop

    def text(self, key: str) -> str:
        template = self._texts.get(key, key)
        return template.replace("{shop}", self.shop)

    def all_texts(self) -> list[str]:
        return [self.text(k) for k in self._texts]


class SpeechCache:
    """Sentence → PCM, least recently used dropped first; one per TTS engine per process.

    Piper's output is kept once per sentence (at the voice's own rate) and resampled per
    transport rate on demand, so a prompt is synthesised once however many rates and
    Frontdesks use it. A sentence being synthesised by one thread (the start-up
    pre-render, say) is waited for by the others rather than synthesised twice.
    """

    def __init__(self, tts: Any, max_entries: int = 512):
        self.tts = tts
        self._items: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self._rendering: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.synthesised = 0  # sentences Piper actually rendered (tests check nothing is rendered twice)

    def _get(self, key: tuple[str, int]) -> bytes | None:
        with self._lock:
            pcm = self._items.get(key)
            if pcm is not None:
                self._items.move_to_end(key)
            return pcm

    def _put(self, key: tuple[str, int], pcm: bytes) -> None:
        with self._lock:
            self._items[key] = pcm
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def _native(self, sentence: str) -> bytes:
        """The sentence at the voice's own rate: cached, being rendered by another thread, or rendered now."""
        key = (sentence, self.tts.sample_rate)
        while True:
            pcm = self._get(key)
            if pcm is not None:
                return pcm
            with self._lock:
                busy = self._rendering.get(sentence)
                if busy is None:
                    done = self._rendering[sentence] = threading.Event()
            if busy is not None:
                busy.wait(60)
                continue
            try:
                pcm = b"".join(self.tts.synthesize(sentence))
                self.synthesised += 1
                self._put(key, pcm)
                return pcm
            finally:
                with self._lock:
                    self._rendering.pop(sentence, None)
                done.set()

    def render(self, sentence: str, rate: int) -> bytes:
        key = (sentence, rate)
        pcm = self._get(key)
        if pcm is None:
            pcm = resample(self._native(sentence), self.tts.sample_rate, rate)
            self._put(key, pcm)
        return pcm

    def speak(self, text: str, rate: int) -> Iterator[tuple[str, bytes]]:
        """Each sentence of ``text`` as PCM at ``rate``: from the cache, or synthesised now."""
        for sentence in split_sentences(text):
            yield sentence, self.render(sentence, rate)

    def prerender(self, texts: list[str], rates: tuple[int, ...], stop: threading.Event | None = None) -> int:
        """Render every sentence of ``texts`` at every rate; ``stop`` ends it early (shutdown)."""
        count = 0
        for text in texts:
            for sentence in split_sentences(text):
                for rate in rates:
                    if stop is not None and stop.is_set():
                        return count
                    self.render(sentence, rate)
                    count += 1
        return count
