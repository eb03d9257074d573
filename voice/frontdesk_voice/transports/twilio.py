"""Twilio Media Streams, bidirectional (``<Connect><Stream>``).

Protocol, as documented at https://www.twilio.com/docs/voice/media-streams/websocket-messages :
Twilio sends JSON text frames ``connected``, ``start`` (``start.streamSid``, ``start.callSid``,
``start.mediaFormat`` = ``{"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}``,
``start.customParameters``), ``media`` (``media.payload`` base64 μ-law, 20 ms),
``dtmf`` (``dtmf.digit``), ``mark`` (``mark.name``, echoed once audio sent before it has played
or was cleared) and ``stop``. We send ``media`` (``{"event": "media", "streamSid", "media":
{"payload"}}``), ``mark`` and ``clear`` (drops audio Twilio has buffered; used for barge-in).
TwiML: https://www.twilio.com/docs/voice/twiml/stream — ``<Parameter>`` values arrive in
``customParameters``; we pass the caller's number that way.

Telnyx media streaming (https://developers.telnyx.com/api-reference/websockets/stream-call-media-over-websocket)
speaks the same events with ``stream_id`` in place of ``streamSid``; both are accepted.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any
from xml.sax.saxutils import quoteattr

from frontdesk_voice.audio import frames, pcm_to_ulaw, ulaw_to_pcm
from frontdesk_voice.transports.base import IDLE_TIMEOUT_S, LockedSocket

log = logging.getLogger("frontdesk_voice.twilio")

FRAME = 160  # 20 ms of 8 kHz μ-law


def twiml(stream_url: str, caller: str | None) -> str:
    """The TwiML that answers a call and connects it to our Media Streams endpoint."""
    parameter = f"<Parameter name=\"caller\" value={quoteattr(caller)} />" if caller else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<Response><Connect><Stream url={quoteattr(stream_url)}>{parameter}</Stream></Connect>"
        "<Hangup/></Response>"
    )


class TwilioSink:
    rate = 8000
    supports_marks = True

    def __init__(self, socket: LockedSocket):
        self.socket = socket
        self.stream_sid = ""
        self.stream_key = "streamSid"

    def _send(self, message: dict[str, Any]) -> None:
        message[self.stream_key] = self.stream_sid
        self.socket.send(json.dumps(message))

    def send_audio(self, pcm16: bytes) -> None:
        for frame in frames(pcm_to_ulaw(pcm16), FRAME, pad=True):
            self._send({"event": "media", "media": {"payload": base64.b64encode(frame).decode("ascii")}})

    def send_mark(self, name: str) -> None:
        self._send({"event": "mark", "mark": {"name": name}})

    def clear(self) -> None:
        self._send({"event": "clear"})

    def hangup(self) -> None:
        # Closing the stream ends <Connect>; the TwiML's <Hangup/> then ends the call.
        self.socket.close()

    def send_event(self, event: dict[str, Any]) -> None:
        pass


def serve(ws: Any, service: Any) -> dict[str, Any]:
    """Run one Media Streams connection until ``stop`` or the socket closes. Returns counters."""
    socket = LockedSocket(ws)
    sink = TwilioSink(socket)
    call = None
    stats = {"media": 0, "malformed": 0, "ignored": 0}
    try:
        while True:
            raw = ws.receive(timeout=IDLE_TIMEOUT_S)
            if raw is None:
                log.warning("no message from Twilio for %.0f s; ending the call", IDLE_TIMEOUT_S)
                break
            message = _parse(raw)
            if message is None:
                stats["malformed"] += 1
                continue
            event = message.get("event")
            if event == "connected":
                continue
            if event == "start":
                if call is not None:
                    stats["ignored"] += 1
                    continue
                start = message.get("start") or {}
                problem = _codec_problem(start.get("mediaFormat") or start.get("media_format"))
                if problem:
                    log.error("Twilio stream refused: %s", problem)
                    stats["error"] = problem
                    break
                sink.stream_sid = start.get("streamSid") or message.get("streamSid") or message.get("stream_id") or ""
                if "stream_id" in message and "streamSid" not in message:
                    sink.stream_key = "stream_id"
                params = start.get("customParameters") or start.get("custom_parameters") or {}
                caller = params.get("caller") or start.get("from") or None
                call = service.new_call(sink, caller_id=caller, transport="twilio")
                call.begin()
            elif event == "media":
                audio = _payload(message)
                if audio is None or call is None:
                    stats["malformed" if audio is None else "ignored"] += 1
                    continue
                if (message.get("media") or {}).get("track", "inbound") not in ("inbound", "inbound_track"):
                    continue
                stats["media"] += 1
                call.on_audio(ulaw_to_pcm(audio))
            elif event == "dtmf" and call is not None:
                digit = str((message.get("dtmf") or {}).get("digit", ""))
                call.on_dtmf(digit)
            elif event == "mark" and call is not None:
                call.on_mark(str((message.get("mark") or {}).get("name", "")))
            elif event == "stop":
                break
            else:
                stats["ignored"] += 1
    finally:
        if call is not None:
            call.hangup("stream stopped" if not socket.closed else "call ended")
        socket.close()
    if call is not None:
        stats["call"] = call
    return stats


def _parse(raw: Any) -> dict[str, Any] | None:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
    try:
        message = json.loads(raw)
    except (ValueError, TypeError):
        return None
    return message if isinstance(message, dict) else None


def _payload(message: dict[str, Any]) -> bytes | None:
    payload = (message.get("media") or {}).get("payload")
    if not isinstance(payload, str):
        return None
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None


def _codec_problem(media_format: dict[str, Any] | None) -> str | None:
    if not media_format:
        return None  # older streams omit it; Twilio only sends μ-law 8 kHz
    encoding = str(media_format.get("encoding", "")).lower()
    rate = int(media_format.get("sampleRate") or media_format.get("sample_rate") or 8000)
    if encoding not in ("audio/x-mulaw", "pcmu") or rate != 8000:
        return f"unsupported media format {encoding or '?'} at {rate} Hz (expected audio/x-mulaw 8000)"
    return None
