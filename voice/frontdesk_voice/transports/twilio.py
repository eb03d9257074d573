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
speaks the same events in snake_case, and this module serves both. What differs: the stream id is
``stream_id`` at the top level of every frame; ``start`` carries ``call_control_id``, ``from``, ``to``,
``custom_parameters`` and ``media_format`` = ``{"encoding": "PCMU", "sample_rate": 8000, "channels": 1}``
(older pages show ``"audio/x-mulaw"``; both are read); the frames we send carry no stream id
(``{"event": "media", "media": {"payload"}}``, ``{"event": "mark", "mark": {"name"}}``,
``{"event": "clear"}``); Telnyx also sends ``error`` frames (``malformed_frame``, ``invalid_media`` …), which
we log. Marks come back when the audio before them has played, at once when nothing is queued, and all
pending ones on ``clear`` — as on Twilio. The caller's number is ``start.from``. Telnyx only plays what we
send when the stream is bidirectional in RTP mode (``bidirectionalMode="rtp"``, the default is mp3):
https://developers.telnyx.com/docs/voice/programmable-voice/texml-verbs/stream — :func:`texml` asks for it.
TeXML's ``<Connect><Stream>`` waits for the stream to stop before the next verb
(https://developers.telnyx.com/docs/voice/texml/rest-api/streams/index), and a TeXML webhook's ``CallSid``
is the ``call_control_id`` (https://developers.telnyx.com/api-reference/callbacks/texml-call-answered), so
the ``<Redirect>`` transfer below works on Telnyx too.

Transfer to a person: closing the stream from our side ends ``<Connect>``, and "if you do not
provide an action URL, <Connect> will finish and Twilio will move on to the next TwiML verb in
the document" (https://www.twilio.com/docs/voice/twiml/connect; "Twilio resumes the remaining
TwiML only after your server closes the WebSocket connection",
https://www.twilio.com/docs/api/errors/31921). So the TwiML puts a ``<Redirect>``
(https://www.twilio.com/docs/voice/twiml/redirect) after ``<Connect>``; the after-stream
endpoint answers ``<Dial>`` (https://www.twilio.com/docs/voice/twiml/dial) for a call the bot
flagged for transfer (by its CallSid, in ``start.callSid`` and in the webhook's form) and
``<Hangup/>`` for every other call, as before.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from frontdesk_voice.audio import frames, pcm_to_ulaw, ulaw_to_pcm
from frontdesk_voice.transports.base import IDLE_TIMEOUT_S, LockedSocket

log = logging.getLogger("frontdesk_voice.twilio")

FRAME = 160  # 20 ms of 8 kHz μ-law


XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>'


def twiml(stream_url: str, caller: str | None, after_stream_url: str) -> str:
    """The TwiML that answers a call, connects it to our Media Streams endpoint and, when the stream ends,
    asks ``after_stream_url`` what next (put through to a person, or hang up)."""
    parameter = f"<Parameter name=\"caller\" value={quoteattr(caller)} />" if caller else ""
    return (
        XML_HEAD +
        f"<Response><Connect><Stream url={quoteattr(stream_url)}>{parameter}</Stream></Connect>"
        f"<Redirect method=\"POST\">{escape(after_stream_url)}</Redirect></Response>"
    )


def texml(stream_url: str, after_stream_url: str) -> str:
    """Telnyx TeXML: the same ``<Connect><Stream>`` + ``<Redirect>``, with the stream bidirectional in RTP mode
    (μ-law 8 kHz both ways). The caller's number arrives in the stream's ``start.from``."""
    return (
        XML_HEAD +
        f"<Response><Connect><Stream url={quoteattr(stream_url)} bidirectionalMode=\"rtp\" "
        f"bidirectionalCodec=\"PCMU\" /></Connect>"
        f"<Redirect method=\"POST\">{escape(after_stream_url)}</Redirect></Response>"
    )


def after_stream_twiml(number: str | None, caller_id: str | None = None) -> str:
    """``<Dial>`` the number a call was flagged for; otherwise end the call, as the stream's end always did.

    Without ``callerId`` Twilio shows the caller's own number to the person answering; it is set only
    when the caller's number is withheld or invalid, since those make the dialled leg fail
    (https://www.twilio.com/docs/api/errors/13214).
    """
    if not number:
        return XML_HEAD + "<Response><Hangup/></Response>"
    attribute = f" callerId={quoteattr(caller_id)}" if caller_id else ""
    return XML_HEAD + f"<Response><Dial{attribute}>{escape(number)}</Dial></Response>"


class TwilioSink:
    rate = 8000
    supports_marks = True
    supports_transfer = True

    def __init__(self, socket: LockedSocket):
        self.socket = socket
        self.stream_sid = ""
        self.stream_key = "streamSid"

    def _send(self, message: dict[str, Any]) -> None:
        if self.stream_key:  # Telnyx's documented frames to it name no stream
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
        # Closing the stream ends <Connect>; the after-stream TwiML then hangs up (the call was not flagged).
        self.socket.close()

    def transfer(self) -> None:
        # Closing the stream ends <Connect>; the TwiML's <Redirect> then asks where the call goes.
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
                start = _object(message.get("start"))
                problem = _codec_problem(start.get("mediaFormat") or start.get("media_format"))
                if problem:
                    log.error("media stream refused: %s", problem)
                    stats["error"] = problem
                    break
                telnyx = "stream_id" in message and "streamSid" not in message
                sink.stream_sid = start.get("streamSid") or message.get("streamSid") or message.get("stream_id") or ""
                if telnyx:
                    sink.stream_key = ""
                params = start.get("customParameters") or start.get("custom_parameters") or {}
                caller = (params.get("caller") if isinstance(params, dict) else None) or start.get("from") or None
                call = service.new_call(sink, caller_id=caller, transport="telnyx" if telnyx else "twilio")
                call.network_call_id = start.get("callSid") or start.get("call_control_id") or None
                call.begin()
            elif event == "media":
                audio = _payload(message)
                if audio is None or call is None:
                    stats["malformed" if audio is None else "ignored"] += 1
                    continue
                if _object(message.get("media")).get("track", "inbound") not in ("inbound", "inbound_track"):
                    continue
                stats["media"] += 1
                call.on_audio(ulaw_to_pcm(audio))
            elif event == "dtmf" and call is not None:
                digit = str(_object(message.get("dtmf")).get("digit", ""))
                call.on_dtmf(digit)
            elif event == "mark" and call is not None:
                call.on_mark(str(_object(message.get("mark")).get("name", "")))
            elif event == "stop":
                break
            elif event == "error":  # Telnyx: something we sent was refused (malformed_frame, invalid_media …)
                detail = message.get("error") or message.get("payload") or {}
                log.warning("the network reported a stream error: %s", json.dumps(detail)[:300])
                stats["errors"] = stats.get("errors", 0) + 1
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
    payload = _object(message.get("media")).get("payload")
    if not isinstance(payload, str):
        return None
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None


def _object(value: Any) -> dict[str, Any]:
    """A JSON object field, or {} when a malformed frame has something else there."""
    return value if isinstance(value, dict) else {}


def _codec_problem(media_format: Any) -> str | None:
    if not media_format:
        return None  # older streams omit it; Twilio only sends μ-law 8 kHz
    if not isinstance(media_format, dict):
        return f"unreadable media format {str(media_format)[:60]!r}"
    encoding = str(media_format.get("encoding", "")).lower()
    try:
        rate = int(media_format.get("sampleRate") or media_format.get("sample_rate") or 8000)
    except (TypeError, ValueError):
        return f"unreadable sample rate {media_format.get('sampleRate') or media_format.get('sample_rate')!r}"
    if encoding not in ("audio/x-mulaw", "pcmu") or rate != 8000:
        return f"unsupported media format {encoding or '?'} at {rate} Hz (expected μ-law 8000: audio/x-mulaw or PCMU)"
    return None
