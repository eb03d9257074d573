"""The demo shop's pages: product pages, placeholder images, order status and a fake checkout.

Order and checkout pages are reached only through unguessable tokens (never the order
number), so a link handed to a verified customer shows that customer's order and nothing else.
"""

from __future__ import annotations

import re
import textwrap
from decimal import Decimal
from typing import Callable

from flask import Blueprint, Response, abort, redirect, render_template, request

from frontdesk.commerce import ActionNotAllowed, BackendUnavailable
from frontdesk.demo_store.backend import URL_PREFIX, DemoStore

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€"}
PRIVATE_HEADERS = {
    # Tokens are in these URLs: keep them out of caches, search engines and Referer headers.
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
}


def money(amount: Decimal, currency: str = "USD") -> str:
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {currency}"


def create_blueprint(store: DemoStore | Callable[[], DemoStore]) -> Blueprint:
    """The ``demo_store`` blueprint under ``/demo-store``; ``store`` may be a DemoStore or a function returning one."""
    get_store: Callable[[], DemoStore] = store if callable(store) and not isinstance(store, DemoStore) else (lambda: store)
    bp = Blueprint("demo_store", __name__, url_prefix=URL_PREFIX, template_folder="templates")

    @bp.context_processor
    def helpers() -> dict:
        return {"money": money, "shop_name": get_store().shop_name}

    @bp.errorhandler(BackendUnavailable)
    def shop_down(exc: BackendUnavailable):
        return render_template("demo_store/message.html", title="The shop is unavailable",
                               message="Our shop system can't be reached right now. Please try again shortly."), 503

    @bp.get("/")
    def index():
        products = get_store().all_products()
        return render_template("demo_store/index.html", products=products)

    @bp.get("/products/<handle>")
    def product(handle: str):
        found = get_store().get_product(handle)
        if found is None:
            abort(404)
        return render_template("demo_store/product.html", product=found)

    @bp.get("/images/<handle>.svg")
    def image(handle: str):
        store_ = get_store()
        found = store_.get_product(handle)
        if found is None:
            abort(404)
        colour = store_.product_colour(handle) or "#888888"
        svg = render_template(
            "demo_store/product.svg",
            lines=textwrap.wrap(found.title, 18)[:3],
            colour=colour if HEX_COLOUR.match(colour) else "#888888",
        )
        return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=3600"})

    @bp.get("/orders/<token>")
    def order(token: str):
        found = get_store().order_by_token(token)
        if found is None:
            abort(404)
        return render_template("demo_store/order.html", order=found), 200, PRIVATE_HEADERS

    @bp.get("/checkout/<token>")
    def checkout(token: str):
        cart = get_store().get_checkout(token)
        if cart is None:
            abort(404)
        return render_template("demo_store/checkout.html", cart=cart, error=None, form={}), 200, PRIVATE_HEADERS

    @bp.post("/checkout/<token>/pay")
    def pay(token: str):
        store_ = get_store()
        cart = store_.get_checkout(token)
        if cart is None:
            abort(404)
        form = {key: request.form.get(key, "")[:500] for key in ("email", "name", "address", "postcode")}
        try:
            paid = store_.pay_checkout(token, **form)
        except ActionNotAllowed as exc:
            page = render_template("demo_store/checkout.html", cart=cart, error=exc.reason, form=form)
            return page, 400, PRIVATE_HEADERS
        return redirect(paid.status_url, code=303)

    return bp
