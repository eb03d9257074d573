"""The speech engines frontdesk-voice registers: Vosk and pocketsphinx (STT), Piper (TTS).

Imports happen inside the factories so a missing optional engine only fails when chosen.
"""

from __future__ import annotations

from typing import Any

from frontdesk_voice.speech import SpeechEngineFactory


def _vosk(settings: dict[str, Any]) -> Any:
    from frontdesk_voice.stt_vosk import VoskEngine

    return VoskEngine(settings)


def _pocketsphinx(settings: dict[str, Any]) -> Any:
    from frontdesk_voice.stt_pocketsphinx import PocketsphinxEngine

    return PocketsphinxEngine(settings)


def _piper(settings: dict[str, Any]) -> Any:
    from frontdesk_voice.tts_piper import PiperEngine

    return PiperEngine(settings)


def builtin_factories() -> list[SpeechEngineFactory]:
    return [
        SpeechEngineFactory("stt", "vosk", _vosk, languages=("*",), description="Vosk/Kaldi, streaming, grammars", plugin="voice"),
        SpeechEngineFactory("stt", "pocketsphinx", _pocketsphinx, description="CMU pocketsphinx, US English bundled", plugin="voice",
                           holds_gil=True),
        SpeechEngineFactory("tts", "piper", _piper, languages=("*",), description="Piper neural TTS (default voice en_US-joe-medium)", plugin="voice"),
    ]
