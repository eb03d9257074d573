"""The plugin's hook implementations: one intent, one entity extractor, one action, one command.

Published under the ``frontdesk`` entry-point group as ``giftcard`` (see setup.cfg).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import click
from frontdesk.hookspecs import hookimpl
from frontdesk.nlu.loader import load_intents
from frontdesk.registry import Action, EntityExtractor, Intent

from frontdesk_giftcard.balance import gift_card_balance
from frontdesk_giftcard.cards import CardFileError, load_cards
from frontdesk_giftcard.numbers import ENTITY_TYPE, extract_card_numbers, mask

INTENTS_DIR = Path(__file__).resolve().parent / "intents"


@hookimpl
def register_intents(register: Callable[[Intent], None], language: str) -> None:
    path = INTENTS_DIR / f"{language}.yaml"
    if path.exists():  # no gift card phrases for other languages yet
        for intent in load_intents(path, language):
            register(intent)


@hookimpl
def register_entity_extractors(register: Callable[[EntityExtractor], None]) -> None:
    register(EntityExtractor("card_number", (ENTITY_TYPE,), extract_card_numbers))


@hookimpl
def register_actions(register: Callable[[Action], None]) -> None:
    register(Action(intent="giftcard.balance", handler=gift_card_balance))


@hookimpl
def register_commands(cli: click.Group) -> None:
    @cli.group()
    def giftcard() -> None:
        """Gift cards (the frontdesk-giftcard plugin)."""

    @giftcard.command("list")
    @click.option("--cards-file", type=click.Path(dir_okay=False, exists=True), default=None,
                  help="A cards YAML file (default: the demo cards shipped with the plugin).")
    @click.option("--show-numbers", is_flag=True, help="Print full card numbers instead of masked ones.")
    def list_cards(cards_file: str | None, show_numbers: bool) -> None:
        """List the gift cards the bot can answer about."""
        try:
            cards = load_cards(cards_file)
        except CardFileError as exc:
            raise click.ClickException(str(exc)) from None
        for card in cards.values():
            number = card.number if show_numbers else mask(card.number)
            click.echo(f"{number:<16} {card.balance_text:>10}  {card.status}")
        click.echo(f"{len(cards)} card(s)", err=True)
