import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from frontdesk_booking.when import parse_when

LONDON = ZoneInfo("Europe/London")
MONDAY = dt.datetime(2026, 3, 9, 10, 0, tzinfo=LONDON)


@pytest.mark.parametrize("text, date, time, daypart", [
    ("book a haircut tomorrow at 3", "2026-03-10", "15:00", None),
    ("next Tuesday morning", "2026-03-10", None, "morning"),
    ("the 14th", "2026-03-14", None, None),
    ("on the 2nd", "2026-04-02", None, None),  # already past this month → next month
    ("March 14th at 2:30pm", "2026-03-14", "14:30", None),
    ("Tue 10 Mar 15:00 with Sam", "2026-03-10", "15:00", None),  # our own quick replies parse back
    ("half past 4 on friday", "2026-03-13", "16:30", None),
    ("at 7 in the morning", None, "07:00", "morning"),
    ("sunday 3pm", "2026-03-15", "15:00", None),
    ("2026-03-20 at 11am", "2026-03-20", "11:00", None),
    ("3", None, "15:00", None),  # a bare hour in a shop means the afternoon
])
def test_parses_booking_phrases(text, date, time, daypart):
    value, _ = parse_when(text, MONDAY)
    assert (value["date"], value["time"], value["daypart"], value["invalid"]) == (date, time, daypart, None)


@pytest.mark.parametrize("text, invalid", [
    ("February 30th", "February 30"),
    ("can I come on the 31st of April", "April 31"),
    ("at 25:00", "25:00"),
    ("2026-02-29", "2026-02-29"),
])
def test_impossible_dates_are_flagged_not_guessed(text, invalid):
    value, _ = parse_when(text, MONDAY)
    assert value["invalid"] == invalid
    assert value["date"] is None


def test_no_date_or_time_is_none():
    assert parse_when("a haircut with Sam please", MONDAY) is None


def test_day_of_month_in_a_short_month_is_invalid():
    value, _ = parse_when("the 31st", dt.datetime(2026, 4, 2, 9, 0, tzinfo=LONDON))
    assert value["invalid"] == "April 31"
