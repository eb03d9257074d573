"""Asterisk ``chan_websocket`` (Asterisk 20.16 / 21.11 / 22.6 / 23.0 and later).

Protocol, as documented at https://docs.asterisk.org/Configuration/Channel-Drivers/WebSocket/ :
BINARY frames carry raw media both ways (for ``c(ulaw)``: 160 bytes every 20 ms from
Asterisk; we may send any multiple of ``optimal_frame_size`` and Asterisk re-times it).
TEXT frames carry control: from Asterisk ``MEDIA_START connection_id:… channel:… format:ulaw
optimal_frame_size:160``, ``DTMF_END digit:5``, ``MEDIA_XOFF`` / ``MEDIA_XON`` (its queue of
~1000 frames is nearly full / has drained), ``STATUS …``, ``QUEUE_DRAINED``; to Asterisk
``FLUSH_MEDIA`` (drop queued media: barge-in), ``HANGUP``, ``ANSWER``. Newer releases can send
the same events as JSON (``{"event": "MEDIA_START", "format": …}``) when
``control_message_format = json``; we read both and answer in the format we were spoken to.
The caller's number comes from the dial string's ``v(caller=…)`` URI parameter.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from frontdesk_voice.audio import frames, pcm_to_ulaw, ulaw_to_pcm
from frontdesk_voice.transports.base import IDLE_TIMEOUT_S, LockedSocket

log = logging.getLogger("frontdesk_voice.asterisk")

RATES = {"ulaw": 8000, "slin": 8000, "slin16": 16000}
MAX_MESSAGE = 8000  # bytes per BINARY message: 1 s of μ-law, far under Asterisk's 65500 limit


def parse_control(text: str) -> dict[str, str]:
    """``MEDIA_START connection_id:x format:ulaw`` or its JSON form → ``{"event": "MEDIA_START", ...}``."""
    text = text.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return {}
        return {k: v if isinstance(v, str) else json.dumps(v) if isinstance(v, (dict, list)) else str(v)
                for k, v in data.items()} if isinstance(data, dict) else {}
    parts = text.split()
    if not parts:
        return {}
    fields = {"event": parts[0]}
    for part in parts[1:]:
        key, sep, value = part.partition(":")
        if sep:
            fields[key] = value
    return fields


class AsteriskSink:
    supports_marks = False

    def __init__(self, socket: LockedSocket):
        self.socket = socket
        self.format = "ulaw"
        self.rate = 8000
        self.frame_size = 160
        self.json_control = False
        self._flowing = threading.Event()
        self._flowing.set()
        self._generation = 0

    def command(self, name: str) -> None:
        self.socket.send(json.dumps({"command": name}) if self.json_control else name)

    def encode(self, pcm16: bytes) -> bytes:
        return pcm_to_ulaw(pcm16) if self.format == "ulaw" else pcm16

    def send_audio(self, pcm16: bytes) -> None:
        generation = self._generation
        data = b"".join(frames(self.encode(pcm16), self.frame_size, pad=True))
        step = MAX_MESSAGE - MAX_MESSAGE % self.frame_size
        for i in range(0, len(data), step):
            # MEDIA_XOFF: Asterisk's queue is nearly full; wait for MEDIA_XON rather than have media dropped.
            while not self._flowing.wait(0.1):
                if self.socket.closed or generation != self._generation:
                    return
            if generation != self._generation:
                return  # flushed by a barge-in while we waited
            self.socket.send(data[i:i + step])

    def send_mark(self, name: str) -> None:
        pass

    def clear(self) -> None:
        self._generation += 1
        self.command("FLUSH_MEDIA")

    def hangup(self) -> None:
        self.command("HANGUP")
        self.socket.close()

    def send_event(self, event: dict[str, Any]) -> None:
        pass

    def xoff(self) -> None:
        self._flowing.clear()

    def xon(self) -> None:
        self._flowing.set()


def serve(ws: Any, service: Any, caller_id: str | None = None) -> dict[str, Any]:
    socket = LockedSocket(ws)
    sink = AsteriskSink(socket)
    call = None
    stats: dict[str, Any] = {"media": 0, "malformed": 0, "ignored": 0}
    try:
        while True:
            raw = ws.receive(timeout=IDLE_TIMEOUT_S)
            if raw is None:
                log.warning("no media from Asterisk for %.0f s; ending the call", IDLE_TIMEOUT_S)
                break
            if isinstance(raw, (bytes, bytearray)):
                if call is None:
                    stats["ignored"] += 1
                    continue
                if sink.format == "ulaw":
                    call.on_audio(ulaw_to_pcm(bytes(raw)))
                else:
                    call.on_audio(bytes(raw))
                stats["media"] += 1
                continue
            control = parse_control(raw)
            event = control.get("event", "")
            if not event:
                stats["malformed"] += 1
            elif event == "MEDIA_START":
                if call is not None:
                    stats["ignored"] += 1
                    continue
                sink.json_control = raw.lstrip().startswith("{")
                sink.format = control.get("format", "ulaw").lower()
                if sink.format not in RATES:
                    stats["error"] = f"unsupported format {sink.format!r}; dial with c(ulaw)"
                    log.error("Asterisk channel refused: %s", stats["error"])
                    sink.command("HANGUP")
                    break
                sink.rate = RATES[sink.format]
                sink.frame_size = int(control.get("optimal_frame_size") or sink.rate // 50 * (1 if sink.format == "ulaw" else 2))
                call = service.new_call(sink, caller_id=caller_id, transport="asterisk", in_rate=sink.rate)
                call.begin()
            elif event == "DTMF_END" and call is not None:
                call.on_dtmf(control.get("digit", ""))
            elif event == "MEDIA_XOFF":
                sink.xoff()
            elif event == "MEDIA_XON":
                sink.xon()
            elif event in ("HANGUP", "MEDIA_END"):
                break
            else:
                stats["ignored"] += 1  # STATUS, QUEUE_DRAINED, MEDIA_BUFFERING_COMPLETED, DTMF_BEGIN …
    finally:
        sink.xon()
        if call is not None:
            call.hangup("caller hung up")
        socket.close()
    if call is not None:
        stats["call"] = call
    return stats
