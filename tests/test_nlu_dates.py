from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from frontdesk.nlu.dates import extract_dates, extract_times
from frontdesk.nlu.extract import resolve_overlaps

# Tuesday 10 March 2026, 11:00 in London.
NOW = datetime(2026, 3, 10, 11, 0, tzinfo=ZoneInfo("Europe/London"))
CONTEXT = {"now": NOW, "timezone": "Europe/London"}


def found(fn, text, context=CONTEXT):
    return [(e.type, e.value) for e in resolve_overlaps(list(fn(text, context)))]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("today", date(2026, 3, 10)),
        ("tomorrow please", date(2026, 3, 11)),
        ("the day after tomorrow", date(2026, 3, 12)),
        ("on friday", date(2026, 3, 13)),
        ("next tuesday", date(2026, 3, 17)),
        ("this tuesday", date(2026, 3, 10)),
        ("in 3 days", date(2026, 3, 13)),
        ("the 14th", date(2026, 3, 14)),
        ("the 2nd", date(2026, 4, 2)),
        ("March 3", date(2027, 3, 3)),
        ("3rd of April", date(2026, 4, 3)),
        ("April the twenty first", date(2026, 4, 21)),
        ("14/03", date(2026, 3, 14)),
        ("3/14", date(2026, 3, 14)),
        ("2026-05-01", date(2026, 5, 1)),
    ],
)
def test_dates(text, expected):
    assert found(extract_dates, text) == [("date", expected)]


def test_numeric_dates_follow_the_shop_locale():
    assert found(extract_dates, "4/5", CONTEXT) == [("date", date(2026, 5, 4))]
    us = {"now": NOW, "timezone": "America/New_York"}
    assert found(extract_dates, "4/5", us) == [("date", date(2026, 4, 5))]


@pytest.mark.parametrize("text", ["February 30th", "the 31st of April", "31/02/2026"])
def test_impossible_dates_are_flagged_not_guessed(text):
    assert [t for t, _ in found(extract_dates, text)] == ["invalid_date"]


def test_prices_and_24_7_are_not_dates():
    assert found(extract_dates, "it's £3.50 and we're open 24/7") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3pm", time(15, 0)),
        ("at 10:30 am", time(10, 30)),
        ("at 3", time(15, 0)),
        ("at 10", time(10, 0)),
        ("15:30", time(15, 30)),
        ("09:15", time(9, 15)),
        ("noon", time(12, 0)),
        ("half past 2", time(14, 30)),
        ("quarter to five", time(16, 45)),
    ],
)
def test_times(text, expected):
    assert found(extract_times, text) == [("time", expected)]


def test_parts_of_the_day():
    assert found(extract_times, "some time in the morning") == [("daypart", "morning")]
    assert found(extract_times, "tonight") == [("daypart", "evening")]


def test_am_as_a_word_is_not_a_time():
    assert found(extract_times, "I am free") == []


@pytest.mark.parametrize("text", ["the invoices from 2 months ago", "from five purchases ago", "by 5 items"])
def test_numbers_after_prepositions_are_not_always_times(text):
    assert found(extract_times, text) == []


def test_hour_followed_by_a_day():
    assert found(extract_times, "at 4 tomorrow works") == [("time", time(16, 0))]
