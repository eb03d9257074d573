"""Shared fixtures: a real Frontdesk server on a real port (werkzeug, threaded, real WebSockets)."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import requests
from werkzeug.serving import make_server

from frontdesk.app_state import Frontdesk
from frontdesk.testing import demo_settings
from frontdesk.web import create_app

ORIGIN = "http://shop.test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    frontdesk: Frontdesk

    def start_conversation(self, **body: Any) -> tuple[str, str]:
        response = requests.post(f"{self.url}/api/v1/conversations", json={"site": "demo", **body},
                                 headers={"Origin": ORIGIN}, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()["id"], response.json()["token"]

    def say(self, conversation_id: str, token: str, text: str, client_id: str | None = None) -> requests.Response:
        body: dict[str, Any] = {"text": text}
        if client_id:
            body["client_id"] = client_id
        return requests.post(f"{self.url}/api/v1/conversations/{conversation_id}/messages", json=body,
                             headers={"Authorization": f"Bearer {token}", "Origin": ORIGIN}, timeout=10)


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    servers = []

    def start(overrides: dict[str, Any] | None = None, plugins: tuple = ()) -> LiveServer:
        frontdesk = Frontdesk(demo_settings(tmp_path / f"server{len(servers)}", overrides), extra_plugins=plugins)
        server = make_server("127.0.0.1", free_port(), create_app(frontdesk), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append((server, frontdesk))
        return LiveServer(url=f"http://127.0.0.1:{server.server_port}", frontdesk=frontdesk)

    yield start
    for server, frontdesk in servers:
        server.shutdown()
        frontdesk.close_resources()


@pytest.fixture
def live(start_server: Callable[..., LiveServer]) -> LiveServer:
    return start_server()
