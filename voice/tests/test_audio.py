import numpy as np

from frontdesk_voice.audio import StreamResampler, frames, pcm_to_ulaw, resample, ulaw_to_pcm


def test_ulaw_matches_g711_reference_points():
    # G.711: code 0xFF and 0x7F are the two zeros; 0x00 is the most negative, 0x80 the most positive.
    assert np.frombuffer(ulaw_to_pcm(bytes([0xFF, 0x7F, 0x00, 0x80])), np.int16).tolist() == [0, 0, -32124, 32124]
    assert pcm_to_ulaw(np.array([0, 32767, -32768], np.int16).tobytes()) == bytes([0xFF, 0x80, 0x00])


def test_ulaw_round_trip_keeps_a_tone():
    tone = (np.sin(np.arange(8000) * 2 * np.pi * 440 / 8000) * 12000).astype(np.int16)
    back = np.frombuffer(ulaw_to_pcm(pcm_to_ulaw(tone.tobytes())), np.int16)
    assert np.corrcoef(tone, back)[0, 1] > 0.999


def test_stream_resampler_equals_resampling_the_whole_signal():
    tone = (np.sin(np.arange(16000) * 2 * np.pi * 300 / 8000) * 8000).astype(np.int16)
    stream = StreamResampler(8000, 16000)
    joined = b"".join(stream.process(tone[i:i + 160].tobytes()) for i in range(0, len(tone), 160))
    whole = resample(tone.tobytes(), 8000, 16000)
    a, b = np.frombuffer(joined, np.int16), np.frombuffer(whole, np.int16)
    assert len(b) - len(a) == 2 * StreamResampler.CONTEXT  # the fixed look-ahead still in the pipe
    assert np.array_equal(a[100:], b[100:len(a)])


def test_frames_pads_the_last_frame_with_silence():
    assert frames(b"\x01" * 250, 160) == [b"\x01" * 160, b"\x01" * 90 + b"\x00" * 70]
