"""The voice line under ``frontdesk demo`` as a newcomer runs it: gunicorn, a browser call, Ctrl-C.

gunicorn builds the app in its master and forks a worker. Everything the voice line starts
(the warm-up thread, the recognition worker processes) must start in that worker: a thread
started in the master does not exist after the fork, and one holding a lock at that moment
left every call waiting for ever.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from frontdesk.testing import free_port

from .peers import BrowserPeer
from .speech_samples import piper

pytestmark = pytest.mark.slow


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def recognition_workers() -> dict[int, int]:
    """Every running ``frontdesk_voice.stt_process`` → its parent pid."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if b"frontdesk_voice.stt_process" in (entry / "cmdline").read_bytes():
                    found[int(entry.name)] = parent_of(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                continue
    return found


@pytest.fixture
def demo(tmp_path):
    port = free_port()
    before = set(recognition_workers())
    process = subprocess.Popen([sys.executable, "-m", "frontdesk", "demo", "--port", str(port), "--data-dir",
                                str(tmp_path / "data")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.3)
        assert process.poll() is None, process.stderr.read()
    yield port, process, before
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_a_browser_call_to_the_demo_is_answered_and_ctrl_c_leaves_nothing_behind(demo):
    port, process, before = demo
    peer = BrowserPeer(f"ws://127.0.0.1:{port}/voice/browser").start()
    try:
        peer.wait_idle(timeout=90)
        assert "Northwind" in peer.events_of("bot")[0][1]["text"]
        peer.say(piper("What are your opening hours?", rate=16000))
        peer.wait_idle(timeout=60)
        assert any("opening" in e["text"] for _, e in peer.events_of("transcript"))
        assert "opening hours" in peer.events_of("bot")[-1][1]["text"].lower()
    finally:
        peer.close()
    ours = {pid: parent for pid, parent in recognition_workers().items() if pid not in before}
    assert len(ours) == min(2, os.cpu_count() or 1), "one recognition worker per core, at most 2"
    assert all(parent != process.pid and parent_of(parent) == process.pid for parent in ours.values()), \
        "the workers belong to gunicorn's worker process, not to its master"
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in the terminal
    assert process.wait(timeout=30) == 0
    deadline = time.time() + 10
    while set(ours) & set(recognition_workers()) and time.time() < deadline:
        time.sleep(0.2)
    assert not set(ours) & set(recognition_workers()), "no recognition worker outlives the server"
