"""Local peers that speak each transport's protocol exactly as documented, over a real WebSocket.

They stand in for Twilio and Asterisk (which can't run here): a "microphone" thread
streams caller audio in real time (silence or faint line noise between sentences, as a
phone line does), and a "speaker" thread plays what the server sends at real time,
echoing Twilio ``mark``s when playback reaches them and dropping queued audio on
``clear`` / ``FLUSH_MEDIA``.

Twilio: https://www.twilio.com/docs/voice/media-streams/websocket-messages
Asterisk: https://docs.asterisk.org/Configuration/Channel-Drivers/WebSocket/
"""

from __future__ import annotations

import base64
import json
import queue
import threading
import time
import uuid
from typing import Any

import numpy as np
from simple_websocket import Client, ConnectionClosed
from wsproto.utilities import LocalProtocolError

from frontdesk_voice.audio import pcm_to_ulaw, ulaw_to_pcm

from .speech_samples import line_noise


class Peer:
    in_rate = 8000  # what the peer sends
    frame_ms = 20

    def __init__(self, url: str, speed: float = 1.0):
        self.url = url
        self.speed = speed  # >1 plays the bot's audio faster than real time (tests only)
        self.ws = Client.connect(url)
        self.mic: queue.Queue[bytes] = queue.Queue()
        self.played = bytearray()  # what the caller actually heard (PCM at out_rate)
        self.received = bytearray()
        self.events: list[tuple[float, Any]] = []
        self.audio_times: list[float] = []  # wall time each server audio message arrived
        self.gaps_ms: list[float] = []  # how long each underrun left the caller in silence
        self.closed = threading.Event()
        self.lock = threading.Lock()
        self._speaker: list[bytes] = []
        self._frame_bytes = self.in_rate * self.frame_ms // 1000 * 2
        self._noise = line_noise(1.0, self.in_rate)
        self._noise_pos = 0
        self.speech_sent_at: list[float] = []  # wall time the first frame of each say() left
        self.speech_ended_at: list[float] = []
        self._threads = [threading.Thread(target=self._receive, daemon=True),
                         threading.Thread(target=self._play, daemon=True)]

    def start(self) -> "Peer":
        self.handshake()
        for thread in self._threads:
            thread.start()
        self._mic_thread = threading.Thread(target=self._microphone, daemon=True)
        self._mic_thread.start()
        return self

    # --- to override ---------------------------------------------------------------
    def handshake(self) -> None: ...
    def send_frame(self, pcm: bytes) -> None: ...
    def on_message(self, message: Any) -> None: ...
    def on_played_to(self, position: int) -> None: ...

    # --- caller side -------------------------------------------------------------------
    def say(self, pcm: bytes, trailing_silence: float = 1.2) -> None:
        """Queue a sentence; the microphone sends it frame by frame in real time."""
        frames = [pcm[i:i + self._frame_bytes] for i in range(0, len(pcm), self._frame_bytes)]
        if frames and len(frames[-1]) < self._frame_bytes:
            frames[-1] += b"\x00" * (self._frame_bytes - len(frames[-1]))
        self.mic.put(("mark_start", None))
        for frame in frames:
            self.mic.put(("audio", frame))
        self.mic.put(("mark_end", None))
        for _ in range(int(trailing_silence * 1000 / self.frame_ms)):
            self.mic.put(("audio", self._next_noise()))

    def _next_noise(self) -> bytes:
        start = self._noise_pos % (len(self._noise) - self._frame_bytes)
        start -= start % 2
        self._noise_pos += self._frame_bytes
        return self._noise[start:start + self._frame_bytes]

    def _microphone(self) -> None:
        next_at = time.perf_counter()
        while not self.closed.is_set():
            try:
                kind, frame = self.mic.get_nowait()
            except queue.Empty:
                kind, frame = "audio", self._next_noise()
            if kind == "mark_start":
                self.speech_sent_at.append(time.perf_counter())
                continue
            if kind == "mark_end":
                self.speech_ended_at.append(time.perf_counter())
                continue
            try:
                self.send_frame(frame)
            except (ConnectionClosed, OSError):
                self.closed.set()
                return
            next_at += self.frame_ms / 1000
            delay = next_at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)

    def wait_idle(self, timeout: float = 30.0, settle: float = 0.6) -> None:
        """Wait until the bot has said something and finished saying it (all played)."""
        deadline = time.perf_counter() + timeout
        start_len = len(self.received)
        while time.perf_counter() < deadline:
            with self.lock:
                pending = sum(len(c) for c in self._speaker)
            quiet = self.audio_times and time.perf_counter() - self.audio_times[-1] > settle
            if len(self.received) > start_len and pending == 0 and quiet:
                return
            time.sleep(0.05)
        raise TimeoutError("the bot did not finish speaking")

    def wait_silent_queue(self) -> None:
        while not self.mic.empty():
            time.sleep(0.02)

    # --- bot side -----------------------------------------------------------------------
    underruns = 0
    queue_empty_events = 0
    _empty_since = 0.0
    _dry_since = 0.0

    def queue_audio(self, pcm: bytes) -> None:
        """Audio from the server. Counted by the playout clock: when a 20 ms tick found nothing to play
        and audio came again under 0.8 s later, the caller heard a gap mid-reply — an underrun.

        ``queue_empty_events`` is the old count (the queue was empty when audio arrived, though the
        last frame taken from it was still playing): it counts gaps the caller never hears.
        """
        now = time.perf_counter()
        with self.lock:
            if not self._speaker and self._empty_since and now - self._empty_since < 0.8:
                self.queue_empty_events += 1
            if not self._speaker and self._dry_since and now - self._dry_since < 0.8:
                self.underruns += 1
                self.gaps_ms.append(round((now - self._dry_since) * 1000, 1))
            self._empty_since = self._dry_since = 0.0
            self._speaker.append(pcm)
            self.received.extend(pcm)
            self.audio_times.append(now)

    def drop_queued_audio(self) -> None:
        with self.lock:
            self._speaker.clear()

    def _play(self) -> None:
        """The peer's playout clock: one 20 ms frame per tick on an absolute schedule, as a phone plays.

        A tick that finds the queue empty right after playing is when the caller would hear silence.
        When this thread itself is held up (it shares the process with the server), it catches up
        on its schedule rather than drifting: a real peer's clock does not wait for us.
        """
        out_rate = self.out_rate
        step = out_rate * 2 // 50  # 20 ms
        tick = 0.02 / self.speed
        next_at = time.perf_counter()
        was_playing = False
        while not self.closed.is_set():
            with self.lock:
                chunk = b""
                if self._speaker:
                    head = self._speaker[0]
                    chunk, rest = head[:step], head[step:]
                    if rest:
                        self._speaker[0] = rest
                    else:
                        self._speaker.pop(0)
                        if not self._speaker:
                            self._empty_since = time.perf_counter()
                elif was_playing and not self._dry_since:
                    self._dry_since = next_at  # this tick had nothing to play
                if chunk:
                    self.played.extend(chunk)
                was_playing = bool(chunk)
            if chunk:
                self.on_played_to(len(self.played))
            next_at += tick
            delay = next_at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            elif delay < -1.0:
                next_at = time.perf_counter()  # held up for over a second: resume from now

    def _receive(self) -> None:
        while not self.closed.is_set():
            try:
                message = self.ws.receive(timeout=0.5)
            except (ConnectionClosed, OSError):
                self.closed.set()
                return
            if message is None:
                continue
            self.events.append((time.perf_counter(), message if isinstance(message, str) else len(message)))
            self.on_message(message)

    def events_of(self, kind: str) -> list[tuple[float, dict[str, Any]]]:
        out = []
        for at, message in list(self.events):
            if isinstance(message, str):
                try:
                    data = json.loads(message)
                except ValueError:
                    data = {"event": message.split()[0] if message.split() else ""}
                if data.get("event") == kind or data.get("type") == kind or data.get("command") == kind:
                    out.append((at, data))
        return out

    def close(self) -> None:
        self.closed.set()
        try:
            self.ws.close()
        except Exception:
            pass


class TwilioPeer(Peer):
    out_rate = 8000

    def __init__(self, url: str, caller: str | None = None, speed: float = 1.0, media_format: dict | None = None):
        super().__init__(url, speed)
        self.caller = caller
        self.stream_sid = "MZ" + uuid.uuid4().hex
        self.call_sid = "CA" + uuid.uuid4().hex
        self.sequence = 0
        self.chunk = 0
        self.media_format = media_format or {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}
        self.marks: list[tuple[int, str]] = []  # (position in played audio, name)
        self.echoed_marks: list[str] = []

    def _next(self) -> str:
        self.sequence += 1
        return str(self.sequence)

    def send(self, message: dict[str, Any]) -> None:
        self.ws.send(json.dumps(message))

    def handshake(self) -> None:
        self.send({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        start = {"accountSid": "AC" + uuid.uuid4().hex, "streamSid": self.stream_sid, "callSid": self.call_sid,
                 "tracks": ["inbound"], "mediaFormat": self.media_format,
                 "customParameters": {"caller": self.caller} if self.caller else {}}
        self.send({"event": "start", "sequenceNumber": self._next(), "start": start, "streamSid": self.stream_sid})

    def send_frame(self, pcm: bytes) -> None:
        self.chunk += 1
        self.send({"event": "media", "sequenceNumber": self._next(), "streamSid": self.stream_sid,
                   "media": {"track": "inbound", "chunk": str(self.chunk), "timestamp": str(self.chunk * 20),
                             "payload": base64.b64encode(pcm_to_ulaw(pcm)).decode()}})

    def dtmf(self, digit: str) -> None:
        self.send({"event": "dtmf", "streamSid": self.stream_sid, "sequenceNumber": self._next(),
                   "dtmf": {"track": "inbound_track", "digit": digit}})

    def stop(self) -> None:
        self.send({"event": "stop", "sequenceNumber": self._next(), "streamSid": self.stream_sid,
                   "stop": {"accountSid": "AC0", "callSid": self.call_sid}})

    def _echo_mark(self, name: str) -> None:
        self.echoed_marks.append(name)
        try:
            self.send({"event": "mark", "sequenceNumber": self._next(), "streamSid": self.stream_sid,
                       "mark": {"name": name}})
        except (ConnectionClosed, OSError, LocalProtocolError):  # we hung up while a clear's marks were echoed
            pass

    def on_message(self, message: Any) -> None:
        data = json.loads(message)
        assert data.get("streamSid") == self.stream_sid, "every message to Twilio names the stream"
        event = data["event"]
        if event == "media":
            self.queue_audio(ulaw_to_pcm(base64.b64decode(data["media"]["payload"])))
        elif event == "mark":
            with self.lock:
                queued = sum(len(c) for c in self._speaker)
                self.marks.append((len(self.played) + queued, data["mark"]["name"]))
            self.on_played_to(len(self.played))
        elif event == "clear":
            # Twilio empties its buffer and echoes every mark still pending.
            self.drop_queued_audio()
            with self.lock:
                pending, self.marks = self.marks, []
            for _, name in pending:
                self._echo_mark(name)

    def on_played_to(self, position: int) -> None:
        with self.lock:
            due = [m for m in self.marks if m[0] <= position]
            self.marks = [m for m in self.marks if m[0] > position]
        for _, name in due:
            self._echo_mark(name)


class AsteriskPeer(Peer):
    out_rate = 8000

    def __init__(self, url: str, speed: float = 1.0, json_control: bool = False, fmt: str = "ulaw",
                 xoff_at: int | None = None):
        super().__init__(url, speed)
        self.json_control = json_control
        self.fmt = fmt
        self.xoff_at = xoff_at  # queue length (frames) that triggers MEDIA_XOFF
        self.xoff_sent = False
        self.received_while_xoff = 0
        self.commands: list[str] = []

    def control(self, event: str, **fields: str) -> None:
        if self.json_control:
            self.ws.send(json.dumps({"event": event, "channel_id": "1761245643.1", **fields}))
        else:
            self.ws.send(" ".join([event] + [f"{k}:{v}" for k, v in fields.items()]))

    def handshake(self) -> None:
        self.control("MEDIA_START", connection_id="c0ffee", channel="WebSocket/frontdesk/0x1", format=self.fmt,
                     optimal_frame_size="160" if self.fmt == "ulaw" else "320")

    def send_frame(self, pcm: bytes) -> None:
        self.ws.send(pcm_to_ulaw(pcm) if self.fmt == "ulaw" else pcm)

    def dtmf(self, digit: str) -> None:
        self.control("DTMF_END", digit=digit)

    def on_message(self, message: Any) -> None:
        if isinstance(message, (bytes, bytearray)):
            assert len(message) % 160 == 0, "media must be whole 20 ms frames"
            if self.xoff_sent and time.perf_counter() - self.xoff_at_time > 0.2:
                self.received_while_xoff += 1  # sent after our XOFF could have arrived
            self.queue_audio(ulaw_to_pcm(bytes(message)))
            if self.xoff_at is not None and not self.xoff_sent:
                with self.lock:
                    frames = sum(len(c) for c in self._speaker) // 320
                if frames >= self.xoff_at:
                    self.xoff_sent = True
                    self.xoff_at_time = time.perf_counter()
                    self.control("MEDIA_XOFF")
            return
        text = message.strip()
        command = json.loads(text)["command"] if text.startswith("{") else text.split()[0]
        self.commands.append(command)
        if command == "FLUSH_MEDIA":
            self.drop_queued_audio()

    def on_played_to(self, position: int) -> None:
        if self.xoff_sent:
            with self.lock:
                frames = sum(len(c) for c in self._speaker) // 320
            if frames < (self.xoff_at or 0) // 2:
                self.xoff_sent = False
                self.control("MEDIA_XON")


class BrowserPeer(Peer):
    in_rate = 16000
    out_rate = 16000

    def handshake(self) -> None:
        self.ws.send(json.dumps({"type": "start", "sample_rate": self.in_rate}))

    def send_frame(self, pcm: bytes) -> None:
        self.ws.send(pcm)

    def dtmf(self, digit: str) -> None:
        self.ws.send(json.dumps({"type": "dtmf", "digit": digit}))

    def on_message(self, message: Any) -> None:
        if isinstance(message, (bytes, bytearray)):
            self.queue_audio(bytes(message))
            return
        if json.loads(message).get("type") == "clear":
            self.drop_queued_audio()


def loudness(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float32)
    return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0


class TelnyxPeer(TwilioPeer):
    """Telnyx media streaming, bidirectional RTP mode, with the documented frames:
    https://developers.telnyx.com/api-reference/websockets/stream-call-media-over-websocket

    ``stream_id`` at the top level of every frame; ``start`` with ``call_control_id``, ``from``/``to``,
    ``custom_parameters`` and ``media_format`` ``{"encoding": "PCMU", "sample_rate": 8000, "channels": 1}``;
    ``dtmf`` with ``occurred_at``. Frames from the application name no stream. A mark comes back when the
    audio before it has played, at once when nothing is queued; ``clear`` drops the queue and returns the
    pending marks.
    """

    def __init__(self, url: str, caller: str | None = None, speed: float = 1.0, media_format: dict | None = None,
                 custom_parameters: dict | None = None):
        super().__init__(url, caller=caller, speed=speed,
                         media_format=media_format or {"encoding": "PCMU", "sample_rate": 8000, "channels": 1})
        self.stream_sid = str(uuid.uuid4()).upper()  # the stream_id
        self.call_sid = "v3:" + uuid.uuid4().hex  # the call_control_id (a TeXML webhook's CallSid)
        self.custom_parameters = custom_parameters or {}
        self.user_id = str(uuid.uuid4())
        self.sent_frames: list[dict[str, Any]] = []  # what the server sent us, decoded

    def handshake(self) -> None:
        self.send({"event": "connected", "version": "1.0.0"})
        start = {"user_id": self.user_id, "call_control_id": self.call_sid,
                 "call_session_id": str(uuid.uuid4()), "from": self.caller or "anonymous", "to": "+13122123456",
                 "tags": [], "client_state": "", "custom_parameters": self.custom_parameters,
                 "media_format": self.media_format}
        self.send({"event": "start", "sequence_number": self._next(), "stream_id": self.stream_sid, "start": start})

    def send_frame(self, pcm: bytes) -> None:
        self.chunk += 1
        self.send({"event": "media", "sequence_number": self._next(), "stream_id": self.stream_sid,
                   "media": {"track": "inbound", "chunk": str(self.chunk), "timestamp": str(self.chunk * 20),
                             "payload": base64.b64encode(pcm_to_ulaw(pcm)).decode()}})

    def dtmf(self, digit: str) -> None:
        self.send({"event": "dtmf", "stream_id": self.stream_sid, "occurred_at": "2025-06-05T08:54:19.698408Z",
                   "sequence_number": self._next(), "dtmf": {"digit": digit}})

    def stop(self) -> None:
        self.send({"event": "stop", "sequence_number": self._next(), "stream_id": self.stream_sid,
                   "stop": {"user_id": self.user_id, "call_control_id": self.call_sid}})

    def error(self, code: str, title: str, detail: str) -> None:
        self.send({"stream_id": self.stream_sid, "event": "error", "sequence_number": self._next(),
                   "error": {"title": title, "code": code, "detail": detail}})

    def _echo_mark(self, name: str) -> None:
        self.echoed_marks.append(name)
        try:
            self.send({"event": "mark", "sequence_number": self._next(), "stream_id": self.stream_sid,
                       "mark": {"name": name}})
        except (ConnectionClosed, OSError, LocalProtocolError):
            pass

    def on_message(self, message: Any) -> None:
        data = json.loads(message)
        self.sent_frames.append(data)
        # Telnyx's documented application frames: media/mark/clear with no stream id.
        assert "streamSid" not in data and "stream_id" not in data, data
        event = data["event"]
        if event == "media":
            payload = base64.b64decode(data["media"]["payload"])
            assert 160 <= len(payload) <= 240000, "RTP chunks of 20 ms to 30 s"
            self.queue_audio(ulaw_to_pcm(payload))
        elif event == "mark":
            with self.lock:
                queued = sum(len(c) for c in self._speaker)
                self.marks.append((len(self.played) + queued, data["mark"]["name"]))
            self.on_played_to(len(self.played))  # nothing queued: returned at once
        elif event == "clear":
            self.drop_queued_audio()
            with self.lock:
                pending, self.marks = self.marks, []
            for _, name in pending:
                self._echo_mark(name)


class TcpMessages:
    """An AudioSocket TCP connection with the receive/send/close calls the peers use on a WebSocket.
    ``receive`` returns one ``(kind, payload)`` message, or None when nothing came within ``timeout``."""

    def __init__(self, address: tuple[str, int]):
        import socket

        self.sock = socket.create_connection(address, timeout=5)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()
        self.send_lock = threading.Lock()

    def send(self, data: bytes) -> None:
        with self.send_lock:
            self.sock.sendall(data)

    def receive(self, timeout: float = 0.5) -> tuple[int, bytes] | None:
        import select
        import struct

        deadline = time.perf_counter() + timeout
        while True:
            if len(self.buffer) >= 3:
                kind, length = struct.unpack(">BH", self.buffer[:3])
                if len(self.buffer) >= 3 + length:
                    payload = bytes(self.buffer[3:3 + length])
                    del self.buffer[:3 + length]
                    return kind, payload
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.sock], [], [], left)
            if ready:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionResetError("the server closed the connection")
                self.buffer.extend(chunk)

    def close(self) -> None:
        import socket

        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class AudioSocketPeer(Peer):
    """Asterisk's ``AudioSocket(uuid,host:port)`` app over a real TCP socket, as in res_audiosocket.c:
    the UUID (kind 0x01, 16 bytes) first, then slin 8 kHz audio (0x10, 320 bytes per 20 ms), DTMF
    (0x03, one ASCII byte) and hang-up (0x00, no payload). Asterisk has no jitter buffer here: it plays
    audio as it arrives, so the peer records when each frame came to check the server paces it.
    https://docs.asterisk.org/Configuration/Channel-Drivers/AudioSocket/
    """

    out_rate = 8000

    def __init__(self, address: tuple[str, int], call_uuid: uuid.UUID | None = None, speed: float = 1.0):
        # Peer.__init__ opens a WebSocket; everything else it sets up is the same.
        self.url = f"tcp://{address[0]}:{address[1]}"
        self.speed = speed
        self.ws = TcpMessages(address)
        self.mic = queue.Queue()
        self.played = bytearray()
        self.received = bytearray()
        self.events = []
        self.audio_times = []
        self.gaps_ms = []
        self.closed = threading.Event()
        self.lock = threading.Lock()
        self._speaker = []
        self._frame_bytes = self.in_rate * self.frame_ms // 1000 * 2
        self._noise = line_noise(1.0, self.in_rate)
        self._noise_pos = 0
        self.speech_sent_at = []
        self.speech_ended_at = []
        self._threads = [threading.Thread(target=self._receive, daemon=True),
                         threading.Thread(target=self._play, daemon=True)]
        self.call_uuid = call_uuid or uuid.uuid4()
        self.frame_sizes: list[int] = []
        self.hangups: list[float] = []  # when the server sent 0x00
        self.other_kinds: list[int] = []

    @staticmethod
    def message(kind: int, payload: bytes = b"") -> bytes:
        import struct

        return struct.pack(">BH", kind, len(payload)) + payload

    def handshake(self) -> None:
        self.ws.send(self.message(0x01, self.call_uuid.bytes))

    def send_frame(self, pcm: bytes) -> None:
        self.ws.send(self.message(0x10, pcm))

    def dtmf(self, digit: str) -> None:
        self.ws.send(self.message(0x03, digit.encode("ascii")))

    def hang_up(self) -> None:
        self.ws.send(self.message(0x00))

    def on_message(self, message: Any) -> None:
        kind, payload = message
        if kind == 0x10:
            self.frame_sizes.append(len(payload))
            self.queue_audio(payload)
        elif kind == 0x00:
            self.hangups.append(time.perf_counter())
        else:
            self.other_kinds.append(kind)  # Asterisk would refuse these and hang up

    def received_seconds(self) -> float:
        return len(self.received) / 2 / self.out_rate
