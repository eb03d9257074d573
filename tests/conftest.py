"""Shared fixtures: a real Frontdesk server on a real port (werkzeug, threaded, real WebSockets)."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import requests

from frontdesk.app_state import Frontdesk
from frontdesk.testing import API_ORIGIN, demo_settings, serve


@dataclass
class LiveServer:
    url: str
    frontdesk: Frontdesk

    def start_conversation(self, **body: Any) -> tuple[str, str]:
        response = requests.post(f"{self.url}/api/v1/conversations", json={"site": "demo", **body},
                                 headers={"Origin": API_ORIGIN}, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()["id"], response.json()["token"]

    def say(self, conversation_id: str, token: str, text: str, client_id: str | None = None) -> requests.Response:
        body: dict[str, Any] = {"text": text}
        if client_id:
            body["client_id"] = client_id
        return requests.post(f"{self.url}/api/v1/conversations/{conversation_id}/messages", json=body,
                             headers={"Authorization": f"Bearer {token}", "Origin": API_ORIGIN}, timeout=10)


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """``start_server(overrides=None)`` → a :class:`LiveServer` for the demo settings plus ``overrides``."""
    with ExitStack() as servers:
        numbers = count()

        def start(overrides: dict[str, Any] | None = None) -> LiveServer:
            settings = demo_settings(tmp_path / f"server{next(numbers)}", overrides)
            url, frontdesk = servers.enter_context(serve(settings))
            return LiveServer(url=url, frontdesk=frontdesk)

        yield start


@pytest.fixture
def live(start_server: Callable[..., LiveServer]) -> LiveServer:
    return start_server()
