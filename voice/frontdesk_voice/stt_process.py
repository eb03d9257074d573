"""Speech recognition in worker processes, so decoding never holds the server's GIL.

pocketsphinx's Python binding keeps the GIL while it decodes and while it builds a
decoder. In the server's process that stalls every live call: the audio being read,
the replies being sent, the other callers' recognition. Run in worker processes, each
with its own engine (model loaded once per worker), recognition uses the other core
and the server's threads keep moving.

:class:`ProcessRecognizer` wraps any STT engine factory whose ``create`` can be pickled
(a module-level function) and offers the same streaming interface as an in-process
engine (``start`` / ``feed`` / ``partial`` / ``final``). A stream lives in one worker,
the one with fewest streams when it starts. ``feed`` never waits for the worker;
``partial`` returns what the worker last pushed; ``final`` waits for the transcript.
A worker that dies is replaced; the streams it held end with an empty transcript
(the caller hears "sorry, I didn't catch that") and the error is logged.

Messages are pickled over a socketpair (``multiprocessing.connection.Connection``); the
worker is ``python -m frontdesk_voice.stt_process FD``, started with ``subprocess`` so no
``__main__`` module is re-imported and nothing is forked from a threaded server.
"""

from __future__ import annotations

import atexit
import itertools
import logging
import math
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from multiprocessing.connection import Connection
from typing import Any, Callable

from frontdesk_voice.speech import Grammar, SpeechEngineFactory

log = logging.getLogger("frontdesk_voice.stt")

READY_TIMEOUT_S = 60.0
"""How long a worker may take to import its engine and load the model (about 1 s here)."""
FINAL_TIMEOUT_S = 15.0
"""How long ``final()`` waits for a transcript before giving up on it (the call goes on)."""
RESPAWN_PAUSE_S = 2.0
"""A worker that dies within this long of starting is restarted only after this pause."""
PARTIAL_EVERY = 10
"""Feeds between partial hypotheses the worker pushes (10 × 20 ms = 200 ms of speech)."""


def default_processes(factory: SpeechEngineFactory) -> int:
    """Engines whose binding holds the GIL get one worker per core (at most 2); others stay in-process."""
    return min(2, os.cpu_count() or 1) if factory.holds_gil else 0


def create_recognizer(factory: SpeechEngineFactory, settings: dict[str, Any]) -> Any:
    """The STT engine as the voice line should run it: in ``stt_processes`` workers, or in this process (0)."""
    processes = settings.get("stt_processes", "auto")
    count = default_processes(factory) if processes in ("auto", None) else int(processes)
    if count <= 0:
        return factory.create(settings)
    try:
        pickle.dumps(factory.create)
    except Exception as error:  # a lambda or a closure: the worker could not import it
        log.warning("speech engine %r runs in the server's process: its create() cannot be sent to a worker (%s)",
                    factory.name, error)
        return factory.create(settings)
    return ProcessRecognizer(factory, settings, count)


# --- the server's side ------------------------------------------------------------


class ProcessRecognizer:
    """An STT engine whose streams decode in worker processes."""

    def __init__(self, factory: SpeechEngineFactory, settings: dict[str, Any], processes: int):
        self.name = factory.name
        self._factory = factory
        self._settings = dict(settings)
        self._closed = False
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._priming_speech = b""
        self.processes = processes
        self.workers = [Worker(self, index) for index in range(processes)]
        info = self.workers[0].info()  # waits for the first worker: the model loads in it, not here
        self.sample_rate: int = info["sample_rate"]
        self.language: str = info["language"]
        LIVE_RECOGNIZERS.add(self)

    # The engine's own settings, as each worker builds it.
    def worker_settings(self) -> dict[str, Any]:
        decoders = int(self._settings.get("pocketsphinx_decoders", 2))
        per_worker = max(1, math.ceil(decoders / self.processes))
        return self._settings | {"pocketsphinx_decoders": per_worker}

    @property
    def primed(self) -> bool:
        return bool(self._priming_speech)

    def prime(self, speech16k: bytes) -> None:
        """Prime every worker's engine with the same speech (see ``PocketsphinxEngine.prime``)."""
        self._priming_speech = speech16k
        self._on_every_worker(("prime", speech16k))

    def fill_pool(self, size: int | None = None, stop: threading.Event | None = None) -> int:
        """Have every worker build its share of decoders before calls need them."""
        if stop is not None and stop.is_set():
            return 0
        share = None if size is None else max(1, math.ceil(size / self.processes))
        return sum(int(result or 0) for result in self._on_every_worker(("fill", share)))

    def _on_every_worker(self, command: tuple) -> list[Any]:
        """Send a command to all workers at once (they run in parallel), then wait for every answer."""
        pending = [worker.ask(command) for worker in self.workers]
        return [wait() for wait in pending]

    def start(self, grammar: Grammar | None = None) -> "ProcessStream":
        if self._closed:
            raise RuntimeError("speech recogniser is closed")
        with self._lock:
            worker = min(self.workers, key=lambda w: (len(w.streams), w.index))
            stream = ProcessStream(worker, next(self._ids))
            worker.streams[stream.id] = stream
        worker.send(("start", stream.id, grammar))
        return stream

    def close(self, timeout: float = 5.0) -> None:
        self._closed = True
        for worker in self.workers:
            worker.close(timeout)


class ProcessStream:
    """One utterance decoded in a worker process."""

    def __init__(self, worker: "Worker", stream_id: int):
        self.worker, self.id = worker, stream_id
        self._partial = ""
        self._text: str | None = None
        self._done = threading.Event()
        self._ended = False

    def feed(self, pcm16: bytes) -> None:
        if pcm16 and not self._ended:
            self.worker.send(("feed", self.id, pcm16))

    def partial(self) -> str:
        return self._text if self._text is not None else self._partial

    def final(self) -> str:
        if not self._ended:
            self._ended = True
            self.worker.send(("final", self.id))
        if not self._done.wait(FINAL_TIMEOUT_S):
            log.error("speech recogniser: no transcript after %.0f s (worker %d)", FINAL_TIMEOUT_S, self.worker.index)
            self.resolve("")
        return self._text or ""

    def __del__(self) -> None:  # an abandoned stream (hang-up) still gives its decoder back in the worker
        if not self._ended:
            try:
                self.worker.send(("final", self.id))
            except Exception:
                pass

    # Called by the worker's reader thread.
    def pushed_partial(self, text: str) -> None:
        self._partial = text

    def resolve(self, text: str) -> None:
        if self._text is None:
            self._text = text
        self.worker.streams.pop(self.id, None)
        self._done.set()


class Worker:
    """One worker process, the connection to it and the thread that reads its replies."""

    def __init__(self, owner: ProcessRecognizer, index: int):
        self.owner, self.index = owner, index
        self.streams: dict[int, ProcessStream] = {}
        self._send_lock = threading.Lock()
        self._replies: dict[int, tuple[threading.Event, list[Any]]] = {}
        self._request_ids = itertools.count(1)
        self._ready = threading.Event()
        self._info: dict[str, Any] = {}
        self._closing = False
        self._spawn()

    def _spawn(self) -> None:
        ours, theirs = socket.socketpair()
        # The worker imports the engine's factory by name: give it the path this process imports from.
        env = os.environ | {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "frontdesk_voice.stt_process", str(theirs.fileno())],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, start_new_session=True, env=env)
        theirs.close()
        self.conn = Connection(ours.detach())
        self._started_at = time.monotonic()
        self._ready.clear()
        self.send(("init", self.owner._factory.create, self.owner.worker_settings(), self.owner._priming_speech))
        self.reader = threading.Thread(target=self._read, name=f"stt-worker-{self.index}", daemon=True)
        self.reader.start()

    def info(self) -> dict[str, Any]:
        if not self._ready.wait(READY_TIMEOUT_S):
            raise RuntimeError(f"speech recogniser worker {self.index} did not start in {READY_TIMEOUT_S:.0f} s")
        if "error" in self._info:
            raise RuntimeError(f"speech recogniser worker {self.index} failed: {self._info['error']}")
        return self._info

    def send(self, message: tuple) -> None:
        try:
            with self._send_lock:
                self.conn.send(message)
        except (OSError, ValueError) as error:  # the worker died; the reader restarts it and ends its streams
            log.debug("stt worker %d: send failed: %s", self.index, error)

    def ask(self, message: tuple, timeout: float = 120.0) -> Callable[[], Any]:
        """Send a command (priming, building decoders); the returned function waits for the answer."""
        self.info()
        request_id = next(self._request_ids)
        done, box = threading.Event(), []
        self._replies[request_id] = (done, box)
        self.send(("request", request_id, message))

        def answer() -> Any:
            done.wait(timeout)
            self._replies.pop(request_id, None)
            return box[0] if box else None

        return answer

    def _read(self) -> None:
        conn = self.conn
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break
            self._dispatch(message)
        self._lost()

    def _dispatch(self, message: tuple) -> None:
        kind = message[0]
        if kind == "ready":
            self._info = message[1]
            self._ready.set()
        elif kind == "partial":
            stream = self.streams.get(message[1])
            if stream is not None:
                stream.pushed_partial(message[2])
        elif kind == "final":
            stream = self.streams.get(message[1])
            if stream is not None:
                stream.resolve(message[2])
        elif kind == "error":
            log.error("speech recogniser worker %d: %s", self.index, message[2])
            stream = self.streams.get(message[1])
            if stream is not None:
                stream.resolve("")
        elif kind == "reply":
            waiting = self._replies.get(message[1])
            if waiting is not None:
                waiting[1].append(message[2])
                waiting[0].set()

    def _lost(self) -> None:
        """The worker's connection closed: end its streams and, unless we are closing, start another."""
        for stream in list(self.streams.values()):
            stream.resolve("")
        for done, _ in list(self._replies.values()):
            done.set()
        if self._closing or self.owner._closed:
            return
        if "error" in self._info or not self._ready.is_set():
            # It never ran: starting it again would fail the same way. info() reports why.
            self._info = self._info or {"error": f"exited while starting (code {self.process.wait()})"}
            self._ready.set()
            return
        code = self.process.poll()
        log.error("speech recogniser worker %d exited (code %s); starting another", self.index, code)
        self.conn.close()
        self.process.wait()
        if time.monotonic() - self._started_at < RESPAWN_PAUSE_S:  # one that dies at once must not spin
            time.sleep(RESPAWN_PAUSE_S)
        self._info = {}
        self._spawn()

    def close(self, timeout: float) -> None:
        self._closing = True
        self.send(("stop",))
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.conn.close()


LIVE_RECOGNIZERS: "weakref.WeakSet[ProcessRecognizer]" = weakref.WeakSet()


@atexit.register
def _close_workers() -> None:
    for recognizer in list(LIVE_RECOGNIZERS):
        recognizer.close()


# --- the worker's side ------------------------------------------------------------


class WorkerLoop:
    """Runs in the worker process: one engine, many streams, commands in the order they come."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.engine: Any = None
        self.streams: dict[int, tuple[Any, int, str]] = {}  # id → (stream, feeds, last partial pushed)

    def run(self) -> None:
        while True:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):  # the server went away
                return
            except Exception as error:  # a message we cannot unpickle (an engine we cannot import)
                self._unreadable(error)
                if self.engine is None:
                    return
                continue
            if message[0] == "stop":
                return
            self.handle(message)

    def _unreadable(self, error: Exception) -> None:
        reason = f"{type(error).__name__}: {error}"
        if self.engine is None:
            self.conn.send(("ready", {"error": reason}))
        else:
            self.conn.send(("error", 0, f"unreadable message: {reason}"))

    def handle(self, message: tuple) -> None:
        kind = message[0]
        try:
            if kind == "init":
                self._init(*message[1:])
            elif kind == "start":
                self.streams[message[1]] = (self.engine.start(message[2]), 0, "")
            elif kind == "feed":
                self._feed(message[1], message[2])
            elif kind == "final":
                entry = self.streams.pop(message[1], None)
                self.conn.send(("final", message[1], entry[0].final() if entry else ""))
            elif kind == "request":
                self._request(message[1], message[2])
        except Exception as error:  # one bad utterance must not end the worker
            stream_id = message[1] if kind in ("start", "feed", "final") else 0
            self.streams.pop(stream_id, None)
            self.conn.send(("error", stream_id, f"{kind}: {type(error).__name__}: {error}"))

    def _init(self, create: Any, settings: dict[str, Any], priming_speech: bytes) -> None:
        try:
            self.engine = create(settings)
            if priming_speech and callable(getattr(self.engine, "prime", None)):
                self.engine.prime(priming_speech)  # a replacement worker hears the line like the others did
            info = {"sample_rate": self.engine.sample_rate, "language": self.engine.language, "pid": os.getpid()}
        except Exception as error:
            info = {"error": f"{type(error).__name__}: {error}"}
        self.conn.send(("ready", info))

    def _feed(self, stream_id: int, pcm16: bytes) -> None:
        entry = self.streams.get(stream_id)
        if entry is None:  # its start failed (already reported)
            return
        stream, feeds, pushed = entry
        stream.feed(pcm16)
        feeds += 1
        if feeds % PARTIAL_EVERY == 0:
            text = stream.partial()
            if text != pushed:
                self.conn.send(("partial", stream_id, text))
                pushed = text
        self.streams[stream_id] = (stream, feeds, pushed)

    def _request(self, request_id: int, command: tuple) -> None:
        result: Any = None
        if command[0] == "prime" and callable(getattr(self.engine, "prime", None)):
            self.engine.prime(command[1])
        elif command[0] == "fill" and callable(getattr(self.engine, "fill_pool", None)):
            result = self.engine.fill_pool(command[1])
        self.conn.send(("reply", request_id, result))


def worker_main(fd: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle; it closes us
    WorkerLoop(Connection(fd)).run()


if __name__ == "__main__":
    worker_main(int(sys.argv[1]))
