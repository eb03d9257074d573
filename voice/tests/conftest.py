"""A real Frontdesk (demo shop, real engine, SQLite) served on a real port, voice plugin loaded by entry point."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
from werkzeug.serving import make_server

from frontdesk.app_state import Frontdesk
from frontdesk.testing import demo_settings
from frontdesk.web import create_app


class LiveServer:
    def __init__(self, frontdesk: Frontdesk):
        self.frontdesk = frontdesk
        self.app = create_app(frontdesk)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def ws(self, path: str) -> str:
        return f"ws://127.0.0.1:{self.port}{path}"

    def http(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def voice(self) -> Any:
        from frontdesk_voice.plugin import service_for

        return service_for(self.frontdesk)

    def close(self) -> None:
        # Hang up and join every call so no worker is inside Piper/pocketsphinx when the interpreter exits.
        calls = list(self.voice.calls)
        for call in calls:
            call.hangup("test over")
        for call in calls:
            call.join(5)
        self.server.shutdown()
        self.frontdesk.close_resources()


def start_server(tmp: Path, voice: dict[str, Any] | None = None) -> LiveServer:
    overrides = {"plugins": {"voice": {"no_input_seconds": 8.0, **(voice or {})}}}
    frontdesk = Frontdesk(demo_settings(tmp, overrides))
    return LiveServer(frontdesk)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("voice"))
    yield server
    server.close()
