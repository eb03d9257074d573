"""Opening hours from settings: is the shop open now, and when does it open next.

``[shop.hours]`` maps weekday names to ``"09:00-17:30"`` (or several ranges
separated by commas, or ``"closed"``); ``[shop] holidays`` lists ISO dates.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _ranges(spec: str) -> list[tuple[time, time]]:
    if not spec or spec.strip().lower() == "closed":
        return []
    ranges = []
    for part in spec.split(","):
        start, _, end = part.strip().partition("-")
        ranges.append((time.fromisoformat(start.strip()), time.fromisoformat(end.strip())))
    return ranges


def day_ranges(shop: dict[str, Any], day: date) -> list[tuple[time, time]]:
    if day.isoformat() in {str(h) for h in shop.get("holidays", [])}:
        return []
    hours = {k.lower()[:3]: v for k, v in shop.get("hours", {}).items()}
    return _ranges(hours.get(WEEKDAYS[day.weekday()], ""))


def shop_now(shop: dict[str, Any]) -> datetime:
    return datetime.now(ZoneInfo(shop.get("timezone", "UTC")))


def is_open(shop: dict[str, Any], now: datetime | None = None) -> bool:
    """True when ``now`` falls inside today's ranges; a shop with no hours set counts as always open."""
    if not shop.get("hours"):
        return True
    now = now or shop_now(shop)
    return any(start <= now.time() < end for start, end in day_ranges(shop, now.date()))


def next_opening(shop: dict[str, Any], now: datetime | None = None) -> datetime | None:
    now = now or shop_now(shop)
    for offset in range(0, 15):
        day = now.date() + timedelta(days=offset)
        for start, _end in day_ranges(shop, day):
            candidate = datetime.combine(day, start, tzinfo=now.tzinfo)
            if candidate > now:
                return candidate
    return None


def hours_text(shop: dict[str, Any]) -> str:
    """A human summary such as ``Monday: 09:00-17:30; …; Sunday: closed``."""
    hours = {k.lower()[:3]: v for k, v in shop.get("hours", {}).items()}
    if not hours:
        return ""
    return "; ".join(f"{DAY_NAMES[i]}: {hours.get(d) or 'closed'}" for i, d in enumerate(WEEKDAYS))


def describe_next_opening(shop: dict[str, Any], now: datetime | None = None) -> str:
    opening = next_opening(shop, now)
    if opening is None:
        return "when we're next open"
    now = now or shop_now(shop)
    day = "today" if opening.date() == now.date() else ("tomorrow" if opening.date() == now.date() + timedelta(days=1) else DAY_NAMES[opening.weekday()])
    return f"{day} at {opening.strftime('%H:%M')}"
