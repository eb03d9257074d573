"""The CalDAV back end against a real Radicale: availability, booking, the race, cancel, DST, a dead server."""

import datetime as dt
import threading

import pytest
import requests

from frontdesk_booking.backends.base import Attendee, BookingRequest, CalendarUnavailable, SlotTaken
from frontdesk_booking.backends.caldav_backend import CalDAVBackend
from frontdesk_booking.radicale_server import free_port
from frontdesk_booking.schedule import UTC, Slot

NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def backend(make_config, calendar_url):
    config = make_config()
    caldav = CalDAVBackend(config, calendar_url)
    caldav.ensure_calendars(config.staff)
    return caldav


def _request(slot, name="Jane", reference="BK-TEST22"):
    return BookingRequest(slot, Attendee(name, f"{name.lower()}@example.com"), reference)


def test_booked_slot_disappears_from_availability(backend):
    service = backend.config.service("haircut")
    day = dt.date(2026, 3, 10)
    before = backend.free_slots(service, ("Sam",), day, 1, NOW)
    first = before[0]
    url = backend.book(_request(first))
    after = backend.free_slots(service, ("Sam",), day, 1, NOW)
    assert first not in after
    assert all(s.start >= first.end for s in after[:1])
    assert backend.exists(url)
    # the event is a real iCalendar object in Radicale, in UTC
    body = requests.get(url, timeout=5).text
    assert "DTSTART:20260310T090000Z" in body and "BK-TEST22" in body


def test_same_slot_twice_is_refused(backend):
    service = backend.config.service("haircut")
    slot = backend.free_slots(service, ("Sam",), dt.date(2026, 3, 10), 1, NOW)[0]
    backend.book(_request(slot))
    with pytest.raises(SlotTaken):
        backend.book(_request(slot, "Bob", "BK-OTHER2"))


def test_overlapping_slot_is_refused(backend):
    service = backend.config.service("haircut")
    slots = backend.free_slots(service, ("Sam",), dt.date(2026, 3, 10), 1, NOW)
    backend.book(_request(slots[0]))  # 09:00-09:45
    overlapping = Slot(slots[0].start + dt.timedelta(minutes=30), slots[0].end + dt.timedelta(minutes=30), "Sam", "haircut")
    with pytest.raises(SlotTaken):
        backend.book(_request(overlapping, "Bob", "BK-OTHER2"))


@pytest.mark.slow
def test_racing_customers_never_double_book(backend):
    """12 threads, each with its own CalDAV client, all want Tuesday 09:00 with Sam: exactly one gets it."""
    service = backend.config.service("haircut")
    slot = backend.free_slots(service, ("Sam",), dt.date(2026, 3, 10), 1, NOW)[0]
    results: list[str] = []
    barrier = threading.Barrier(12)

    def customer(i: int) -> None:
        own = CalDAVBackend(backend.config, backend.base_url)  # separate client: no shared session
        barrier.wait()
        try:
            own.book(_request(slot, f"C{i}", f"BK-RACE{i:02d}"))
            results.append("won")
        except SlotTaken:
            results.append("taken")

    threads = [threading.Thread(target=customer, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results.count("won") == 1 and results.count("taken") == 11
    events = backend._events("Sam", slot.start, slot.end)
    assert len(events) == 1


def test_cross_process_writer_is_caught_by_the_recheck(backend):
    """Another Frontdesk (no shared lock) wrote an overlapping event at a different start: ours backs off."""
    service = backend.config.service("haircut")
    slot = backend.free_slots(service, ("Sam",), dt.date(2026, 3, 10), 1, NOW)[0]
    rival = Slot(slot.start + dt.timedelta(minutes=15), slot.end + dt.timedelta(minutes=15), "Sam", "haircut")
    rival_url = backend.calendar_url("Sam") + "rival.ics"
    backend.client.put(rival_url, backend._ical(_request(rival, "Rival", "BK-RIVAL2"), "rival"),
                       {"Content-Type": "text/calendar"})
    # Simulate the window where our free/busy check ran before the rival's write landed.
    backend.busy = lambda resource, start, end: []  # type: ignore[method-assign]
    with pytest.raises(SlotTaken):
        backend.book(_request(slot))
    assert [uid for uid, _ in backend._events("Sam", slot.start, slot.end)] == ["rival"]


def test_cancel_frees_the_slot_and_is_idempotent(backend):
    service = backend.config.service("haircut")
    slot = backend.free_slots(service, ("Sam",), dt.date(2026, 3, 10), 1, NOW)[0]
    url = backend.book(_request(slot))
    backend.cancel(url)
    backend.cancel(url)
    assert not backend.exists(url)
    assert slot in backend.free_slots(service, ("Sam",), dt.date(2026, 3, 10), 1, NOW)


def test_owner_block_in_shop_calendar_blocks_everyone(backend):
    service = backend.config.service("haircut")
    day = dt.date(2026, 3, 10)
    block = Slot(dt.datetime(2026, 3, 10, 9, tzinfo=UTC), dt.datetime(2026, 3, 10, 13, tzinfo=UTC), "shop", "staff meeting")
    backend.book(_request(block, "Owner", "BK-BLOCK2"))
    slots = backend.free_slots(service, ("Sam", "Alex"), day, 1, NOW)
    assert min(s.start for s in slots) == dt.datetime(2026, 3, 10, 13, tzinfo=UTC)


def test_dst_week_bookings_keep_local_wall_time(backend):
    """Saturday before and Monday after the spring change: both 09:00 London, an hour apart in UTC."""
    service = backend.config.service("haircut")
    sat = backend.free_slots(service, ("Sam",), dt.date(2026, 3, 28), 1, NOW)[0]
    mon = backend.free_slots(service, ("Sam",), dt.date(2026, 3, 30), 1, NOW)[0]
    assert sat.start.astimezone(backend.config.timezone).hour == 9 == mon.start.astimezone(backend.config.timezone).hour
    assert (sat.start.hour, mon.start.hour) == (9, 8)
    url = backend.book(_request(mon))
    assert "DTSTART:20260330T080000Z" in requests.get(url, timeout=5).text
    assert mon not in backend.free_slots(service, ("Sam",), dt.date(2026, 3, 30), 1, NOW)


def test_server_down_is_calendar_unavailable(make_config):
    config = make_config()
    dead = CalDAVBackend(config, f"http://127.0.0.1:{free_port()}/nobody/", timeout=2)
    service = config.service("haircut")
    with pytest.raises(CalendarUnavailable):
        dead.free_slots(service, ("Sam",), dt.date(2026, 3, 10), 1, NOW)
    slot = Slot(dt.datetime(2026, 3, 10, 9, tzinfo=UTC), dt.datetime(2026, 3, 10, 9, 45, tzinfo=UTC), "Sam", "haircut")
    with pytest.raises(CalendarUnavailable):
        dead.book(_request(slot))


def test_if_none_match_refuses_the_same_slot_without_any_local_check(backend):
    service = backend.config.service("haircut")
    slot = backend.free_slots(service, ("Sam",), dt.date(2026, 3, 10), 1, NOW)[0]
    backend.busy = lambda resource, start, end: []  # type: ignore[method-assign]
    backend.book(_request(slot))
    with pytest.raises(SlotTaken):
        backend.book(_request(slot, "Bob", "BK-OTHER2"))


@pytest.mark.slow
def test_no_double_booking_even_without_the_process_lock(backend, monkeypatch):
    """As if every customer came through a different Frontdesk process: overlapping starts, no shared lock."""
    from frontdesk_booking.backends import caldav_backend

    monkeypatch.setattr(caldav_backend, "calendar_lock", lambda url: threading.Lock())
    base = dt.datetime(2026, 3, 10, 9, tzinfo=UTC)
    slots = [Slot(base + dt.timedelta(minutes=15 * i), base + dt.timedelta(minutes=15 * i + 45), "Sam", "haircut") for i in range(8)]
    barrier = threading.Barrier(len(slots))
    kept: list[Slot] = []

    def customer(i: int) -> None:
        own = CalDAVBackend(backend.config, backend.base_url)
        barrier.wait()
        try:
            own.book(_request(slots[i], f"C{i}", f"BK-PROC{i:02d}"))
            kept.append(slots[i])
        except SlotTaken:
            pass

    threads = [threading.Thread(target=customer, args=(i,)) for i in range(len(slots))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    events = sorted(interval for _, interval in backend._events("Sam", base, base + dt.timedelta(hours=4)))
    assert len(events) == len(kept)
    for (s1, e1), (s2, e2) in zip(events, events[1:]):
        assert e1 <= s2, "two appointments overlap"
