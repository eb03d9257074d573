"""The ``giftcard.balance`` action: look the card up and say what is left, never the full number."""

from __future__ import annotations

from frontdesk.actions import ActionContext
from frontdesk.messages import Reply, reply

from frontdesk_giftcard.cards import CardFileError, find_card
from frontdesk_giftcard.numbers import mask

PLUGIN = "giftcard"
# Wrong numbers tried in one conversation before a person takes over: guessing numbers must not pay.
MAX_UNKNOWN_CARDS = 3


def gift_card_balance(ctx: ActionContext) -> Reply:
    number = str(ctx.slots["card_number"])
    shown = mask(number)
    try:
        card = find_card(number, ctx.plugin_settings(PLUGIN).get("cards_file"))
    except CardFileError as exc:
        ctx.emit("giftcard.unavailable", {"error": str(exc)[:200]})
        return ctx.handoff(reason="backend_down", note="the gift card file could not be read")
    if card is None:
        return unknown_card(ctx, shown)
    ctx.emit("giftcard.balance", {"card": shown})
    if card.status == "expired":
        ends = f" on {card.expired_on}" if card.expired_on else ""
        return reply(f"Gift card {shown} expired{ends}, so it can't be used any more. "
                     "If you think that's wrong, a person can look into it.", ["Talk to a person"])
    if card.status != "active":
        return reply(f"Gift card {shown} can't be used (it's {card.status}). A person can tell you more.",
                     ["Talk to a person"])
    ctx.mark_solved()
    return reply(f"Gift card {shown} has {card.balance_text} left.", ["Find a product", "Anything else"])


def unknown_card(ctx: ActionContext, shown: str) -> Reply:
    misses = ctx.memory.get("giftcard_unknown", 0) + 1
    ctx.memory["giftcard_unknown"] = misses
    ctx.emit("giftcard.unknown", {"card": shown, "attempt": misses})
    if misses >= MAX_UNKNOWN_CARDS:
        return ctx.handoff(reason="not_understood", note=f"{misses} unknown gift card numbers")
    ctx.clear_slots("card_number")  # the engine then asks for the number again
    return reply(f"I couldn't find a gift card with the number {shown}. Please check it against the back of the card.",
                 ["Talk to a person"])
