"""Who may see an order: the order number plus the email, postcode or phone on that order.

The answer to a wrong pair is the same whether the order does not exist or the
second factor is wrong, so a guesser learns nothing. Failures are recorded as
events and counted per conversation and per order number (hashed), so repeated
wrong tries are throttled even across new conversations and restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select

from frontdesk.commerce import CommerceBackend, Order
from frontdesk.storage import Database
from frontdesk.storage.models import Event, utcnow

FAILED = "verification.failed"
PASSED = "verification.passed"


@dataclass(frozen=True)
class VerificationResult:
    status: str
    """``ok``, ``mismatch`` (wrong pair or no such order: indistinguishable) or ``throttled``."""
    order: Order | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def normalise_email(value: str) -> str:
    return value.strip().lower()


def normalise_postcode(value: str) -> str:
    return re.sub(r"[\s-]", "", value).upper()


def normalise_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return digits[-10:]  # compare national significant digits: +44 20… and 020… both end the same


def normalise_order_number(value: str) -> str:
    return re.sub(r"\D", "", str(value))


UK_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$", re.I)
US_ZIP = re.compile(r"^\d{5}(-\d{4})?$")


def looks_like_postcode(text: str) -> bool:
    return bool(UK_POSTCODE.match(text) or US_ZIP.match(text))


def _same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


def factor_matches(order: Order, factor: str) -> bool:
    """True when ``factor`` (an email, postcode or phone number) is the one on ``order``."""
    factor = str(factor).strip()
    if "@" in factor:
        return _same(normalise_email(factor), normalise_email(order.email))
    if _same(normalise_postcode(factor), normalise_postcode(order.postcode)):
        return True
    digits = normalise_phone(factor)
    return len(digits) >= 7 and _same(digits, normalise_phone(order.phone))


def order_key(number: str) -> str:
    return hashlib.sha256(f"order:{normalise_order_number(number)}".encode()).hexdigest()[:32]


class Verifier:
    def __init__(self, db: Database, limits: dict[str, Any]) -> None:
        self.db = db
        self.max_failures = int(limits.get("verification_failures", 5))
        self.window = timedelta(minutes=int(limits.get("verification_window_minutes", 15)))

    def _failures(self, conversation_id: str, key: str) -> int:
        since = utcnow() - self.window
        with self.db.session() as session:
            query = select(func.count(Event.id)).where(
                Event.type == FAILED, Event.created_at >= since,
                or_(Event.conversation_id == conversation_id, Event.data["order_key"].as_string() == key),
            )
            return int(session.scalar(query) or 0)

    def _record(self, conversation_id: str, event_type: str, key: str) -> None:
        with self.db.session() as session:
            session.add(Event(conversation_id=conversation_id, type=event_type, data={"order_key": key}))

    def throttled(self, conversation_id: str, number: str) -> bool:
        return self._failures(conversation_id, order_key(number)) >= self.max_failures

    def verify(self, commerce: CommerceBackend, conversation_id: str, number: str, factors: list[str],
               *, count_failure: bool = True) -> VerificationResult:
        """Check ``number`` against each factor. May raise ``BackendUnavailable`` from the back end."""
        number = normalise_order_number(number)
        key = order_key(number)
        if not number or self.throttled(conversation_id, number):
            return VerificationResult("throttled" if number else "mismatch")
        order = commerce.find_order(number)
        if order is not None and any(factor_matches(order, f) for f in factors if f):
            self._record(conversation_id, PASSED, key)
            return VerificationResult("ok", order)
        if count_failure:
            self._record(conversation_id, FAILED, key)
        return VerificationResult("mismatch")
