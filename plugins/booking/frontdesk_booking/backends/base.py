"""What every calendar back end offers the booking service, and the errors it raises."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol, Sequence

from frontdesk.commerce import BackendUnavailable

from frontdesk_booking.config import Service
from frontdesk_booking.schedule import Slot


class CalendarUnavailable(BackendUnavailable):
    """The calendar server cannot be reached or failed; the customer gets an honest reply and a person."""


class SlotTaken(Exception):
    """Somebody else got this slot first (or it stopped being free); offer the next one."""


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class BookingRequest:
    slot: Slot
    attendee: Attendee
    reference: str
    """Our human-friendly reference (BK-XXXXXX), written into the calendar event."""
    customer_timezone: str = ""


class CalendarBackend(Protocol):
    """A place appointments live. Implementations: CalDAV (incl. embedded Radicale) and Cal.com."""

    name: str

    def free_slots(self, service: Service, resources: Sequence[str], first_day: dt.date, days: int, now: dt.datetime) -> list[Slot]:
        """Free slots for ``service`` with any of ``resources``, earliest first."""

    def book(self, request: BookingRequest) -> str:
        """Create the appointment; return the back end's id for it. Raise :class:`SlotTaken` if it is gone."""

    def cancel(self, backend_id: str) -> None:
        """Remove/cancel the appointment; cancelling one that is already gone is not an error."""

    def exists(self, backend_id: str) -> bool:
        """Is the appointment still in the calendar (the owner may have deleted it by hand)?"""
