"""A pytest plugin for plugin authors: the ``bot`` fixture.

Installed with Frontdesk (entry point ``pytest11``), so in a plugin's tests::

    def test_balance(bot):
        answer = bot.say("what's the balance on gift card 1234-5678")
        assert "£25.00" in answer.text

``bot`` runs the real engine on the demo shop (every installed plugin loaded
through its entry point) with a fresh SQLite database per test. Use
``make_bot(overrides)`` for other settings, e.g. another commerce back end.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from frontdesk.app_state import Frontdesk
from frontdesk.settings import deep_merge, load_settings

DEMO_CONFIG = Path(__file__).resolve().parent / "demo_config.toml"


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
    demo = tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8"))
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
