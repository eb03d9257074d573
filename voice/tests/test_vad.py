from frontdesk_voice.vad import Endpointer, EndpointerConfig

from .speech_samples import line_noise, piper, silence


def run(endpointer, pcm):
    events = []
    for i in range(0, len(pcm) - endpointer.frame_bytes + 1, endpointer.frame_bytes):
        event, _ = endpointer.process(pcm[i:i + endpointer.frame_bytes])
        if event:
            events.append((event, i // endpointer.frame_bytes * 20))
    return events


def test_a_sentence_starts_and_ends_one_turn():
    speech = piper("Where is my order?")
    audio = line_noise(0.5) + speech + line_noise(1.0)
    events = run(Endpointer(8000), audio)
    assert [e for e, _ in events] == ["start", "end"]
    speech_end_ms = (0.5 + len(speech) / 16000) * 1000
    assert speech_end_ms + 300 <= events[1][1] <= speech_end_ms + 700


def test_hiss_and_a_click_are_not_a_turn():
    click = b"\x00\x00" * 40 + b"\xff\x7f" * 80 + b"\x00\x00" * 40
    audio = line_noise(2.0, level=60) + click + silence(1.0)
    events = run(Endpointer(8000, EndpointerConfig(min_speech_ms=180)), audio)
    assert "end" not in [e for e, _ in events]
