"""Appointments in CalDAV calendars (embedded Radicale, Nextcloud, Fastmail, iCloud, …).

Layout: one calendar per resource (each staff member, plus "shop" for services
nobody in particular does, and for shop-wide blocks the owner adds by hand)
under one base collection: ``<base>/<slug>/``. Busy time comes from the
free-busy-query REPORT (RFC 4791 §7.10), so events the owner types into the
calendar app block slots too.

Why double-booking cannot happen — CalDAV has no transactions or locks, so
booking is made safe in three layers:

1. In this process, one lock per calendar serialises check-then-write, so two
   customers racing through the same Frontdesk get "one wins, the other is
   offered the next slot" deterministically.
2. The event's UID — and therefore its URL — is derived from (calendar, start
   time), and it is written with ``PUT`` + ``If-None-Match: *``. The server
   refuses (412) a second create at the same URL atomically, so two processes
   (or two Frontdesk installs) can never both create the same slot.
3. Overlapping-but-different slots (10:00 for 45 minutes vs 10:30) have
   different URLs, so after writing, the calendar is read again: if any *other*
   event now overlaps ours (buffer included), ours is deleted and the slot is
   reported taken. Two writers can at worst both back off (and both customers
   are offered other times); they can never both keep their event, because the
   later of the two re-reads happens after both writes and sees the other one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from typing import Any, Sequence

import caldav
from caldav.lib import error as caldav_error
from icalendar import Calendar, Event, vText

from frontdesk_booking.backends.base import BookingRequest, CalendarUnavailable, SlotTaken
from frontdesk_booking.config import BookingConfig, Service
from frontdesk_booking.schedule import UTC, Interval, Slot, free_slots, overlaps

_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def calendar_lock(url: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(url, threading.Lock())


def slug(resource: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", resource.lower()).strip("-") or "shop"


def _network_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError, caldav_error.DAVError]
    try:
        import niquests

        errors.append(niquests.exceptions.RequestException)
    except ImportError:  # caldav may run on requests or httpx instead
        pass
    try:
        import requests

        errors.append(requests.RequestException)
    except ImportError:
        pass
    return tuple(errors)


NETWORK_ERRORS = _network_errors()


class CalDAVBackend:
    name = "caldav"
    uses_local_hours = True

    def __init__(self, config: BookingConfig, url: str, username: str | None = None, password: str | None = None,
                 calendars: dict[str, str] | None = None, timeout: int = 10):
        self.config = config
        self.base_url = url.rstrip("/") + "/"
        self.calendar_urls = dict(calendars or {})
        self.client = caldav.DAVClient(url=self.base_url, username=username, password=password, timeout=timeout)

    # --- calendars ---------------------------------------------------------

    def calendar_url(self, resource: str) -> str:
        return self.calendar_urls.get(resource) or f"{self.base_url}{slug(resource)}/"

    def calendar(self, resource: str) -> caldav.Calendar:
        return caldav.Calendar(client=self.client, url=self.calendar_url(resource))

    def ensure_calendars(self, resources: Sequence[str]) -> None:
        """Create the base collection and one calendar per resource if missing (embedded server, first run)."""
        try:
            self.client.request(self.base_url, "MKCOL")  # 201 created, 405 already there: both fine
            for resource in {*resources, "shop"}:
                url = self.calendar_url(resource)
                if self.client.request(url, "PROPFIND", headers={"Depth": "0"}).status == 404:
                    response = self.client.mkcalendar(url)
                    if response.status not in (201, 405):
                        raise CalendarUnavailable(f"could not create calendar {url}: HTTP {response.status}")
        except NETWORK_ERRORS as exc:
            raise CalendarUnavailable(f"calendar server at {self.base_url} is unreachable: {exc}") from exc

    # --- reading -----------------------------------------------------------

    def busy(self, resource: str, start: dt.datetime, end: dt.datetime) -> list[Interval]:
        """Busy periods of ``resource`` (its own calendar plus the shop-wide one), via free-busy REPORT."""
        calendars = [resource] if resource == "shop" else [resource, "shop"]
        periods: list[Interval] = []
        try:
            for name in calendars:
                periods.extend(self._freebusy(self.calendar(name), start, end))
        except NETWORK_ERRORS as exc:
            raise CalendarUnavailable(f"calendar server at {self.base_url} is unreachable: {exc}") from exc
        return periods

    @staticmethod
    def _freebusy(calendar: caldav.Calendar, start: dt.datetime, end: dt.datetime) -> list[Interval]:
        result = calendar.freebusy_request(start.astimezone(UTC), end.astimezone(UTC))
        component = result.icalendar_component
        periods: list[Interval] = []
        for prop in _as_list(component.get("FREEBUSY")):
            fbtype = str(prop.params.get("FBTYPE", "BUSY")).upper()
            if fbtype == "FREE":
                continue
            for period in prop.dt if isinstance(prop.dt, list) else [prop.dt]:
                p_start, p_end = period
                if isinstance(p_end, dt.timedelta):
                    p_end = p_start + p_end
                periods.append((p_start.astimezone(UTC), p_end.astimezone(UTC)))
        return periods

    def _events(self, resource: str, start: dt.datetime, end: dt.datetime) -> list[tuple[str, Interval]]:
        """(UID, interval) of every opaque, non-cancelled event overlapping [start, end) — a calendar-query REPORT."""
        found = self.calendar(resource).search(start=start, end=end, event=True, expand=True)
        events = []
        for item in found:
            component = item.icalendar_component
            if str(component.get("STATUS", "")).upper() == "CANCELLED" or str(component.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
                continue
            ev_start = _as_utc(component.decoded("DTSTART"))
            ev_end = _as_utc(component.decoded("DTEND")) if "DTEND" in component else ev_start + component.decoded("DURATION", dt.timedelta())
            events.append((str(component.get("UID")), (ev_start, ev_end)))
        return events

    def free_slots(self, service: Service, resources: Sequence[str], first_day: dt.date, days: int, now: dt.datetime) -> list[Slot]:
        window_start = dt.datetime.combine(first_day, dt.time(), tzinfo=self.config.timezone) - dt.timedelta(days=1)
        window_end = window_start + dt.timedelta(days=days + 2)
        busy = {resource: self.busy(resource, window_start, window_end) for resource in resources}
        return free_slots(self.config, service, resources, busy, first_day, days, now)

    # --- writing -----------------------------------------------------------

    def event_uid(self, slot: Slot) -> str:
        """Deterministic per (calendar, start): the second create of the same slot hits the same URL."""
        key = f"{self.calendar_url(slot.resource)}|{slot.start.astimezone(UTC):%Y%m%dT%H%M%SZ}"
        return f"frontdesk-{slug(slot.resource)}-{slot.start.astimezone(UTC):%Y%m%dT%H%M%SZ}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"

    def book(self, request: BookingRequest) -> str:
        slot = request.slot
        calendar_url = self.calendar_url(slot.resource)
        uid = self.event_uid(slot)
        event_url = f"{calendar_url}{uid}.ics"
        buffer = dt.timedelta(minutes=self.config.buffer_minutes)
        try:
            with calendar_lock(calendar_url):
                if overlaps(slot.start, slot.end, self.busy(slot.resource, slot.start - buffer, slot.end + buffer), buffer):
                    raise SlotTaken(slot)
                response = self.client.put(event_url, self._ical(request, uid),
                                           {"If-None-Match": "*", "Content-Type": "text/calendar; charset=utf-8"})
                if response.status == 412:
                    raise SlotTaken(slot)  # another process created this very slot first
                if response.status not in (200, 201, 204):
                    raise CalendarUnavailable(f"calendar refused the booking: HTTP {response.status}")
                rivals = [other for other_uid, other in self._events(slot.resource, slot.start - buffer, slot.end + buffer) if other_uid != uid]
                if overlaps(slot.start, slot.end, rivals, buffer):
                    self.client.delete(event_url)
                    raise SlotTaken(slot)
        except NETWORK_ERRORS as exc:
            raise CalendarUnavailable(f"calendar server at {self.base_url} is unreachable: {exc}") from exc
        return event_url

    def cancel(self, backend_id: str) -> None:
        try:
            response = self.client.delete(backend_id)
        except caldav_error.NotFoundError:
            return
        except NETWORK_ERRORS as exc:
            raise CalendarUnavailable(f"calendar server at {self.base_url} is unreachable: {exc}") from exc
        if response.status not in (200, 204, 404):
            raise CalendarUnavailable(f"calendar refused the cancellation: HTTP {response.status}")

    def exists(self, backend_id: str) -> bool:
        try:
            return self.client.request(backend_id, "GET").status == 200
        except caldav_error.NotFoundError:
            return False
        except NETWORK_ERRORS as exc:
            raise CalendarUnavailable(f"calendar server at {self.base_url} is unreachable: {exc}") from exc

    def _ical(self, request: BookingRequest, uid: str) -> str:
        slot, who = request.slot, request.attendee
        calendar = Calendar()
        calendar.add("prodid", "-//Frontdesk//frontdesk-booking//EN")
        calendar.add("version", "2.0")
        event = Event()
        event.add("uid", uid)
        event.add("dtstamp", dt.datetime.now(UTC))
        event.add("dtstart", slot.start.astimezone(UTC))
        event.add("dtend", slot.end.astimezone(UTC))
        staff = "" if slot.resource == "shop" else f" with {slot.resource}"
        event.add("summary", f"{slot.service}{staff}: {who.name} ({request.reference})")
        contact = ", ".join(x for x in (who.email, who.phone) if x)
        event.add("description", f"Booked by Frontdesk. Reference {request.reference}. Contact: {contact}")
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        event["X-FRONTDESK-REFERENCE"] = vText(request.reference)
        event["X-FRONTDESK-SERVICE"] = vText(slot.service)
        event["X-FRONTDESK-RESOURCE"] = vText(slot.resource)
        calendar.add_component(event)
        return calendar.to_ical().decode()


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _as_utc(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return dt.datetime.combine(value, dt.time(), tzinfo=UTC)  # all-day block: the whole (UTC) day
