"""BookingService: find slots for what the customer asked, book without double-booking, move, cancel.

Knows nothing about conversations; the actions module turns its answers into replies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from frontdesk_booking.backends.base import Attendee, BookingRequest, CalendarBackend, SlotTaken
from frontdesk_booking.config import BookingConfig, Service
from frontdesk_booking.schedule import UTC, Slot, in_daypart, nearest, opening_ranges, wall_to_utc
from frontdesk_booking.store import BookingRecord, BookingStore
from frontdesk_booking.when import when_date, when_time

OFFERED = 3


@dataclass
class Availability:
    """The answer to "can I come then?": the exact slot if free, otherwise the nearest ones and why."""

    exact: Slot | None
    options: list[Slot] = field(default_factory=list)
    reason: str | None = None
    """None, "taken", "closed" (closed that day), "holiday", "out_of_hours", "past", "invalid", "full"."""


def slot_label(slot: Slot, config: BookingConfig, with_staff: bool = True) -> str:
    """"Tue 10 Mar 15:00 with Sam" — also what the customer taps, and :mod:`when` parses it back."""
    local = slot.start.astimezone(config.timezone)
    label = f"{local:%a} {local.day} {local:%b %H:%M}"
    if with_staff and slot.resource != "shop":
        label += f" with {slot.resource}"
    return label


def spread(slots: list[Slot], count: int = OFFERED, gap: dt.timedelta = dt.timedelta(hours=1)) -> list[Slot]:
    """Pick ``count`` slots at least ``gap`` apart, so three offers are not 9:00, 9:15 and 9:30."""
    chosen: list[Slot] = []
    for slot in slots:
        if all(abs(slot.start - c.start) >= gap for c in chosen):
            chosen.append(slot)
        if len(chosen) == count:
            break
    for slot in slots:  # a nearly full day: fill up with whatever is left
        if len(chosen) == count:
            break
        if slot not in chosen:
            chosen.append(slot)
    return sorted(chosen)


class BookingService:
    def __init__(self, config: BookingConfig, backend: CalendarBackend, store: BookingStore):
        self.config = config
        self.backend = backend
        self.store = store

    # --- availability --------------------------------------------------------

    def resources_for(self, service: Service, staff: str | None) -> tuple[str, ...]:
        if staff:
            match = [s for s in service.resources if s.lower() == staff.lower()]
            if match:
                return tuple(match)
        return service.resources

    def availability(self, service: Service, when: dict[str, Any] | None, now: dt.datetime,
                     staff: str | None = None, exclude: str | None = None) -> Availability:
        """Slots for ``service`` around ``when`` (a :mod:`when` value); ``exclude`` = a reference being moved."""
        tz = self.config.timezone
        today = now.astimezone(tz).date()
        resources = self.resources_for(service, staff)
        if when and when.get("invalid"):
            return Availability(None, self._first_free(service, resources, today, now), "invalid")
        day = when_date(when) or today
        at = when_time(when)
        daypart = (when or {}).get("daypart")
        reason = None
        if day < today:
            day, at, reason = today, None, "past"
        slots = self.backend.free_slots(service, resources, day, self.config.search_days, now)
        if at is not None:
            target = wall_to_utc(day, at, tz)
            exact = next((s for s in slots if s.start == target), None)
            if exact:
                return Availability(exact, [exact])
            if target < now.astimezone(UTC):
                reason = "past"
            if reason is None:
                reason = self._closed_reason(service, day, target)
            options = nearest(slots, target, OFFERED) if slots else []
            return Availability(None, options, reason or ("taken" if slots else "full"))
        same_day = [s for s in slots if s.start.astimezone(tz).date() == day and in_daypart(s, tz, daypart)]
        if same_day:
            return Availability(None, spread(same_day), reason)
        later = [s for s in slots if in_daypart(s, tz, daypart)] or slots
        return Availability(None, spread(later), reason or self._closed_reason(service, day, None) or ("full" if when else None))

    def _closed_reason(self, service: Service, day: dt.date, target: dt.datetime | None) -> str | None:
        if not getattr(self.backend, "uses_local_hours", True):
            return None  # Cal.com keeps its own hours: only its free slots say anything
        if day in self.config.holidays:
            return "holiday"
        ranges = opening_ranges(self.config, day)
        if not ranges:
            return "closed"
        if target is not None:
            length = dt.timedelta(minutes=service.minutes)
            if not any(start <= target and target + length <= end for start, end in ranges):
                return "out_of_hours"
        return None

    def _first_free(self, service: Service, resources: tuple[str, ...], today: dt.date, now: dt.datetime) -> list[Slot]:
        return spread(self.backend.free_slots(service, resources, today, self.config.search_days, now))

    def is_free(self, slot: Slot, now: dt.datetime) -> bool:
        day = slot.start.astimezone(self.config.timezone).date()
        service = self.config.service(slot.service)
        if service is None:
            return False
        return slot in self.backend.free_slots(service, (slot.resource,), day, 1, now)

    # --- changes -------------------------------------------------------------

    def book(self, slot: Slot, attendee: Attendee, conversation_id: str | None = None, customer_timezone: str = "") -> BookingRecord:
        """Book ``slot`` or raise :class:`SlotTaken`. The reference is chosen first so it is in the calendar event."""
        from frontdesk_booking.store import new_reference

        reference = new_reference()
        backend_id = self.backend.book(BookingRequest(slot, attendee, reference, customer_timezone))
        return self.store.add(
            reference=reference, backend=self.backend.name, backend_id=backend_id, service=slot.service,
            resource=slot.resource, start=slot.start, end=slot.end, name=attendee.name, email=attendee.email,
            phone=attendee.phone, conversation_id=conversation_id,
        )

    def reschedule(self, record: BookingRecord, slot: Slot) -> BookingRecord:
        """Take the new slot first, then free the old one: the customer never ends up with neither."""
        attendee = Attendee(record.name, record.email, record.phone)
        backend_id = self.backend.book(BookingRequest(slot, attendee, record.reference))
        self.backend.cancel(record.backend_id)
        return self.store.move(record.reference, backend_id=backend_id, resource=slot.resource, start=slot.start, end=slot.end)

    def cancel(self, record: BookingRecord) -> None:
        self.backend.cancel(record.backend_id)
        self.store.set_status(record.reference, "cancelled")

    def verify(self, reference: str, contact: str) -> BookingRecord | None:
        return self.store.verify(reference, contact)

    def book_first_free(self, options: list[Slot], attendee: Attendee, conversation_id: str | None = None) -> tuple[BookingRecord | None, Slot | None]:
        """Used by tests and the API race: try ``options`` in order; (record, slot) of the first that sticks."""
        for slot in options:
            try:
                return self.book(slot, attendee, conversation_id), slot
            except SlotTaken:
                continue
        return None, None
