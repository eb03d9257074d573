"""Recognition in worker processes: same transcripts, spread over workers, a dead worker replaced, closed cleanly."""

import os
import signal
import time

import pytest

from frontdesk_voice.audio import resample
from frontdesk_voice.engines import builtin_factories
from frontdesk_voice.grammars import grammar_for
from frontdesk_voice.speech import SpeechEngineFactory
from frontdesk_voice.stt_process import ProcessRecognizer, ProcessStream, create_recognizer

from .speech_samples import line_noise, piper


def factory(name: str) -> SpeechEngineFactory:
    return next(f for f in builtin_factories() if f.kind == "stt" and f.name == name)


@pytest.fixture(scope="module")
def workers():
    recognizer = create_recognizer(factory("pocketsphinx"), {"stt_processes": 2, "pocketsphinx_decoders": 2})
    recognizer.prime(resample(piper("Thanks for calling. How can I help you today?"), 8000, 16000))
    yield recognizer
    recognizer.close()


@pytest.fixture(scope="module")
def in_process():
    engine = create_recognizer(factory("pocketsphinx"), {"stt_processes": 0, "pocketsphinx_decoders": 1})
    engine.prime(resample(piper("Thanks for calling. How can I help you today?"), 8000, 16000))
    return engine


def feed(stream, pcm8k: bytes, sample_rate: int = 16000) -> None:
    pcm = resample(line_noise(0.2) + pcm8k + line_noise(0.3), 8000, sample_rate)
    for i in range(0, len(pcm), 640):
        stream.feed(pcm[i:i + 640])


def test_settings_choose_where_recognition_runs():
    assert not isinstance(create_recognizer(factory("pocketsphinx"), {"stt_processes": 0}), ProcessRecognizer)
    # pocketsphinx keeps the GIL while decoding, so by default it gets workers; Vosk (cffi releases it) does not.
    assert factory("pocketsphinx").holds_gil and not factory("vosk").holds_gil


def test_workers_report_the_engine_they_run(workers):
    assert (workers.name, workers.sample_rate, workers.language) == ("pocketsphinx", 16000, "en")
    pids = {w.process.pid for w in workers.workers}
    assert len(pids) == 2 and os.getpid() not in pids
    assert workers.primed


@pytest.mark.parametrize("said, grammar", [("I want to talk to a person", None),
                                           ("four zero seven one five", {"slot": "order_number", "entity": "order_number"})])
def test_same_transcript_as_in_process(workers, in_process, said, grammar):
    audio = piper(said)
    texts = []
    for engine in (workers, in_process):
        stream = engine.start(grammar_for(grammar) if grammar else None)
        feed(stream, audio)
        texts.append(stream.final())
    assert texts[0] == texts[1] == said.lower()


def test_partials_arrive_while_the_caller_talks(workers):
    stream = workers.start(None)
    pcm = resample(piper("Where is my order? It has not arrived yet."), 8000, 16000)
    seen = []
    for i in range(0, len(pcm), 640):
        stream.feed(pcm[i:i + 640])
        time.sleep(0.002)  # roughly as a call feeds it, so the worker keeps up
        seen.append(stream.partial())
    text = stream.final()
    assert "order" in text
    assert any(p and p != text for p in seen), "the worker pushed partial hypotheses before the end"


def test_simultaneous_streams_go_to_different_workers(workers):
    first, second = workers.start(None), workers.start(None)
    assert isinstance(first, ProcessStream) and first.worker is not second.worker
    feed(first, piper("What are your opening hours?"))
    feed(second, piper("Can I return my shoes?"))
    assert "opening" in first.final()
    assert "return" in second.final()
    assert all(not w.streams for w in workers.workers), "finished streams are forgotten"


def test_a_worker_that_dies_mid_utterance_ends_its_stream_and_is_replaced(workers):
    stream = workers.start(None)
    victim = stream.worker
    old_pid = victim.process.pid
    feed(stream, piper("Hello there"))
    os.kill(old_pid, signal.SIGKILL)
    started = time.perf_counter()
    assert stream.final() == ""  # the caller hears "sorry, I didn't catch that", the call goes on
    assert time.perf_counter() - started < 5, "a dead worker is noticed at once, not after the final timeout"
    deadline = time.time() + 60
    while (victim.process.pid == old_pid or not victim._ready.is_set()) and time.time() < deadline:
        time.sleep(0.1)
    assert victim.process.pid != old_pid
    again = workers.start(None)
    while again.worker is not victim:  # make sure the replacement itself decodes
        again.final()
        again = workers.start(None)
    feed(again, piper("What are your opening hours?"))
    assert again.final() == "what are your opening hours"


def test_a_worker_whose_engine_fails_to_load_is_a_clear_error():
    broken = SpeechEngineFactory("stt", "pocketsphinx", _broken_engine, holds_gil=True)
    with pytest.raises(RuntimeError, match="worker 0 failed: .*no such model"):
        create_recognizer(broken, {"stt_processes": 1})


def _broken_engine(settings):
    raise FileNotFoundError("no such model: /nowhere")


def test_an_engine_a_worker_cannot_import_runs_in_process(caplog):
    inline = SpeechEngineFactory("stt", "pocketsphinx", lambda settings: factory("pocketsphinx").create(settings),
                                 holds_gil=True)
    engine = create_recognizer(inline, {"stt_processes": 2, "pocketsphinx_decoders": 1})
    assert not isinstance(engine, ProcessRecognizer)
    assert "cannot be sent to a worker" in caplog.text


def test_close_ends_the_worker_processes():
    recognizer = create_recognizer(factory("pocketsphinx"), {"stt_processes": 1, "pocketsphinx_decoders": 1})
    process = recognizer.workers[0].process
    recognizer.close()
    assert process.poll() is not None
    with pytest.raises(RuntimeError, match="closed"):
        recognizer.start(None)
