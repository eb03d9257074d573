"""The Cal.com back end against FakeCalCom (a real local HTTP server speaking the documented v2 shapes)."""

import datetime as dt
import threading

import pytest

from frontdesk_booking.backends.base import Attendee, BookingRequest, CalendarUnavailable, SlotTaken
from frontdesk_booking.backends.calcom import CalComBackend
from frontdesk_booking.config import load_config
from frontdesk_booking.testing import FakeCalCom

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 1, 8, tzinfo=UTC)
SERVICES = [{"name": "haircut", "minutes": 45, "calcom_event_type_id": 101},
            {"name": "beard trim", "minutes": 20, "calcom_event_type_id": 102}]


@pytest.fixture
def fake():
    with FakeCalCom({101: 45, 102: 20}) as server:
        yield server


@pytest.fixture
def config(fake):
    return load_config({"shop": {"timezone": "Europe/London"}, "plugins": {"booking": {
        "backend": "calcom", "services": SERVICES, "min_notice_minutes": 0,
        "calcom": {"url": fake.url, "api_key": "cal_test_key"}}}})


@pytest.fixture
def backend(config, fake):
    return CalComBackend(config, fake.url, "cal_test_key")


def _request(slot, name="Jane", ref="BK-CALCOM"):
    return BookingRequest(slot, Attendee(name, f"{name.lower()}@example.com", "+447700900123"), ref)


def test_slots_book_and_cancel(backend, fake):
    service = backend.config.service("haircut")
    slots = backend.free_slots(service, ("shop",), dt.date(2026, 3, 30), 1, NOW)
    # Monday after the clock change: 09:00 BST is 08:00Z
    assert slots[0].start == dt.datetime(2026, 3, 30, 8, tzinfo=UTC)
    uid = backend.book(_request(slots[0]))
    assert fake.bookings[uid]["attendees"][0]["timeZone"] == "Europe/London"
    assert fake.bookings[uid]["metadata"] == {"frontdeskReference": "BK-CALCOM"}
    assert slots[0] not in backend.free_slots(service, ("shop",), dt.date(2026, 3, 30), 1, NOW)
    assert backend.exists(uid)
    backend.cancel(uid)
    assert not backend.exists(uid)
    versions = {path.split("?")[0].rsplit("/", 1)[-1] if "slots" in path else "bookings": headers["cal-api-version"]
                for _, path, headers in fake.requests}
    assert versions == {"slots": "2024-09-04", "bookings": "2024-08-13"}


def test_taken_slot_raises_slot_taken(backend):
    service = backend.config.service("haircut")
    slot = backend.free_slots(service, ("shop",), dt.date(2026, 3, 10), 1, NOW)[0]
    backend.book(_request(slot))
    with pytest.raises(SlotTaken):
        backend.book(_request(slot, "Bob", "BK-BOBBOB"))


def test_race_one_winner(backend, config, fake):
    service = config.service("haircut")
    slot = backend.free_slots(service, ("shop",), dt.date(2026, 3, 10), 1, NOW)[0]
    results = []
    barrier = threading.Barrier(8)

    def customer(i):
        own = CalComBackend(config, fake.url, "cal_test_key")
        barrier.wait()
        try:
            own.book(_request(slot, f"C{i}", f"BK-RACE{i:02d}"))
            results.append("won")
        except SlotTaken:
            results.append("taken")

    threads = [threading.Thread(target=customer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert results.count("won") == 1 and len(results) == 8


def test_bad_key_and_dead_server_are_unavailable(config, fake):
    with pytest.raises(CalendarUnavailable):
        CalComBackend(config, fake.url, "cal_wrong").free_slots(config.service("haircut"), ("shop",), dt.date(2026, 3, 10), 1, NOW)
    with pytest.raises(CalendarUnavailable):
        CalComBackend(config, "http://127.0.0.1:9", "cal_test_key", timeout=2).free_slots(
            config.service("haircut"), ("shop",), dt.date(2026, 3, 10), 1, NOW)


def test_config_requires_event_types_for_calcom():
    from frontdesk_booking.config import config_problems

    problems = config_problems({"plugins": {"booking": {"backend": "calcom", "services": [{"name": "cut", "minutes": 30}]}}})
    assert any("api_key" in p for p in problems) and any("calcom_event_type_id" in p for p in problems)


@pytest.mark.slow
def test_conversation_books_through_calcom(make_bot, fake):
    bot = make_bot({"shop": {"timezone": "Europe/London"}, "disabled_plugins": ["voice", "shopify", "woocommerce", "giftcard"],
                    "plugins": {"booking": {"backend": "calcom", "services": SERVICES, "min_notice_minutes": 0,
                                            "reminder_check_seconds": 0,
                                            "calcom": {"url": fake.url, "api_key": "cal_test_key"}}}})
    off_grid = bot.say("book a haircut tomorrow at 10am")  # Cal.com's 45-minute grid: 09:00, 09:45, 10:30
    assert "isn't available" in off_grid.text and "closed" not in off_grid.text
    assert [q.split()[-1] for q in off_grid.quick_replies] == ["09:00", "09:45", "10:30"]
    assert "is free" in bot.say(off_grid.quick_replies[2]).text
    bot.say("Jane Doe")
    bot.say("+44 7700 900123")
    done = bot.say("yes")
    assert "You're booked" in done.text
    [booking] = fake.bookings.values()
    assert booking["attendees"][0]["name"] == "Jane Doe"
    assert booking["attendees"][0]["phoneNumber"].endswith("7700900123")
    local = dt.datetime.combine(bot.frontdesk.now().date() + dt.timedelta(days=1), dt.time(10, 30),
                                tzinfo=bot.frontdesk.now().tzinfo)
    assert booking["start"] == local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")  # sent in UTC, as documented
