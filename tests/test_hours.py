"""Opening hours from settings."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from frontdesk import hours

SHOP = {"timezone": "Europe/London", "hours": {"mon": "09:00-17:00", "tue": "09:00-12:00, 13:00-17:00", "sun": "closed"},
        "holidays": ["2026-12-28"]}
LONDON = ZoneInfo("Europe/London")


def at(*args):
    return datetime(*args, tzinfo=LONDON)


def test_open_and_closed():
    assert hours.is_open(SHOP, at(2026, 11, 23, 10, 0))  # Monday
    assert not hours.is_open(SHOP, at(2026, 11, 23, 17, 0))  # closing time is exclusive
    assert not hours.is_open(SHOP, at(2026, 11, 24, 12, 30))  # Tuesday lunch
    assert not hours.is_open(SHOP, at(2026, 11, 22, 10, 0))  # Sunday
    assert not hours.is_open(SHOP, at(2026, 12, 28, 10, 0))  # a holiday Monday


def test_no_hours_means_always_open():
    assert hours.is_open({"timezone": "UTC"}, at(2026, 11, 22, 3, 0))


def test_next_opening_skips_closed_days_and_holidays():
    assert hours.next_opening(SHOP, at(2026, 11, 22, 10, 0)) == at(2026, 11, 23, 9, 0)
    assert hours.next_opening(SHOP, at(2026, 12, 27, 20, 0)) == at(2026, 12, 29, 9, 0)
    assert hours.describe_next_opening(SHOP, at(2026, 11, 22, 10, 0)) == "tomorrow at 09:00"
    assert hours.describe_next_opening(SHOP, at(2026, 11, 24, 12, 30)) == "today at 13:00"


def test_summary():
    text = hours.hours_text(SHOP)
    assert text.startswith("Monday: 09:00-17:00; Tuesday: 09:00-12:00, 13:00-17:00; Wednesday: closed")
