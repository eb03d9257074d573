"""Built-in knowledge answers: the owner's own policy texts and shop facts from settings.

When the owner has not written a policy, the bot says so and offers a person
rather than inventing one.
"""

from __future__ import annotations

from typing import Callable

from frontdesk import hours
from frontdesk.actions import ActionContext
from frontdesk.hookspecs import hookimpl
from frontdesk.registry import KnowledgeAnswer

POLICY_INTENTS = {
    "shipping.info": ("shipping", "shipping and delivery"),
    "returns.policy": ("returns", "returns and refunds"),
    "payment.methods": ("payment_methods", "payment methods"),
    "account.help": ("account", "customer accounts"),
    "feedback.review": ("reviews", "reviews"),
}


def policy_answer(key: str, topic: str) -> Callable[[ActionContext], str]:
    def answer(ctx: ActionContext) -> str:
        text = ctx.settings["policies"].get(key, "")
        if text:
            return text
        return (f"I don't have our {topic} details to hand, I'm afraid. "
                "Ask for a person and someone from our team will tell you.")

    return answer


def store_hours(ctx: ActionContext) -> str:
    shop = ctx.shop
    summary = hours.hours_text(shop)
    if not summary:
        return "I don't have our opening hours to hand — a person from our team can tell you."
    now = "We're open right now." if hours.is_open(shop) else f"We're closed right now; we open {hours.describe_next_opening(shop)}."
    return f"{now} Our opening hours: {summary}."


def store_location(ctx: ActionContext) -> str:
    shop = ctx.shop
    if not shop.get("address"):
        return "I don't have our address to hand — a person from our team can tell you."
    extra = f" You can call us on {shop['phone']}." if shop.get("phone") else ""
    return f"You'll find {shop['name']} at {shop['address']}.{extra}"


@hookimpl
def register_knowledge(register: Callable[[KnowledgeAnswer], None]) -> None:
    for intent, (key, topic) in POLICY_INTENTS.items():
        register(KnowledgeAnswer(intent=intent, fn=policy_answer(key, topic), quick_replies=("Thanks",)))
    register(KnowledgeAnswer(intent="store.hours", fn=store_hours, quick_replies=("Where are you?",)))
    register(KnowledgeAnswer(intent="store.location", fn=store_location, quick_replies=("Opening hours",)))
