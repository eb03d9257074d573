"""The gift card plugin through the real engine, with the ``bot`` fixture Frontdesk installs for plugin authors.

Each Frontdesk trains its NLU when it starts (seconds), so most tests share one per module and
start a new conversation each; ``bot`` itself (a fresh Frontdesk) is used where the defaults matter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner
from frontdesk.app_state import Frontdesk
from frontdesk.cli import cli
from frontdesk.testing import Bot, demo_settings

from frontdesk_giftcard.cards import DEMO_CARDS, CardFileError, load_cards
from frontdesk_giftcard.numbers import extract_card_numbers, mask

OWNER_CARD = "  - {number: GC-1111-2222, balance: '7.5', currency: USD}\n"


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Frontdesk]:
    """The demo shop with the owner's own cards file: the demo cards plus one in dollars."""
    data_dir = tmp_path_factory.mktemp("giftcard")
    cards = data_dir / "cards.yaml"
    cards.write_text(DEMO_CARDS.read_text(encoding="utf-8") + OWNER_CARD, encoding="utf-8")
    frontdesk = Frontdesk(demo_settings(data_dir, {"plugins": {"giftcard": {"cards_file": str(cards)}}}))
    frontdesk.start()
    yield frontdesk
    frontdesk.close_resources()


@pytest.fixture
def customer(shop: Frontdesk) -> Bot:
    return Bot(shop)


def test_balance_in_one_message(bot):
    answer = bot.say("What's the balance on gift card GC-1234-5678?")
    assert answer.intent == "giftcard.balance"
    assert answer.text == "Gift card GC-••••-5678 has £25.00 left."
    assert "1234" not in answer.text  # only the last four digits are ever shown


def test_asks_for_the_number_then_answers(customer):
    assert "What's the gift card number?" in customer.say("how much is left on my gift card?").text
    assert customer.state.expecting == {"intent": "giftcard.balance", "slot": "card_number", "entity": "card_number"}
    assert "£12.50 left" in customer.say("1234 5678 9012").text


def test_unknown_card_is_answered_honestly_and_asked_again(customer):
    answer = customer.say("gift card balance for GC-0000-4321")
    assert "couldn't find a gift card with the number GC-••••-4321" in answer.text
    assert "What's the gift card number?" in answer.text
    assert "has £" not in answer.text


def test_guessing_numbers_ends_with_a_person(customer):
    for number in ("GC-0000-0001", "GC-0000-0002", "GC-0000-0003"):
        customer.say(f"gift card balance for {number}")
    assert customer.state.status == "handoff"


def test_expired_card_says_so(customer):
    answer = customer.say("check my gift card balance GC-9999-0001")
    assert "expired on 2024-12-31" in answer.text and "£40.00" not in answer.text


def test_owner_cards_file_from_settings(customer):
    assert customer.say("gift card balance GC-1111-2222").text == "Gift card GC-••••-2222 has $7.50 left."


def test_order_numbers_still_read_as_orders(customer):
    assert customer.say("where is my order 1001").intent == "order.status"


@pytest.mark.parametrize("text, value", [
    ("card GC-1234-5678 please", "GC-1234-5678"),
    ("gc 1234 5678", "GC-1234-5678"),
    ("GC12345678", "GC-1234-5678"),
    ("1234 5678 9012", "1234-5678-9012"),
    ("123456789012", "1234-5678-9012"),
])
def test_card_number_shapes(text, value):
    assert [e.value for e in extract_card_numbers(text, {})] == [value]


@pytest.mark.parametrize("text", ["call 07700 900123", "order 1001", "1234-5678 9012", "GC-123-4567"])
def test_not_card_numbers(text):
    assert list(extract_card_numbers(text, {})) == []


def test_mask_keeps_shape_and_last_four():
    assert mask("GC-1234-5678") == "GC-••••-5678"
    assert mask("1234 5678 9012") == "•••• •••• 9012"


def test_broken_cards_file_is_a_clear_error(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("cards:\n  - {number: GC-1, balance: lots}\n", encoding="utf-8")
    with pytest.raises(CardFileError, match="numeric balance"):
        load_cards(bad)


def test_list_command_masks_numbers():
    result = CliRunner().invoke(cli, ["giftcard", "list"])
    assert result.exit_code == 0, result.output
    assert "GC-••••-5678" in result.output and "£25.00" in result.output
    assert "GC-1234-5678" not in result.output
