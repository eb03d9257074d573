"""pocketsphinx and Piper for real: the English path that needs no download."""

import time

import pytest

from frontdesk_voice.audio import resample
from frontdesk_voice.grammars import grammar_for
from frontdesk_voice.sentences import split_sentences
from frontdesk_voice.speech import EngineRegistry, SpeechEngineFactory

from .speech_samples import espeak, line_noise, piper, piper_engine


@pytest.fixture(scope="module")
def sphinx():
    from frontdesk_voice.stt_pocketsphinx import PocketsphinxEngine

    engine = PocketsphinxEngine({"pocketsphinx_decoders": 2})
    engine.prime(resample(piper("Thanks for calling. How can I help you today?"), 8000, 16000))
    engine.fill_pool()
    return engine


def recognise(engine, pcm8k, grammar=None):
    stream = engine.start(grammar)
    # As the call feeds it: a little line hiss from the VAD's pre-roll before, and after.
    pcm = resample(line_noise(0.2) + pcm8k + line_noise(0.3), 8000, engine.sample_rate)
    partials = []
    for i in range(0, len(pcm), 640):
        stream.feed(pcm[i:i + 640])
        partials.append(stream.partial())
    return stream.final(), partials


def test_pocketsphinx_open_decoding_on_telephone_audio(sphinx):
    text, partials = recognise(sphinx, piper("I want to talk to a person"))
    assert text == "i want to talk to a person"
    assert any(p and p != text for p in partials), "partials grow while the caller talks"


def test_pocketsphinx_digit_grammar(sphinx):
    grammar = grammar_for({"slot": "order_number", "entity": "order_number"})
    text, _ = recognise(sphinx, piper("four zero seven one five"), grammar)
    assert text == "four zero seven one five"


@pytest.mark.parametrize("said, heard", [("yes please", "yes please"), ("no thanks", "nope")])
def test_pocketsphinx_yes_no_grammar_on_espeak_speech(sphinx, said, heard):
    text, _ = recognise(sphinx, espeak(said), grammar_for({"slot": "confirm", "entity": "yes|no"}))
    assert text.split()[0] in ("yes", "yeah", "yep") if said.startswith("yes") else text.split()[0] in ("no", "nope")


def test_pocketsphinx_warm_up_builds_primed_decoders_so_live_calls_build_none(sphinx):
    # Building a decoder holds the GIL ~0.3 s and would stall every live call; the warm-up builds the pool.
    assert sphinx.decoders_created == 2
    streams = [sphinx.start(None), sphinx.start(None)]
    assert sphinx.decoders_created == 2
    assert all(s._pooled.cmn == sphinx._cmn for s in streams), "every pooled decoder starts from the learned mean"
    for stream in streams:
        stream.final()


def test_pocketsphinx_pools_decoders(sphinx):
    first, second = sphinx.start(None), sphinx.start(None)
    created = sphinx.decoders_created
    first.final(), second.final()
    sphinx.start(None).final()
    assert sphinx.decoders_created == created  # reused, not rebuilt


def test_piper_streams_sentence_by_sentence():
    engine = piper_engine()
    assert engine.sample_rate == 22050
    started = time.perf_counter()
    chunks = engine.synthesize("Your order shipped on Monday. It should arrive by Thursday.")
    first = next(chunks)
    first_at = time.perf_counter() - started
    rest = list(chunks)
    assert len(rest) == 1 and len(first) > 22050  # two sentences, each over half a second
    assert first_at < 2.0


def test_sentences_split_and_links_are_not_read_out():
    assert split_sentences("Order #1001 shipped. Track it at https://x.example/t?1 now!") == [
        "Order #1001 shipped.", "Track it at the link we sent you now!"]


def test_engine_registry_refuses_duplicates_and_names_what_is_installed():
    registry = EngineRegistry()
    registry.register(SpeechEngineFactory("stt", "a", dict, plugin="one"))
    with pytest.raises(ValueError, match="one"):
        registry.register(SpeechEngineFactory("stt", "a", dict, plugin="two"))
    with pytest.raises(LookupError, match="installed: a"):
        registry.get("stt", "b")
    with pytest.raises(ValueError):
        SpeechEngineFactory("asr", "x", dict)


def test_pocketsphinx_product_grammar_skips_unknown_words_and_hears_the_title(sphinx):
    from frontdesk_voice.grammars import GrammarContext

    catalog = ["Trail Runner GTX", "Storm Shell Rain Jacket", "Trailhead Daypack 24L", "Summit Down Jacket"]
    grammar = grammar_for({"intent": "product.search", "slot": "product", "entity": "product"},
                          context=GrammarContext(catalog=lambda: catalog))
    text, _ = recognise(sphinx, piper("the storm shell rain jacket"), grammar)
    assert text == "the storm shell rain jacket"
    text, _ = recognise(sphinx, piper("Summit down jacket, please."), grammar)
    assert text == "summit down jacket"  # "please" is not in the grammar; the title still wins
