"""Real speech for the tests: Piper and espeak-ng sentences, and Asterisk's recorded digits."""

from __future__ import annotations

import io
import subprocess
import wave
from functools import lru_cache
from pathlib import Path

import numpy as np

from frontdesk_voice.audio import resample

ASTERISK_DIGITS = Path("/usr/share/asterisk/sounds/en_US_f_Allison/digits")
DIGIT_WORDS = "zero one two three four five six seven eight nine".split()


def read_wav(data: bytes | Path) -> tuple[bytes, int]:
    with wave.open(io.BytesIO(data) if isinstance(data, bytes) else str(data)) as w:
        return w.readframes(w.getnframes()), w.getframerate()


@lru_cache(maxsize=None)
def piper_engine():
    from frontdesk_voice.tts_piper import PiperEngine

    return PiperEngine({"piper_noise_scale": 0.0, "piper_noise_w": 0.0})  # the same audio every run


@lru_cache(maxsize=256)
def piper(text: str, rate: int = 8000) -> bytes:
    """A customer sentence in Piper's voice, resampled to ``rate`` (phones: 8 kHz)."""
    engine = piper_engine()
    return resample(b"".join(engine.synthesize(text)), engine.sample_rate, rate)


@lru_cache(maxsize=256)
def espeak(text: str, rate: int = 8000, voice: str = "en-us") -> bytes:
    raw = subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "--stdout", text], capture_output=True, check=True).stdout
    pcm, source_rate = read_wav(raw)
    return resample(pcm, source_rate, rate)


def silence(seconds: float, rate: int = 8000) -> bytes:
    return b"\x00\x00" * int(seconds * rate)


def line_noise(seconds: float, rate: int = 8000, level: float = 30.0, seed: int = 0) -> bytes:
    """Faint hiss, as on a real phone line (pure digital silence is unnatural)."""
    noise = np.random.default_rng(seed).normal(0, level, int(seconds * rate))
    return noise.astype(np.int16).tobytes()


def on_line(pcm8k: bytes, before: float = 0.2, after: float = 0.3) -> bytes:
    """Speech with line hiss under all of it, as a phone line carries it (not only before and after)."""
    speech = np.frombuffer(silence(before) + pcm8k + silence(after), dtype=np.int16).astype(np.int32)
    hiss = np.resize(np.frombuffer(line_noise(len(speech) / 8000 + 0.01), dtype=np.int16), len(speech))
    return np.clip(speech + hiss, -32768, 32767).astype(np.int16).tobytes()


def recorded_digits(number: str, gap: float = 0.15) -> bytes:
    """An order number read digit by digit by a person (Asterisk's 8 kHz recordings)."""
    parts = []
    for digit in number:
        pcm, rate = read_wav(ASTERISK_DIGITS / f"{digit}.wav")
        parts.append(resample(pcm, rate, 8000))
        parts.append(silence(gap))
    return b"".join(parts)
