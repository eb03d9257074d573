import datetime as dt

from frontdesk_booking.schedule import UTC, candidate_starts, free_slots, nearest, opening_ranges, overlaps, wall_to_utc


def test_opening_hours_follow_the_clock_change(make_config):
    config = make_config(hours={"sat": "09:00-17:00", "mon": "09:00-17:00"})
    # Europe/London: clocks go forward on Sunday 29 March 2026. 09:00 is 09:00Z before, 08:00Z after.
    before = opening_ranges(config, dt.date(2026, 3, 28))
    after = opening_ranges(config, dt.date(2026, 3, 30))
    assert before == [(dt.datetime(2026, 3, 28, 9, tzinfo=UTC), dt.datetime(2026, 3, 28, 17, tzinfo=UTC))]
    assert after == [(dt.datetime(2026, 3, 30, 8, tzinfo=UTC), dt.datetime(2026, 3, 30, 16, tzinfo=UTC))]


def test_duration_is_real_time_across_the_gap(make_config):
    # Open through the night of the change: a 45-minute slot from 00:45 GMT ends 01:30 UTC (02:30 BST),
    # not at a wall-clock time that does not exist.
    config = make_config(hours={"sun": "00:00-04:00"}, slot_step_minutes=15)
    service = config.service("haircut")
    starts = candidate_starts(config, service, dt.date(2026, 3, 29))
    assert dt.datetime(2026, 3, 29, 0, 45, tzinfo=UTC) in starts
    assert len(starts) == len(set(starts))
    # 00:00-04:00 local is only three real hours that night
    assert opening_ranges(config, dt.date(2026, 3, 29))[0][1] - opening_ranges(config, dt.date(2026, 3, 29))[0][0] == dt.timedelta(hours=3)


def test_gap_times_move_forward():
    from zoneinfo import ZoneInfo
    london = ZoneInfo("Europe/London")
    assert wall_to_utc(dt.date(2026, 3, 29), dt.time(1, 30), london).astimezone(london).hour == 2


def test_autumn_week_has_the_extra_hour(make_config):
    config = make_config(hours={"sun": "00:00-04:00"})
    start, end = opening_ranges(config, dt.date(2026, 10, 25))[0]
    assert end - start == dt.timedelta(hours=5)


def test_holidays_and_closed_days_have_no_slots(make_config):
    config = make_config(hours={"mon": "09:00-12:00"}, holidays=["2026-03-16"])
    service = config.service("haircut")
    now = dt.datetime(2026, 3, 1, tzinfo=UTC)
    slots = free_slots(config, service, ("Sam",), {}, dt.date(2026, 3, 9), 15, now)
    days = {s.start.date() for s in slots}
    assert days == {dt.date(2026, 3, 9), dt.date(2026, 3, 23)}


def test_buffer_keeps_a_gap_after_busy_time(make_config):
    config = make_config(buffer_minutes=15, hours={"mon": "09:00-12:00"})
    service = config.service("haircut")
    busy = {"Sam": [(dt.datetime(2026, 3, 9, 9, tzinfo=UTC), dt.datetime(2026, 3, 9, 9, 45, tzinfo=UTC))]}
    slots = free_slots(config, service, ("Sam",), busy, dt.date(2026, 3, 9), 1, dt.datetime(2026, 3, 1, tzinfo=UTC))
    assert slots[0].start == dt.datetime(2026, 3, 9, 10, 0, tzinfo=UTC)


def test_first_free_staff_member_is_used(make_config):
    config = make_config(hours={"mon": "09:00-10:00"})
    service = config.service("haircut")
    busy = {"Sam": [(dt.datetime(2026, 3, 9, 9, tzinfo=UTC), dt.datetime(2026, 3, 9, 10, tzinfo=UTC))]}
    slots = free_slots(config, service, ("Sam", "Alex"), busy, dt.date(2026, 3, 9), 1, dt.datetime(2026, 3, 1, tzinfo=UTC))
    assert {s.resource for s in slots} == {"Alex"}


def test_nearest_prefers_closest_and_returns_in_order(make_config):
    config = make_config(hours={"mon": "09:00-17:00"})
    service = config.service("beard trim")
    slots = free_slots(config, service, ("Alex",), {}, dt.date(2026, 3, 9), 1, dt.datetime(2026, 3, 1, tzinfo=UTC))
    target = dt.datetime(2026, 3, 9, 12, 5, tzinfo=UTC)
    picked = nearest(slots, target, 3)
    assert [s.start.strftime("%H:%M") for s in picked] == ["11:45", "12:00", "12:15"]


def test_overlaps_counts_the_buffer():
    a = dt.datetime(2026, 1, 1, 9, tzinfo=UTC)
    busy = [(a, a + dt.timedelta(minutes=30))]
    assert overlaps(a + dt.timedelta(minutes=35), a + dt.timedelta(minutes=60), busy, dt.timedelta(minutes=10))
    assert not overlaps(a + dt.timedelta(minutes=40), a + dt.timedelta(minutes=60), busy, dt.timedelta(minutes=10))
