"""Audio formats on the wire: G.711 μ-law, 16-bit PCM, resampling and 20 ms framing.

Phones speak 8 kHz μ-law (Twilio, Asterisk ``c(ulaw)``); the recognisers want 16 kHz
PCM; Piper speaks 22.05 kHz. Everything inside the pipeline is 16-bit little-endian
mono PCM (``bytes``); conversions happen only at the edges.
"""

from __future__ import annotations

from functools import lru_cache
from math import gcd

import numpy as np
from scipy.signal import resample_poly

FRAME_MS = 20


def frame_bytes(rate: int, ms: int = FRAME_MS, width: int = 2) -> int:
    return rate * ms // 1000 * width


@lru_cache(maxsize=1)
def _ulaw_decode_table() -> np.ndarray:
    # ITU-T G.711 μ-law expansion, computed once for all 256 codes.
    codes = ~np.arange(256, dtype=np.int32) & 0xFF
    sign = codes & 0x80
    exponent = (codes >> 4) & 0x07
    mantissa = codes & 0x0F
    magnitude = ((mantissa << 3) + 0x84) << exponent
    samples = np.where(sign != 0, 0x84 - magnitude, magnitude - 0x84)
    return samples.astype(np.int16)


@lru_cache(maxsize=1)
def _ulaw_encode_table() -> np.ndarray:
    # Index by (sample >> 2) + 8192 (14-bit); G.711 compresses the top 14 bits.
    samples = (np.arange(16384, dtype=np.int32) - 8192) << 2
    sign = np.where(samples < 0, 0x80, 0)
    magnitude = np.minimum(np.abs(samples), 32635) + 0x84
    exponent = np.floor(np.log2(magnitude)).astype(np.int32) - 7
    exponent = np.clip(exponent, 0, 7)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8)


def ulaw_to_pcm(data: bytes) -> bytes:
    return _ulaw_decode_table()[np.frombuffer(data, dtype=np.uint8)].tobytes()


def pcm_to_ulaw(pcm: bytes) -> bytes:
    samples = np.frombuffer(pcm, dtype=np.int16).astype(np.int32)
    return _ulaw_encode_table()[(samples >> 2) + 8192].tobytes()


def resample(pcm: bytes, from_rate: int, to_rate: int) -> bytes:
    """Polyphase resampling (anti-aliased), 16-bit mono PCM in and out."""
    if from_rate == to_rate or not pcm:
        return pcm
    g = gcd(from_rate, to_rate)
    samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float32)
    out = resample_poly(samples, to_rate // g, from_rate // g)
    return np.clip(np.round(out), -32768, 32767).astype(np.int16).tobytes()


class StreamResampler:
    """Resamples a stream chunk by chunk exactly as if it were one long signal.

    Overlap-save around ``resample_poly``: each call filters the new chunk with some
    past and future context and emits only the samples whose filter window is
    complete, so 20 ms chunks join without clicks (which would hurt recognition).
    Costs a fixed delay of ``CONTEXT`` input samples (8 ms at 8 kHz).
    """

    CONTEXT = 64  # input samples each side; resample_poly's filter reaches < 30 for our ratios

    def __init__(self, from_rate: int, to_rate: int):
        self.from_rate, self.to_rate = from_rate, to_rate
        g = gcd(from_rate, to_rate)
        self._up, self._down = to_rate // g, from_rate // g
        self._buf = np.zeros(0, dtype=np.int16)
        self._x0 = 0  # absolute input index of _buf[0]; kept a multiple of _down
        self._emitted = 0  # absolute output samples already returned

    def process(self, pcm: bytes) -> bytes:
        if self.from_rate == self.to_rate:
            return pcm
        x = np.concatenate([self._buf, np.frombuffer(pcm, dtype=np.int16)])
        y = resample_poly(x.astype(np.float32), self._up, self._down)
        j0 = self._x0 * self._up // self._down
        until = max(self._emitted, (self._x0 + len(x) - self.CONTEXT) * self._up // self._down)
        out = y[self._emitted - j0: until - j0]
        self._emitted = until
        keep_from = max(self._x0, self._x0 + len(x) - 2 * self.CONTEXT)
        keep_from -= (keep_from - self._x0) % self._down
        self._buf = x[keep_from - self._x0:]
        self._x0 = keep_from
        return np.clip(np.round(out), -32768, 32767).astype(np.int16).tobytes()


def frames(pcm: bytes, size: int, pad: bool = True) -> list[bytes]:
    """Split into fixed-size frames; pad the last one with silence so every frame is whole."""
    out = [pcm[i:i + size] for i in range(0, len(pcm), size)]
    if out and pad and len(out[-1]) < size:
        out[-1] = out[-1] + b"\x00" * (size - len(out[-1]))
    return out


def rms(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float32)
    return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0
