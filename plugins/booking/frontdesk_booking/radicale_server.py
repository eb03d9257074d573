"""The embedded calendar: a Radicale CalDAV server on 127.0.0.1, storage under the data dir.

``frontdesk demo`` needs a calendar with no set-up, so this starts Radicale
(``python -m radicale``) as a child process of Frontdesk on a free local port,
with no authentication (it only listens on the loopback interface) and stops it
at exit. Radicale is GPL-3.0 software: it runs as a separate program and is
never imported, so this Apache-2.0 package does not link against it.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests


@dataclass
class RadicaleServer:
    url: str
    """Base URL, for example ``http://127.0.0.1:51234/``."""
    storage: Path
    process: subprocess.Popen

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    @property
    def running(self) -> bool:
        return self.process.poll() is None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_radicale(data_dir: str | os.PathLike, port: int | None = None, timeout: float = 15.0) -> RadicaleServer:
    """Start Radicale on 127.0.0.1 and wait until it answers; storage in ``<data_dir>/radicale``."""
    storage = Path(data_dir) / "radicale"
    storage.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    rights = storage / "rights"
    # Anyone on the loopback interface may read and write every collection: it is a local demo calendar.
    rights.write_text("[everyone]\nuser: .*\ncollection: .*\npermissions: RrWw\n")
    command = [
        sys.executable, "-m", "radicale",
        "--config", "",  # ignore /etc/radicale and ~/.config: the demo must not depend on the machine
        "--server-hosts", f"127.0.0.1:{port}",
        "--storage-filesystem-folder", str(storage),
        "--auth-type", "none",
        "--rights-type", "from_file",
        "--rights-file", str(rights),
        "--logging-level", "warning",
    ]
    log = open(storage / "radicale.log", "ab")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    log.close()
    server = RadicaleServer(url=f"http://127.0.0.1:{port}/", storage=storage, process=process)
    atexit.register(server.stop)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Radicale exited with status {process.returncode}; see {storage / 'radicale.log'}")
        try:
            requests.request("OPTIONS", server.url, timeout=1)
            return server
        except requests.ConnectionError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"Radicale did not answer on {server.url} within {timeout:.0f}s")
