"""A pytest plugin for plugin authors: the ``bot`` fixture.

Installed with Frontdesk (entry point ``pytest11``), so in a plugin's tests::

    def test_balance(bot):
        answer = bot.say("what's the balance on gift card 1234-5678")
        assert "£25.00" in answer.text

``bot`` runs the real engine on the demo shop (every installed plugin loaded
through its entry point) with a fresh SQLite database per test. Use
``make_bot(overrides)`` for other settings, e.g. another commerce back end.

For tests through the real HTTP API: :func:`serve` runs a Frontdesk on a free port,
:class:`ApiCustomer` talks to it like the widget, and :func:`install_into_fresh_venv` checks that
a plugin's wheel installs next to the core.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from frontdesk.app_state import Frontdesk
from frontdesk.settings import deep_merge, demo_config, load_settings


@dataclass
class Answer:
    """The bot's replies to one message."""

    messages: list[dict[str, Any]]
    intent: str | None

    @property
    def text(self) -> str:
        return "\n".join(m["text"] for m in self.messages)

    @property
    def quick_replies(self) -> list[str]:
        return [q for m in self.messages for q in m["quick_replies"]]

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [c for m in self.messages for c in m["cards"]]

    def __contains__(self, fragment: str) -> bool:
        return fragment.lower() in self.text.lower()


class Bot:
    """One customer talking to the bot in one conversation."""

    def __init__(self, frontdesk: Frontdesk, site: str = "demo", channel: str = "web",
                 identity: dict[str, Any] | None = None, trusted_phone: str | None = None) -> None:
        self.frontdesk = frontdesk
        self.conversation, self.token = frontdesk.conversations.create(
            site, channel=channel, identity=identity, trusted_phone=trusted_phone)

    def say(self, text: str, client_id: str | None = None) -> Answer:
        replies = self.frontdesk.engine.handle(self.conversation.id, text, client_id=client_id)
        intent = replies[0].intent if replies else None
        return Answer(messages=[m.to_api() for m in replies], intent=intent)

    @property
    def state(self) -> Any:
        return self.frontdesk.conversations.get(self.conversation.id)

    def new_customer(self, **kwargs: Any) -> "Bot":
        """Another customer on the same Frontdesk (to test that nothing leaks between them)."""
        return Bot(self.frontdesk, self.conversation.site, **kwargs)


def demo_settings(data_dir: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    demo = demo_config()
    demo["data_dir"] = str(data_dir)
    demo["sites"][0]["secret"] = "test-secret"
    demo["sites"][0]["origins"] = ["http://shop.test"]
    demo["logging"] = {"level": "WARNING", "json": True}
    # Tests rarely place calls: let the voice line (if installed) load its models on the first call instead.
    demo.setdefault("plugins", {}).setdefault("voice", {})["preload"] = False
    return load_settings(None, overrides=deep_merge(demo, overrides or {}), environ={})


@pytest.fixture
def make_bot(tmp_path: Path) -> Iterator[Callable[..., Bot]]:
    """``make_bot(overrides=None, plugins=(), **bot_kwargs)`` → a :class:`Bot` on a fresh Frontdesk."""
    made: list[Frontdesk] = []

    def factory(overrides: dict[str, Any] | None = None, plugins: tuple[tuple[str, Any], ...] = (), **kwargs: Any) -> Bot:
        frontdesk = Frontdesk(demo_settings(tmp_path / f"fd{len(made)}", overrides), extra_plugins=plugins)
        frontdesk.start()
        made.append(frontdesk)
        return Bot(frontdesk, **kwargs)

    yield factory
    for frontdesk in made:
        frontdesk.close_resources()


@pytest.fixture
def bot(make_bot: Callable[..., Bot]) -> Bot:
    """A customer talking to the demo shop's bot."""
    return make_bot()


# --- helpers for a plugin's end-to-end and install tests (need the ``test`` extra: requests, build) ----------

def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (for servers a test starts as subprocesses)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


API_ORIGIN = "http://shop.test"
"""The origin :func:`demo_settings` allows for the ``demo`` site."""


class ApiCustomer:
    """One customer talking to a running Frontdesk over the public HTTP API, as the widget does."""

    def __init__(self, url: str, site: str = "demo", origin: str = API_ORIGIN) -> None:
        import requests

        self.url, self.origin = url, origin
        created = requests.post(f"{url}/api/v1/conversations", json={"site": site}, headers={"Origin": origin},
                                timeout=10)
        assert created.status_code == 201, created.text
        self.id, self.token = created.json()["id"], created.json()["token"]

    def say(self, text: str) -> dict[str, Any]:
        """The bot's replies to ``text``: ``{"text": joined text, "quick_replies": [...], "cards": [...]}``."""
        import requests

        response = requests.post(f"{self.url}/api/v1/conversations/{self.id}/messages", json={"text": text},
                                 headers=self._headers(), timeout=30)
        assert response.status_code in (200, 201), response.text
        replies = [m for m in response.json()["messages"] if m["role"] == "bot"]
        return {"text": "\n".join(m["text"] for m in replies),
                "quick_replies": [q for m in replies for q in m["quick_replies"]],
                "cards": [c for m in replies for c in m["cards"]]}

    def messages(self) -> list[dict[str, Any]]:
        """Every message in the conversation so far (proactive ones from webhooks included)."""
        import requests

        response = requests.get(f"{self.url}/api/v1/conversations/{self.id}/messages", headers=self._headers(),
                                timeout=10)
        return response.json()["messages"]

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Origin": self.origin}


@contextmanager
def serve(settings: dict[str, Any]) -> Iterator[tuple[str, Frontdesk]]:
    """A real Frontdesk for ``settings`` on a free local port (threaded werkzeug): yields ``(url, frontdesk)``."""
    from werkzeug.serving import make_server

    from frontdesk.web import create_app

    frontdesk = Frontdesk(settings)
    http = make_server("127.0.0.1", 0, create_app(frontdesk), threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{http.server_port}", frontdesk
    finally:
        http.shutdown()
        frontdesk.close_resources()


def install_into_fresh_venv(project: Path, core: Path, workdir: Path) -> Path:
    """Build ``project``'s wheel, ``pip install`` it with the core at ``core`` into a new virtualenv under
    ``workdir``, and return that virtualenv's ``bin`` folder (``bin / "frontdesk"`` is the CLI)."""
    import subprocess
    import sys
    import venv

    dist = workdir / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(project)],
                   check=True, capture_output=True)
    wheel = next(dist.glob("*.whl"))
    venv.create(workdir / "venv", with_pip=True)
    bin_dir = workdir / "venv" / "bin"
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--prefer-binary", str(core), str(wheel)],
                   check=True, capture_output=True)
    return bin_dir
