"""Browser calling: the widget's call button streams the microphone over a WebSocket.

Protocol (JSON text frames and binary PCM; documented in voice/README.md):

* client → ``{"type": "start", "sample_rate": 48000}`` first (the rate of the PCM it will send)
* client → BINARY: 16-bit little-endian mono PCM at that rate, any chunk size
* client → ``{"type": "dtmf", "digit": "1"}``, ``{"type": "hangup"}``
* server → ``{"type": "ready", "sample_rate": 16000}``: BINARY replies are 16-bit LE mono PCM at 16 kHz
* server → ``{"type": "transcript", "text": …, "final": true}``, ``{"type": "bot", "text": …}``
* server → ``{"type": "clear"}``: the caller talked over the bot; stop playback at once
* server → ``{"type": "hangup", "reason": …}`` then closes
"""

from __future__ import annotations

import json
import logging
from typing import Any

from frontdesk_voice.transports.base import IDLE_TIMEOUT_S, LockedSocket

log = logging.getLogger("frontdesk_voice.browser")

OUT_RATE = 16000
IN_RATES = (8000, 16000, 22050, 24000, 32000, 44100, 48000)


class BrowserSink:
    rate = OUT_RATE
    supports_marks = False

    def __init__(self, socket: LockedSocket):
        self.socket = socket

    def send_audio(self, pcm16: bytes) -> None:
        self.socket.send(pcm16)

    def send_mark(self, name: str) -> None:
        pass

    def clear(self) -> None:
        self.send_event({"type": "clear"})

    def hangup(self) -> None:
        self.send_event({"type": "hangup", "reason": "bot ended the call"})
        self.socket.close()

    def send_event(self, event: dict[str, Any]) -> None:
        self.socket.send(json.dumps(event))


def serve(ws: Any, service: Any) -> dict[str, Any]:
    socket = LockedSocket(ws)
    sink = BrowserSink(socket)
    call = None
    stats: dict[str, Any] = {"media": 0, "malformed": 0, "ignored": 0}
    try:
        while True:
            raw = ws.receive(timeout=IDLE_TIMEOUT_S)
            if raw is None:
                break
            if isinstance(raw, (bytes, bytearray)):
                if call is None:
                    stats["ignored"] += 1
                    continue
                stats["media"] += 1
                call.on_audio(bytes(raw))
                continue
            try:
                message = json.loads(raw)
                kind = message.get("type")
            except (ValueError, AttributeError):
                stats["malformed"] += 1
                sink.send_event({"type": "error", "error": "messages must be JSON objects or binary PCM"})
                continue
            if kind == "start" and call is None:
                rate = message.get("sample_rate")
                if rate not in IN_RATES:
                    sink.send_event({"type": "error", "error": f"sample_rate must be one of {list(IN_RATES)}"})
                    stats["malformed"] += 1
                    continue
                sink.send_event({"type": "ready", "sample_rate": OUT_RATE})
                call = service.new_call(sink, caller_id=None, transport="browser", in_rate=int(rate),
                                        on_event=sink.send_event)
                call.begin()
            elif kind == "dtmf" and call is not None:
                call.on_dtmf(str(message.get("digit", "")))
            elif kind == "hangup":
                break
            else:
                stats["ignored"] += 1
    finally:
        if call is not None:
            call.hangup("caller hung up")
        socket.close()
    if call is not None:
        stats["call"] = call
    return stats
