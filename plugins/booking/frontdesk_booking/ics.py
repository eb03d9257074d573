"""The .ics file a customer adds to their own calendar (RFC 5545), built with ``icalendar``."""

from __future__ import annotations

import datetime as dt

from icalendar import Alarm, Calendar, Event

from frontdesk_booking.store import BookingRecord

UTC = dt.timezone.utc


def booking_ics(record: BookingRecord, shop_name: str = "", location: str = "") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Frontdesk//frontdesk-booking//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    # Stable per booking and different from the shop's own event UID, so re-downloading updates, not duplicates.
    event.add("uid", f"{record.reference}@frontdesk-booking")
    event.add("dtstamp", dt.datetime.now(UTC))
    event.add("dtstart", record.start.astimezone(UTC))
    event.add("dtend", record.end.astimezone(UTC))
    staff = "" if record.resource == "shop" else f" with {record.resource}"
    where = f" at {shop_name}" if shop_name else ""
    event.add("summary", f"{record.service.capitalize()}{staff}{where}")
    event.add("description", f"Booking reference {record.reference}. To change or cancel, quote this reference.")
    if location:
        event.add("location", location)
    event.add("status", "CANCELLED" if record.status == "cancelled" else "CONFIRMED")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", event["summary"])
    alarm.add("trigger", dt.timedelta(hours=-2))
    event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()
