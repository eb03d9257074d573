"""Start-up: the voice line warms up in the background and shares models and prompts per process."""

from __future__ import annotations

import time

import pytest

from frontdesk.app_state import Frontdesk
from frontdesk.testing import demo_settings

from frontdesk_voice.plugin import WARMUP_ATTRIBUTE, service_for
from frontdesk_voice.sentences import split_sentences
from frontdesk_voice.service import BROWSER_RATE, PHONE_RATE

from .conftest import LiveServer
from .peers import BrowserPeer, loudness
from .speech_samples import piper

pytestmark = pytest.mark.slow


def preloading_frontdesk(tmp_path, shop: str) -> Frontdesk:
    # A shop name no other test uses, so the greeting is not in the process's speech cache yet.
    return Frontdesk(demo_settings(tmp_path, {"shop": {"name": shop}, "plugins": {"voice": {"preload": True}}}))


def test_start_up_does_not_wait_for_the_voice_and_an_early_call_still_works(tmp_path):
    frontdesk = preloading_frontdesk(tmp_path / "a", "Warm-up Test Shop")
    started = time.perf_counter()
    live = LiveServer(frontdesk)  # create_app runs Frontdesk.start(), which runs the channel's setup
    try:
        assert time.perf_counter() - started < 3.0, "setup must not render prompts before the server starts"
        warmup = getattr(frontdesk, WARMUP_ATTRIBUTE)
        assert warmup.thread.is_alive(), "the warm-up runs in the background"
        # Call at once, before the warm-up has finished: the greeting still plays (rendered or awaited).
        peer = BrowserPeer(live.ws("/voice/browser"), speed=4.0).start()
        try:
            peer.wait_idle(timeout=60)
            assert loudness(bytes(peer.played)) > 300
            assert "Warm-up Test Shop" in peer.events_of("bot")[0][1]["text"]
            peer.say(piper("What are your opening hours?", rate=16000))
            peer.wait_idle(timeout=40)
            assert any("opening" in e["text"] for _, e in peer.events_of("transcript"))
        finally:
            peer.close()
        assert warmup.done.wait(60) and warmup.error is None
        service = service_for(frontdesk)
        for text in service.prompts.all_texts():
            for sentence in split_sentences(text):
                for rate in (PHONE_RATE, BROWSER_RATE):
                    assert service.speech._get((sentence, rate)), f"{sentence!r} at {rate} Hz was pre-rendered"
    finally:
        live.close()
    assert not warmup.thread.is_alive(), "shutdown joins the warm-up"


def test_a_second_frontdesk_shares_models_and_rendered_prompts(tmp_path):
    first = preloading_frontdesk(tmp_path / "b1", "Shared Cache Shop")
    first.start()
    getattr(first, WARMUP_ATTRIBUTE).done.wait(60)
    before = service_for(first).speech.synthesised
    second = preloading_frontdesk(tmp_path / "b2", "Shared Cache Shop")
    second.start()
    try:
        assert getattr(second, WARMUP_ATTRIBUTE).done.wait(30)
        one, two = service_for(first), service_for(second)
        assert one is not two
        assert one.stt is two.stt and one.tts is two.tts and one.speech is two.speech
        assert two.speech.synthesised == before, "nothing was synthesised twice"
    finally:
        first.close_resources()
        second.close_resources()


def test_preload_false_leaves_everything_to_the_first_call(tmp_path):
    frontdesk = Frontdesk(demo_settings(tmp_path))  # demo_settings sets [plugins.voice] preload = false
    frontdesk.start()
    try:
        assert getattr(frontdesk, WARMUP_ATTRIBUTE, None) is None
    finally:
        frontdesk.close_resources()
