"""The booking index: our references, who booked, the .ics token, and whether the reminder went out.

The calendar stays the source of truth for *busy time*; this small table
(SQLite under the data dir by default, any SQLAlchemy URL otherwise) holds what
a calendar has no place for: the customer's contact (to check who may change a
booking), the unguessable .ics link token, and ``reminded_at`` — claimed with a
conditional UPDATE so each reminder goes out once even with several workers.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, create_engine, select, update
from sqlalchemy.engine import Engine

UTC = dt.timezone.utc
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: references are read out on the phone
MAX_FAILED_CHECKS = 5

metadata = MetaData()
bookings = Table(
    "booking_appointments",
    metadata,
    Column("reference", String(16), primary_key=True),
    Column("backend", String(16), nullable=False),
    Column("backend_id", String(512), nullable=False),
    Column("service", String(120), nullable=False),
    Column("resource", String(120), nullable=False),
    Column("start", DateTime(timezone=True), nullable=False, index=True),
    Column("end", DateTime(timezone=True), nullable=False),
    Column("name", String(200), nullable=False, default=""),
    Column("email", String(320), nullable=False, default=""),
    Column("phone", String(32), nullable=False, default=""),
    Column("ics_token", String(64), nullable=False, unique=True),
    Column("status", String(16), nullable=False, default="booked"),
    Column("conversation_id", String(64), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("reminded_at", DateTime(timezone=True), nullable=True),
    Column("failed_checks", Integer, nullable=False, default=0),
)


@dataclass(frozen=True)
class BookingRecord:
    reference: str
    backend: str
    backend_id: str
    service: str
    resource: str
    start: dt.datetime
    end: dt.datetime
    name: str
    email: str
    phone: str
    ics_token: str
    status: str
    conversation_id: str | None
    created_at: dt.datetime
    reminded_at: dt.datetime | None = None
    failed_checks: int = 0


def new_reference() -> str:
    return "BK-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def normalise_reference(text: str) -> str:
    compact = re.sub(r"[^A-Z0-9]", "", text.upper())
    return "BK-" + compact[2:] if compact.startswith("BK") else "BK-" + compact


def phone_digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def contact_matches(record: BookingRecord, contact: str) -> bool:
    """Email (case-insensitive) or phone (last 9 digits, so +44 7700… equals 07700…) must match."""
    contact = (contact or "").strip()
    if not contact:
        return False
    if "@" in contact:
        return bool(record.email) and secrets.compare_digest(contact.lower(), record.email.lower())
    mine, theirs = phone_digits(record.phone), phone_digits(contact)
    return len(theirs) >= 7 and len(mine) >= 7 and secrets.compare_digest(mine[-9:], theirs[-9:])


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)  # SQLite drops tzinfo


class BookingStore:
    def __init__(self, url: str):
        self.engine: Engine = create_engine(url)
        metadata.create_all(self.engine)

    def _record(self, row) -> BookingRecord:
        data = dict(row._mapping)
        for key in ("start", "end", "created_at", "reminded_at"):
            data[key] = _utc(data[key])
        return BookingRecord(**data)

    def add(self, *, backend: str, backend_id: str, service: str, resource: str, start: dt.datetime, end: dt.datetime,
            name: str, email: str, phone: str, conversation_id: str | None, reference: str | None = None) -> BookingRecord:
        values = dict(
            reference=reference or new_reference(), backend=backend, backend_id=backend_id, service=service,
            resource=resource, start=start.astimezone(UTC), end=end.astimezone(UTC), name=name, email=email,
            phone=phone, ics_token=secrets.token_urlsafe(24), status="booked", conversation_id=conversation_id,
            created_at=dt.datetime.now(UTC), reminded_at=None, failed_checks=0,
        )
        with self.engine.begin() as conn:
            conn.execute(bookings.insert().values(**values))
        return self.get(values["reference"])

    def get(self, reference: str) -> BookingRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(bookings).where(bookings.c.reference == reference)).first()
        return self._record(row) if row else None

    def by_token(self, token: str) -> BookingRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(bookings).where(bookings.c.ics_token == token)).first()
        return self._record(row) if row else None

    def verify(self, reference: str, contact: str) -> BookingRecord | None:
        """The booking, only if ``contact`` is its email or phone; wrong pairs count towards a lock-out."""
        record = self.get(normalise_reference(reference))
        if record is None or record.status != "booked":
            return None
        if record.failed_checks >= MAX_FAILED_CHECKS:
            return None
        if contact_matches(record, contact):
            return record
        with self.engine.begin() as conn:
            conn.execute(update(bookings).where(bookings.c.reference == record.reference)
                         .values(failed_checks=bookings.c.failed_checks + 1))
        return None

    def move(self, reference: str, *, backend_id: str, resource: str, start: dt.datetime, end: dt.datetime) -> BookingRecord:
        with self.engine.begin() as conn:
            conn.execute(update(bookings).where(bookings.c.reference == reference).values(
                backend_id=backend_id, resource=resource, start=start.astimezone(UTC), end=end.astimezone(UTC),
                reminded_at=None))
        return self.get(reference)

    def set_status(self, reference: str, status: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(bookings).where(bookings.c.reference == reference).values(status=status))

    def due_for_reminder(self, now: dt.datetime, window: dt.timedelta) -> list[BookingRecord]:
        now = now.astimezone(UTC)
        query = (select(bookings).where(bookings.c.status == "booked", bookings.c.reminded_at.is_(None),
                                        bookings.c.start > now, bookings.c.start <= now + window)
                 .order_by(bookings.c.start))
        with self.engine.connect() as conn:
            return [self._record(row) for row in conn.execute(query)]

    def claim_reminder(self, reference: str, now: dt.datetime) -> bool:
        """Mark the reminder sent; False if another worker claimed it first (the UPDATE is conditional)."""
        with self.engine.begin() as conn:
            result = conn.execute(update(bookings).where(bookings.c.reference == reference, bookings.c.reminded_at.is_(None))
                                  .values(reminded_at=now.astimezone(UTC)))
        return result.rowcount == 1

    def release_reminder(self, reference: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(bookings).where(bookings.c.reference == reference).values(reminded_at=None))
