"""Asterisk AudioSocket: a TCP server Asterisk connects to, one connection per call.

Protocol (https://docs.asterisk.org/Configuration/Channel-Drivers/AudioSocket/ and Asterisk's
``res/res_audiosocket.c``, ``include/asterisk/res_audiosocket.h``): every message is a 1-byte kind,
a 2-byte big-endian payload length and the payload. From Asterisk: ``0x01`` the call's UUID
(16 bytes, first), ``0x10`` audio (signed linear 16-bit little-endian, 8 kHz mono, 20 ms = 320
bytes), ``0x03`` a DTMF digit (1 ASCII byte), ``0x00`` hang-up, ``0xff`` an error (optional code:
0x01 the caller hung up, 0x02 frame forwarding, 0x04 memory). To Asterisk we may send only ``0x10``
audio and ``0x00`` hang-up: ``ast_audiosocket_receive_frame_with_hangup`` refuses any other kind
(and an empty payload) and ends the call.

AudioSocket has no flush command and no marks, and Asterisk writes what we send to the channel as
it arrives, so :class:`AudioSocketSink` keeps the bot's audio in its own queue and sends one 20 ms
frame every 20 ms: barge-in drops the unsent rest at once, and the clock says what was heard.

The caller's number is not carried (only the UUID, which the dialplan chooses), so caller-ID
verification is not available on AudioSocket: callers verify an order with the postcode on the
keypad (or the email). Transfer to a person's phone is not available either.
"""

from __future__ import annotations

import collections
import logging
import select
import socket
import struct
import threading
import time
import uuid
from typing import Any, Callable

from frontdesk_voice.transports.base import IDLE_TIMEOUT_S

log = logging.getLogger("frontdesk_voice.audiosocket")

KIND_HANGUP = 0x00
KIND_UUID = 0x01
KIND_DTMF = 0x03
KIND_AUDIO = 0x10  # slin, 8 kHz
KIND_ERROR = 0xFF
ERRORS = {0x01: "the caller hung up", 0x02: "frame forwarding error", 0x04: "memory error"}
RATE = 8000
FRAME_BYTES = 320  # 20 ms of 16-bit 8 kHz
FRAME_S = 0.02
DTMF_KEYS = "0123456789*#ABCD"


def encode(kind: int, payload: bytes = b"") -> bytes:
    return struct.pack(">BH", kind, len(payload)) + payload


class PeerClosed(Exception):
    """The connection ended, possibly in the middle of a message."""


def read_exact(conn: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise PeerClosed(f"closed after {len(data)} of {size} bytes" if data else "closed")
        data.extend(chunk)
    return bytes(data)


def read_message(conn: socket.socket) -> tuple[int, bytes]:
    """One message: ``(kind, payload)``. Raises :class:`PeerClosed`, or ``socket.timeout`` when idle."""
    kind, length = struct.unpack(">BH", read_exact(conn, 3))
    return kind, read_exact(conn, length) if length else b""


class AudioSocketSink:
    """Sends the bot's audio in real time from its own queue (see the module docstring)."""

    rate = RATE
    supports_marks = False

    def __init__(self, conn: socket.socket):
        self.conn = conn
        self.closed = False
        self._frames: collections.deque[bytes] = collections.deque()
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._has_audio = threading.Event()
        self._pacer = threading.Thread(target=self._pace, name="audiosocket-pacer", daemon=True)

    def start(self) -> None:
        self._pacer.start()

    def send_audio(self, pcm16: bytes) -> None:
        if len(pcm16) % FRAME_BYTES:
            pcm16 += b"\x00" * (FRAME_BYTES - len(pcm16) % FRAME_BYTES)
        with self._lock:
            self._frames.extend(pcm16[i:i + FRAME_BYTES] for i in range(0, len(pcm16), FRAME_BYTES))
        self._has_audio.set()

    def send_mark(self, name: str) -> None:
        pass

    def clear(self) -> None:
        with self._lock:
            self._frames.clear()

    def queued_seconds(self) -> float:
        with self._lock:
            return len(self._frames) * FRAME_S

    def hangup(self) -> None:
        # The goodbye is still queued (the call's clock runs ahead of our pacer a little): let it finish.
        deadline = time.perf_counter() + 3.0
        while self.queued_seconds() and not self.closed and time.perf_counter() < deadline:
            time.sleep(FRAME_S)
        self._write(encode(KIND_HANGUP))
        self.close()

    def send_event(self, event: dict[str, Any]) -> None:
        pass

    def close(self) -> None:
        self.closed = True
        self.clear()
        self._has_audio.set()
        try:
            self.conn.shutdown(socket.SHUT_RDWR)  # wakes the reader blocked in recv()
        except OSError:
            pass
        self.conn.close()

    def _write(self, data: bytes) -> bool:
        if self.closed:
            return False
        try:
            with self._send_lock:
                self.conn.sendall(data)
            return True
        except OSError as error:  # Asterisk hung up mid-sentence
            log.debug("send failed: %s", error)
            self.closed = True
            self.clear()
            return False

    def _pace(self) -> None:
        """One frame per 20 ms on an absolute schedule while there is audio; after a stall (>100 ms
        behind) the schedule restarts from now rather than bursting to catch up."""
        next_at: float | None = None
        while not self.closed:
            with self._lock:
                frame = self._frames.popleft() if self._frames else None
                if frame is None:
                    self._has_audio.clear()
            if frame is None:
                next_at = None
                self._has_audio.wait(0.1)
                continue
            now = time.perf_counter()
            if next_at is None or now - next_at > 0.1:
                next_at = now
            elif next_at > now:
                time.sleep(next_at - now)
            if not self._write(encode(KIND_AUDIO, frame)):
                return
            next_at += FRAME_S


def serve(conn: socket.socket, service: Any) -> dict[str, Any]:
    """Run one AudioSocket connection until hang-up or close. Returns counters (and the call)."""
    conn.settimeout(IDLE_TIMEOUT_S)
    sink = AudioSocketSink(conn)
    call = None
    stats: dict[str, Any] = {"media": 0, "malformed": 0, "ignored": 0, "errors": 0}
    reason = "caller hung up"
    try:
        while True:
            try:
                kind, payload = read_message(conn)
            except socket.timeout:
                log.warning("no message from Asterisk for %.0f s; ending the call", IDLE_TIMEOUT_S)
                reason = "no media"
                break
            except PeerClosed as closed:
                if str(closed) != "closed":
                    log.warning("AudioSocket connection %s", closed)
                    stats["malformed"] += 1
                break
            except OSError as error:
                if not sink.closed:
                    log.info("AudioSocket connection ended: %s", error)
                break
            if kind == KIND_UUID:
                if call is not None or len(payload) != 16:
                    log.warning("ignored a UUID message of %d bytes%s", len(payload), " (call already started)" if call else "")
                    stats["malformed" if call is None else "ignored"] += 1
                    continue
                stats["uuid"] = str(uuid.UUID(bytes=payload))
                call = service.new_call(sink, caller_id=None, transport="audiosocket")
                log.info("AudioSocket call %s started", stats["uuid"])
                sink.start()
                call.begin()
            elif kind == KIND_AUDIO:
                if call is None:
                    stats["ignored"] += 1  # audio before the UUID: nothing to give it to
                elif len(payload) % 2:
                    log.warning("odd-length audio message (%d bytes) dropped", len(payload))
                    stats["malformed"] += 1
                else:
                    stats["media"] += 1
                    call.on_audio(payload)
            elif kind == KIND_DTMF:
                digit = payload.decode("ascii", "replace")
                if call is None or len(payload) != 1 or digit not in DTMF_KEYS:
                    log.warning("ignored a DTMF message %r", payload[:8])
                    stats["malformed"] += 1
                else:
                    call.on_dtmf(digit)
            elif kind == KIND_HANGUP:
                break
            elif kind == KIND_ERROR:
                code = payload[0] if payload else None
                log.warning("Asterisk reported an AudioSocket error: %s", ERRORS.get(code, f"code {code!r}"))
                stats["errors"] += 1
                if code == 0x01:
                    break
            else:
                # Other rates (0x11…) exist on newer Asterisk; the dialplan app sends 8 kHz (0x10).
                log.warning("ignored an AudioSocket message of unknown kind 0x%02x (%d bytes)", kind, len(payload))
                stats["ignored"] += 1
    finally:
        if call is not None:
            call.hangup(reason if not sink.closed else "call ended")
        sink.close()
    if call is not None:
        stats["call"] = call
    return stats


def parse_address(text: str) -> tuple[str, int]:
    """``"127.0.0.1:9092"`` or ``"[::1]:9092"`` → (host, port). Raises ValueError with what is wrong."""
    host, sep, port = str(text).strip().rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"audiosocket_listen must be HOST:PORT (like 127.0.0.1:9092), not {text!r}")
    return host.strip("[]"), int(port)


class AudioSocketServer:
    """Accepts Asterisk's connections in a thread; each connection is served in its own thread."""

    def __init__(self, address: str, service: Callable[[], Any]):
        self.host, self.requested_port = parse_address(address)
        self.service = service  # called per connection: the VoiceService is built lazily
        self.listener: socket.socket | None = None
        self._connections: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="audiosocket-accept", daemon=True)

    @property
    def port(self) -> int:
        return self.listener.getsockname()[1] if self.listener else self.requested_port

    def start(self) -> "AudioSocketServer":
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((self.host, self.requested_port))
            listener.listen(16)
        except OSError:
            listener.close()
            raise
        self.listener = listener
        self._thread.start()
        log.info("AudioSocket listening on %s:%d", self.host, self.port)
        return self

    def _accept(self) -> None:
        assert self.listener is not None
        while not self._stopping.is_set():
            try:
                ready, _, _ = select.select([self.listener], [], [], 0.2)
                if not ready:
                    continue
                conn, peer = self.listener.accept()
            except OSError:
                break  # closed at shutdown
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # 20 ms frames must not wait for Nagle
            thread = threading.Thread(target=self._serve, args=(conn, peer), name="audiosocket-call", daemon=True)
            with self._lock:
                self._connections.add(conn)
                self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def _serve(self, conn: socket.socket, peer: Any) -> None:
        try:
            stats = serve(conn, self.service())
            log.info("AudioSocket connection from %s done: %s", peer, {k: v for k, v in stats.items() if k != "call"})
        except Exception:  # one broken call must not take the listener down
            log.exception("AudioSocket connection from %s failed", peer)
            try:
                conn.close()
            except OSError:
                pass
        finally:
            with self._lock:
                self._connections.discard(conn)

    def close(self, timeout: float = 5.0) -> None:
        """Stop listening, end every call (as if Asterisk hung up) and wait for their threads."""
        self._stopping.set()
        if self.listener is not None:
            self.listener.close()
        with self._lock:
            connections, threads = list(self._connections), list(self._threads)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in threads + [self._thread]:
            if thread.is_alive():
                thread.join(timeout)
