"""Natural booking dates and times → a ``booking_when`` value, resolved against the shop's clock.

"next Tuesday morning", "tomorrow at 3", "the 14th", "March 14th at 2:30pm",
"Tue 10 Mar 15:00" (our own quick replies) and "February 30th" (kept, flagged invalid).

Core's ``date``/``time`` extractors answer "which date/time does this text name";
booking needs more: the day part, the business-hours guess for a bare "at 3",
and an honest "that date does not exist". The value is a plain JSON-able dict
so it survives being stored with the conversation::

    {"date": "2026-03-10" | None, "time": "15:00" | None, "daypart": "morning" | None,
     "invalid": "February 30" | None}
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
WEEKDAYS.update({name.lower(): i for i, name in enumerate(calendar.day_abbr)})
WEEKDAYS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?P<weekday>" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"

DATE_PATTERNS = [
    ("iso", re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b")),
    ("day_month", re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?\b")),
    ("month_day", re.compile(rf"\b{_MONTH}\s+(?:the\s+)?{_DAY}(?:,?\s+(?P<year>\d{{4}}))?\b")),
    ("relative", re.compile(r"\b(?P<rel>day after tomorrow|today|tonight|tomorrow|tmrw|tmr)\b")),
    ("next_week", re.compile(r"\b(?P<which>next|this) week\b")),
    ("weekday", re.compile(rf"\b(?:(?P<which>next|this|on)\s+)?{_WEEKDAY}\b")),
    ("ordinal", re.compile(r"\b(?:on\s+)?the\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b|\b(?P<day2>\d{1,2})(?:st|nd|rd|th)\b")),
]

TIME_PATTERNS = [
    ("named", re.compile(r"\b(?P<named>noon|midday|lunchtime|lunch time)\b")),
    ("half_past", re.compile(r"\bhalf past (?P<hour>\d{1,2})\b")),
    ("ampm", re.compile(r"\b(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)(?![a-z])")),
    ("clock", re.compile(r"\b(?P<hour>\d{1,2})[:.h](?P<minute>\d{2})\b")),
    ("at", re.compile(r"\b(?:at|@|around|about)\s+(?P<hour>\d{1,2})(?:\s*o'?clock)?\b(?![:./\d-])")),
    ("bare", re.compile(r"^\s*(?P<hour>\d{1,2})(?:\s*o'?clock)?\s*$")),
]

DAYPART_WORDS = {
    "morning": "morning", "am": "morning", "afternoon": "afternoon", "pm": "afternoon",
    "evening": "evening", "tonight": "evening", "after work": "evening",
}
_DAYPART = re.compile(r"\b(morning|afternoon|evening|tonight|after work)\b")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def _business_hour(hour: int) -> int:
    """A bare "at 3" in a shop means 15:00; "at 9" means 09:00; "at 7" means 19:00."""
    return hour + 12 if 1 <= hour <= 7 else hour


def _resolve_day_month(today: dt.date, day: int, month: int, year: int | None) -> tuple[dt.date | None, str | None]:
    label = f"{calendar.month_name[month]} {day}"
    candidates = [year] if year else [today.year, today.year + 1]
    for candidate_year in candidates:
        try:
            date = dt.date(candidate_year, month, day)
        except ValueError:
            return None, label + (f", {year}" if year else "")
        if year or date >= today:
            return date, None
    return None, label


def _resolve_ordinal(today: dt.date, day: int) -> tuple[dt.date | None, str | None]:
    """"the 14th": this month if still ahead, else next month; "the 31st" in a 30-day month is invalid."""
    if not 1 <= day <= 31:
        return None, f"the {day}th"
    year, month = today.year, today.month
    if day < today.day:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    try:
        return dt.date(year, month, day), None
    except ValueError:
        return None, f"{calendar.month_name[month]} {day}"


def _parse_date(text: str, today: dt.date) -> tuple[dict[str, Any], Span | None]:
    for kind, pattern in DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        span = Span(match.start(), match.end())
        g = match.groupdict()
        if kind == "iso":
            try:
                return {"date": dt.date(int(g["year"]), int(g["month"]), int(g["day"]))}, span
            except ValueError:
                return {"invalid": match.group(0)}, span
        if kind in ("day_month", "month_day"):
            date, invalid = _resolve_day_month(today, int(g["day"]), MONTHS[g["month"]], int(g["year"]) if g.get("year") else None)
            return ({"date": date} if date else {"invalid": invalid}), span
        if kind == "relative":
            rel = g["rel"]
            offset = {"today": 0, "tonight": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1, "day after tomorrow": 2}[rel]
            return {"date": today + dt.timedelta(days=offset)}, span
        if kind == "next_week":
            monday = today - dt.timedelta(days=today.weekday())
            return {"date": monday + dt.timedelta(days=7) if g["which"] == "next" else today}, span
        if kind == "weekday":
            # "Tuesday", "this Tuesday" and "next Tuesday" all mean the first Tuesday after today;
            # asking again with a date is cheap, booking the wrong week is not.
            ahead = (WEEKDAYS[g["weekday"]] - today.weekday()) % 7 or 7
            return {"date": today + dt.timedelta(days=ahead)}, span
        if kind == "ordinal":
            day = int(g["day"] or g["day2"])
            date, invalid = _resolve_ordinal(today, day)
            return ({"date": date} if date else {"invalid": invalid}), span
    return {}, None


def _parse_time(text: str, masked: str) -> tuple[dict[str, Any], Span | None]:
    for kind, pattern in TIME_PATTERNS:
        match = pattern.search(masked)
        if not match:
            continue
        span = Span(match.start(), match.end())
        g = match.groupdict()
        if kind == "named":
            return {"time": dt.time(12, 0)}, span
        hour = int(g["hour"])
        minute = int(g.get("minute") or 0)
        if kind == "half_past":
            hour, minute = _business_hour(hour), 30
        elif kind == "ampm":
            if not 1 <= hour <= 12:
                return {"invalid_time": match.group(0)}, span
            pm = g["ampm"].startswith("p")
            hour = (hour % 12) + (12 if pm else 0)
        elif kind in ("at", "bare"):
            hour = _business_hour(hour)
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            return {"invalid_time": match.group(0).strip()}, span
        return {"time": dt.time(hour, minute)}, span
    return {}, None


def parse_when(text: str, now: dt.datetime) -> tuple[dict[str, Any], Span] | None:
    """Parse ``text`` against ``now`` (aware, in the shop's zone). None when it names no date or time."""
    lowered = text.lower()
    today = now.date()
    date_part, date_span = _parse_date(lowered, today)
    masked = lowered
    if date_span:
        # Blank out the date so "the 14th" or "2026-03-10" is not read as a time.
        masked = lowered[: date_span.start] + " " * (date_span.end - date_span.start) + lowered[date_span.end :]
    time_part, time_span = _parse_time(lowered, masked)
    daypart_match = _DAYPART.search(lowered)
    daypart = DAYPART_WORDS[daypart_match.group(1)] if daypart_match else None
    spans = [s for s in (date_span, time_span) if s]
    if daypart_match:
        spans.append(Span(daypart_match.start(), daypart_match.end()))
    if not spans:
        return None
    time_value = time_part.get("time")
    if time_value and daypart == "morning" and time_value.hour >= 12 and "am" not in lowered and "pm" not in lowered:
        time_value = dt.time(time_value.hour - 12, time_value.minute)  # "at 7 in the morning"
    value = {
        "date": date_part["date"].isoformat() if date_part.get("date") else None,
        "time": time_value.strftime("%H:%M") if time_value else None,
        "daypart": daypart,
        "invalid": date_part.get("invalid") or time_part.get("invalid_time"),
    }
    return value, Span(min(s.start for s in spans), max(s.end for s in spans))


def when_date(value: dict[str, Any] | None) -> dt.date | None:
    return dt.date.fromisoformat(value["date"]) if value and value.get("date") else None


def when_time(value: dict[str, Any] | None) -> dt.time | None:
    return dt.time.fromisoformat(value["time"]) if value and value.get("time") else None
