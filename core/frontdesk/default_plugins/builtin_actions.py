"""Built-in actions for the commerce and conversation intents.

They talk only to :class:`frontdesk.commerce.CommerceBackend`, so they behave the
same with the demo store, Shopify or WooCommerce. Order details are described
only through :meth:`ActionContext.verified_order`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Callable

from frontdesk.actions import ActionContext
from frontdesk.commerce import ActionNotAllowed, CartLine, Order, Product, Variant
from frontdesk.hookspecs import hookimpl
from frontdesk.messages import Button, Card, Reply, reply
from frontdesk.registry import Action

TALK_TO_PERSON = "Talk to a person"
MAX_CARDS = 5

STATUS_PHRASES = {
    "pending": "is waiting for payment",
    "processing": "is being prepared and hasn't shipped yet",
    "shipped": "has shipped",
    "delivered": "has been delivered",
    "cancelled": "was cancelled",
    "refunded": "was refunded",
    "on-hold": "is on hold",
}

REFUND_PHRASES = {
    "": "There's no refund on this order yet.",
    "requested": "Your refund request has been received and is waiting for review.",
    "approved": "Your refund has been approved and is on its way to your original payment method.",
    "refunded": "Your refund has been paid to your original payment method.",
    "rejected": "Your refund request was not approved. A person from our team can explain why.",
}


def money(amount: Decimal, currency: str) -> str:
    symbol = {"USD": "$", "GBP": "£", "EUR": "€"}.get(currency.upper(), "")
    return f"{symbol}{amount:.2f}" if symbol else f"{amount:.2f} {currency}"


# --- verification -------------------------------------------------------------------------


def with_verified_order(
        describe: Callable[[ActionContext, Order], Reply | list[Reply]]) -> Callable[[ActionContext], Reply | list[Reply]]:
    """Run ``describe`` only for a verified order; otherwise say the same thing whatever was wrong."""

    def handler(ctx: ActionContext) -> Reply | list[Reply]:
        order = ctx.verified_order()
        if order is not None:
            return describe(ctx, order)
        if ctx.verification is not None and ctx.verification.status == "throttled":
            return reply("There have been too many attempts to look up this order, so I've paused lookups for a "
                         "while to keep it safe. Please try again later, or a person from our team can help.",
                         (TALK_TO_PERSON,))
        ctx.clear_slots("order_number", "verifier")
        return reply("I couldn't find an order matching that order number and email or postcode. "
                     "Please check both — the order number is on your confirmation email.")

    return handler


def hand_over_when_refused(change: Callable[[ActionContext, Order], Reply]) -> Callable[[ActionContext, Order], list[Reply]]:
    """A change the shop's policy or the order's state refuses goes to a person, with the reason and the context."""

    def attempt(ctx: ActionContext, order: Order) -> list[Reply]:
        try:
            return [change(ctx, order)]
        except ActionNotAllowed as refused:
            handoff = ctx.handoff("not_allowed", note=f"{ctx.intent} refused for order #{order.number}: {refused.reason}")
            return [reply(refused.reason), handoff]

    return attempt


def order_card(order: Order) -> Card:
    buttons = []
    if order.tracking_url:
        buttons.append(Button(label="Track parcel", url=order.tracking_url))
    if order.status_url:
        buttons.append(Button(label="Order page", url=order.status_url))
    items = ", ".join(f"{line.quantity} × {line.title}" for line in order.lines)
    return Card(title=f"Order #{order.number}", subtitle=f"{order.status.capitalize()} · {items}",
                url=order.status_url or None, buttons=tuple(buttons))


def describe_status(ctx: ActionContext, order: Order) -> Reply:
    parts = [f"Order #{order.number} {STATUS_PHRASES.get(order.status, 'is ' + order.status)}."]
    if order.lines:
        parts.append("Items: " + ", ".join(f"{line.quantity} × {line.title}" for line in order.lines) + ".")
    if order.status in ("shipped", "delivered") and order.carrier:
        tracking = f" Tracking number {order.tracking_number}." if order.tracking_number else ""
        link = f" [Track your parcel]({order.tracking_url})" if order.tracking_url else ""
        parts.append(f"Carrier: {order.carrier}.{tracking}{link}")
    return reply(" ".join(parts), ("Cancel this order", "Thanks") if order.status in ("pending", "processing")
                 else ("Thanks",), [order_card(order)], order_number=order.number)


def cancel(ctx: ActionContext, order: Order) -> Reply:
    updated = ctx.commerce.cancel_order(order)
    ctx.emit("order.cancelled", {"order_number": updated.number})
    ctx.mark_solved()
    return reply(f"Done — order #{updated.number} is cancelled. Any payment will be refunded to the original "
                 "payment method.", ("Thanks",))


def change_address(ctx: ActionContext, order: Order) -> Reply:
    updated = ctx.commerce.change_shipping_address(order, str(ctx.slots["address"]))
    ctx.emit("order.address_changed", {"order_number": updated.number})
    ctx.mark_solved()
    return reply(f"Done — order #{updated.number} will now go to: {updated.shipping_address or ctx.slots['address']}.")


def change_order(ctx: ActionContext, order: Order) -> Reply:
    if order.status not in ("pending", "processing"):
        return reply(f"Order #{order.number} {STATUS_PHRASES.get(order.status, order.status)}, so it can't be "
                     "changed any more. A person from our team can help with a return or exchange.", (TALK_TO_PERSON,))
    return ctx.handoff("order_change", note=f"customer wants to change verified order #{order.number}")


def invoice(ctx: ActionContext, order: Order) -> Reply:
    if order.invoice_url:
        return reply(f"Here's the invoice for order #{order.number}: [download invoice]({order.invoice_url})")
    if order.status_url:
        return reply(f"You can see and print the receipt for order #{order.number} on its [order page]({order.status_url}).")
    return ctx.handoff("plugin", note=f"invoice requested for order #{order.number}")


def request_refund(ctx: ActionContext, order: Order) -> Reply:
    updated = ctx.commerce.request_refund(order, str(ctx.slots.get("reason", "")))
    ctx.emit("refund.requested", {"order_number": updated.number})
    return reply(f"I've recorded a refund request for order #{updated.number}. Our team reviews requests within "
                 "two working days and you'll hear from us by email.")


def refund_status(ctx: ActionContext, order: Order) -> Reply:
    return reply(f"Order #{order.number}: {REFUND_PHRASES.get(order.refund_status, order.refund_status)}")


# --- products ------------------------------------------------------------------------------


def wanted_options(ctx: ActionContext) -> dict[str, str]:
    options = {}
    for kind in ("size", "colour"):
        entity = ctx.entity(kind)
        value = entity.value if entity else ctx.slots.get(kind)
        if value:
            options[kind] = str(value)
    return options


def product_card(product: Product) -> Card:
    stock = "In stock" if product.available else "Out of stock"
    buttons = [Button(label="Buy", payload=f"Buy {product.title}")] if product.available else []
    if product.url:
        buttons.append(Button(label="View", url=product.url))
    return Card(title=product.title, subtitle=f"{money(product.price, product.currency)} · {stock}",
                image=product.image, url=product.url, buttons=tuple(buttons))


def search(ctx: ActionContext) -> Reply:
    query = str(ctx.slots.get("product", ctx.text))
    products = ctx.commerce.search_products(query, limit=MAX_CARDS)
    if not products:
        return reply(f"I couldn't find anything matching “{query}”. Could you describe it another way?",
                     ("Show me running shoes", TALK_TO_PERSON))
    ctx.memory["last_product"] = products[0].id
    names = ", ".join(p.title for p in products[:3])
    return reply(f"Here's what I found: {names}.", (), [product_card(p) for p in products])


def describe_variant_stock(product: Product, variant: Variant) -> str:
    count = f" ({variant.inventory} left)" if variant.inventory is not None and variant.inventory <= 5 else ""
    name = product.title if len(product.variants) == 1 else f"{product.title} ({variant.title})"
    if variant.available:
        return f"Yes — {name} is in stock{count} at {money(variant.price, product.currency)}."
    return f"Sorry, {name} is out of stock right now."


def availability(ctx: ActionContext) -> Reply:
    query = str(ctx.slots.get("product", ctx.text))
    products = ctx.commerce.search_products(query, limit=4)
    if not products:
        return reply(f"I couldn't find “{query}” in our shop.", ("Find a product", TALK_TO_PERSON))
    product, others = products[0], products[1:]
    ctx.memory["last_product"] = product.id
    options = wanted_options(ctx)
    variant = product.variant_matching(options) if options else None
    if variant is not None:
        text = describe_variant_stock(product, variant)
        available = variant.available
    elif options:
        text = f"{product.title} doesn't come in {' / '.join(options.values())}."
        available = False
    else:
        in_stock = [v.title for v in product.variants if v.available]
        available = product.available
        text = (f"{product.title} is in stock" + (f" in {', '.join(in_stock[:8])}." if in_stock and len(product.variants) > 1 else ".")
                if available else f"Sorry, {product.title} is out of stock right now.")
    alternatives = [p for p in others if p.available][:3]
    if not available:
        watch(ctx, product)
        text += " I'll message you here if it comes back in stock."
    if not available and alternatives:
        text += " You might like: " + ", ".join(p.title for p in alternatives) + "."
    cards = [product_card(product)] + ([product_card(p) for p in alternatives] if not available else [])
    quick = (f"Buy {product.title}",) if available else ("Find something similar", TALK_TO_PERSON)
    return reply(text, quick, cards)


def watch(ctx: ActionContext, product: Product) -> None:
    """Remember that this customer wants ``product``: a back-in-stock event then reaches this conversation."""
    watching = ctx.memory.setdefault("back_in_stock", [])
    if product.id not in watching:
        watching.append(product.id)
        ctx.emit("back_in_stock.watch", {"product_id": product.id})


def place_order(ctx: ActionContext) -> Reply:
    products = ctx.commerce.search_products(str(ctx.slots["product"]), limit=1)
    if not products:
        ctx.clear_slots("product")
        return reply(f"I couldn't find “{ctx.slots['product']}” in our shop.")
    product = products[0]
    if not product.available:
        return reply(f"Sorry, {product.title} is out of stock right now.", ("Find something similar",))
    chosen = chosen_options(ctx, product)
    ctx.slots.update(chosen)
    for option in option_names(product):
        if option not in chosen:
            values = option_values(product, option, chosen)
            return ctx.ask(option, f"Which {option} of {product.title} would you like?", values[:10], entity="text")
    variant = product.variant_matching(chosen)
    if variant is None or not variant.available:
        ctx.clear_slots(*option_names(product))
        label = variant.title if variant else " / ".join(chosen.values())
        return reply(f"Sorry, {product.title} ({label}) is out of stock. Would another option do?")
    return checkout_reply(ctx, product, variant)


def checkout_reply(ctx: ActionContext, product: Product, variant: Variant) -> Reply:
    quantity = max(1, min(int(ctx.slots.get("quantity") or 1), 20))
    checkout = ctx.commerce.create_checkout([CartLine(variant.id, quantity)], email=ctx.conversation.identity_email)
    ctx.emit("checkout.created", {"product": product.id, "variant": variant.id, "quantity": quantity})
    total = f" Total: {money(checkout.total, checkout.currency)}." if checkout.total is not None else ""
    card = Card(title=f"{quantity} × {product.title}", subtitle=variant.title, image=product.image,
                url=checkout.url, buttons=(Button(label="Checkout", url=checkout.url),))
    return reply(f"Great choice! Here's your checkout link for {quantity} × {product.title} ({variant.title}).{total} "
                 f"[Go to checkout]({checkout.url})", (), [card], checkout_url=checkout.url)


def option_names(product: Product) -> list[str]:
    """Options that actually vary between variants, in the shop's order (``size`` before ``colour``)."""
    names: list[str] = []
    for variant in product.variants:
        for name in variant.options:
            if name not in names and len({v.options.get(name) for v in product.variants}) > 1:
                names.append(name)
    return names


def option_values(product: Product, option: str, chosen: dict[str, str]) -> list[str]:
    """Values of ``option`` still in stock given what the customer already chose."""
    values: list[str] = []
    for variant in product.variants:
        matches = all(variant.options.get(k, "").lower() == v.lower() for k, v in chosen.items())
        value = variant.options.get(option)
        label = value[:1].upper() + value[1:] if value else ""  # shops store "blue"; buttons read "Blue"
        if variant.available and matches and label and label not in values:
            values.append(label)
    return values


def chosen_options(ctx: ActionContext, product: Product) -> dict[str, str]:
    """Options named in entities ("size 10", "in blue") or in answers to "which size?"."""
    chosen: dict[str, str] = {}
    for option in option_names(product):
        said = " ".join(str(x) for x in (ctx.slots.get(option), ctx.slots.get("variant"), ctx.slots.get("product")) if x)
        entity = ctx.entity(option)
        for value in {v.options.get(option, "") for v in product.variants}:
            if value and ((entity and str(entity.value).lower() == value.lower())
                          or re.search(rf"\b{re.escape(value)}\b", said, re.I)):
                chosen[option] = value
    return chosen


# --- conversation ---------------------------------------------------------------------------


def greet(ctx: ActionContext) -> Reply:
    return reply(ctx.shop["greeting"], ("Where is my order?", "Find a product", "Opening hours"))


def goodbye(ctx: ActionContext) -> Reply:
    ctx.mark_solved()
    return reply(ctx.frontdesk.phrases.text("goodbye"))


def thanks(ctx: ActionContext) -> Reply:
    return reply(ctx.frontdesk.phrases.text("thanks"), ("No, that's all", "Find a product"))


def handoff(ctx: ActionContext) -> Reply:
    return ctx.handoff("customer_asked")


def complaint(ctx: ActionContext) -> Reply:
    ctx.handoff("complaint", note=ctx.text[:500])
    return reply("I'm really sorry about this. I've passed your message to a person on our team, who will "
                 "make it right. " + ctx.frontdesk.engine.handoff_reply(ctx.conversation.site).text)


def payment_issue(ctx: ActionContext) -> Reply:
    policy = ctx.settings["policies"].get("payment_issue") or ctx.settings["policies"].get("payment_methods")
    intro = "Sorry you're having trouble paying. "
    if policy:
        intro += policy + " "
    return reply(intro + "If it still doesn't work, a person from our team can sort it out.", (TALK_TO_PERSON,))


def newsletter(ctx: ActionContext) -> Reply:
    ctx.emit("newsletter.subscribed", {"email": str(ctx.slots["email"]).lower()})
    ctx.mark_solved()
    return reply(f"Done — you're subscribed to the {ctx.shop['name']} newsletter. You can unsubscribe from any email.")


ACTIONS: dict[str, Callable[[ActionContext], Reply | list[Reply] | None]] = {
    "greet": greet,
    "goodbye": goodbye,
    "thanks": thanks,
    "handoff.human": handoff,
    "feedback.complaint": complaint,
    "payment.issue": payment_issue,
    "newsletter.subscribe": newsletter,
    "order.status": with_verified_order(describe_status),
    "order.cancel": with_verified_order(hand_over_when_refused(cancel)),
    "order.change": with_verified_order(change_order),
    "order.change_address": with_verified_order(hand_over_when_refused(change_address)),
    "order.invoice": with_verified_order(invoice),
    "refund.request": with_verified_order(hand_over_when_refused(request_refund)),
    "refund.status": with_verified_order(refund_status),
    "order.place": place_order,
    "product.search": search,
    "product.availability": availability,
}


@hookimpl
def register_actions(register: Callable[[Action], None]) -> None:
    for intent, handler in ACTIONS.items():
        register(Action(intent=intent, handler=handler))
