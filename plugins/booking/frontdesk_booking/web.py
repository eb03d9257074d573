"""``/booking/ics/<token>.ics``: the customer's appointment as a calendar file.

The token is 32 random URL-safe characters from :func:`secrets.token_urlsafe`,
stored with the booking; it is the only key, so a link cannot be guessed from a
reference, a date or another customer's link.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, jsonify

from frontdesk_booking.ics import booking_ics
from frontdesk_booking.runtime import runtime_for

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def make_blueprint() -> Blueprint:
    blueprint = Blueprint("booking", __name__, url_prefix="/booking")

    @blueprint.get("/ics/<token>.ics")
    def ics(token: str):
        if not TOKEN.match(token):
            return jsonify(error={"code": "not_found", "message": "no such booking"}), 404
        frontdesk = current_app.extensions["frontdesk"]
        runtime = runtime_for(frontdesk)
        record = runtime.store.by_token(token)
        if record is None:
            return jsonify(error={"code": "not_found", "message": "no such booking"}), 404
        shop = frontdesk.settings.get("shop") or {}
        body = booking_ics(record, shop.get("name", ""), shop.get("address", ""))
        return Response(body, mimetype="text/calendar", headers={
            "Content-Disposition": f'attachment; filename="{record.reference}.ics"',
            "Cache-Control": "private, no-store",
        })

    return blueprint
