"""Voice-activity detection and endpointing with webrtcvad.

Frames are 20 ms of 16-bit PCM at 8, 16, 32 or 48 kHz. The endpointer reports
``"start"`` once speech has lasted ``start_ms`` (with a little pre-roll kept so the
recogniser hears the first syllable) and ``"end"`` after ``end_silence_ms`` of
silence. Bursts shorter than ``min_speech_ms`` (a cough, a click, line noise) are
reported as ``"noise"`` instead of ending a turn.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import webrtcvad


@dataclass
class EndpointerConfig:
    aggressiveness: int = 3
    start_ms: int = 60
    end_silence_ms: int = 400
    min_speech_ms: int = 180
    preroll_ms: int = 200
    warmup_ms: int = 200
    """webrtcvad calls the first few frames of a fresh stream speech even when they are hiss."""


@dataclass
class Endpointer:
    sample_rate: int
    config: EndpointerConfig = field(default_factory=EndpointerConfig)

    def __post_init__(self) -> None:
        if self.sample_rate not in (8000, 16000, 32000, 48000):
            raise ValueError(f"webrtcvad needs 8/16/32/48 kHz, not {self.sample_rate}")
        self._vad = webrtcvad.Vad(self.config.aggressiveness)
        self.frame_bytes = self.sample_rate * 20 // 1000 * 2
        self._preroll: deque[bytes] = deque(maxlen=max(1, self.config.preroll_ms // 20))
        self.in_speech = False
        self._voiced_run = 0
        self._silence_run = 0
        self._speech_frames = 0
        self.end_silence_ms = self.config.end_silence_ms
        self._warmup_frames = self.config.warmup_ms // 20

    def is_speech(self, frame: bytes) -> bool:
        return self._vad.is_speech(frame, self.sample_rate)

    def reset(self) -> None:
        self.in_speech = False
        self._voiced_run = self._silence_run = self._speech_frames = 0
        self._preroll.clear()

    def process(self, frame: bytes) -> tuple[str | None, list[bytes]]:
        """Feed one 20 ms frame. Returns (event, audio to pass to the recogniser)."""
        if len(frame) != self.frame_bytes:
            raise ValueError(f"frame must be {self.frame_bytes} bytes, got {len(frame)}")
        voiced = self.is_speech(frame)
        if self._warmup_frames > 0:
            self._warmup_frames -= 1
            voiced = False
        if not self.in_speech:
            self._preroll.append(frame)
            self._voiced_run = self._voiced_run + 1 if voiced else 0
            if self._voiced_run * 20 >= self.config.start_ms:
                self.in_speech = True
                self._silence_run = 0
                self._speech_frames = self._voiced_run
                audio = list(self._preroll)
                self._preroll.clear()
                return "start", audio
            return None, []
        if voiced:
            self._silence_run = 0
            self._speech_frames += 1
        else:
            self._silence_run += 1
        if self._silence_run * 20 >= self.end_silence_ms:
            long_enough = self._speech_frames * 20 >= self.config.min_speech_ms
            self.reset()
            return ("end" if long_enough else "noise"), [frame]
        return None, [frame]
