"""Dates, times and parts of the day, resolved against ``context["now"]``.

An impossible date ("February 30th") is reported as an ``invalid_date`` entity carrying the
text, so the bot can say so instead of silently booking the wrong day.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, time, timedelta
from typing import Any, Iterator

from frontdesk.nlu.context import month_first, now_of
from frontdesk.nlu.numbers import NUMBER_WORD_PATTERN, ORDINAL_WORD_PATTERN, ordinal_to_int, words_to_int
from frontdesk.registry import Entity

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
WEEKDAYS.update({"mon": 0, "tue": 1, "tues": 1, "wed": 2, "weds": 2, "thu": 3, "thur": 3, "thurs": 3,
                 "fri": 4, "sat": 5, "sun": 6})

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_DAYNUM = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|(?:twenty|thirty)[\s-](?:{ORDINAL_WORD_PATTERN})|{ORDINAL_WORD_PATTERN})"

RELATIVE = re.compile(r"\b(?:the\s+)?(day\s+after\s+tomorrow|today|tonight|tomorrow|tmrw|tmr|tomorow|yesterday)\b", re.I)
WEEKDAY = re.compile(rf"\b(?:(next|this|coming|on)\s+)?({_WEEKDAY})\.?(?:\s+(next|after next))?\b", re.I)
IN_DAYS = re.compile(rf"\bin\s+(\d{{1,2}}|a|an|{NUMBER_WORD_PATTERN})\s+(days?|weeks?)\b", re.I)
DAY_MONTH = re.compile(rf"\b(?:the\s+)?({_DAYNUM})\s+(?:of\s+)?({_MONTH})\.?(?:,?\s+(\d{{4}}))?\b", re.I)
MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(?:the\s+)?({_DAYNUM})(?:,?\s+(\d{{4}}))?\b", re.I)
ORDINAL_DAY = re.compile(rf"\bthe\s+({_DAYNUM})\b(?!\s+(?:of\s+)?(?:{_MONTH})\b)", re.I)
NUMERIC = re.compile(
    r"(?<![\w/.£$€-])(?:(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?|(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2}))(?![\w/.]|\.\d)"
)
ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")

CLOCK_AMPM = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(a\.?m\.?|p\.?m\.?)(?!\w)", re.I)
CLOCK_24 = re.compile(r"(?<![\d.:/])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])")
# "at 3" is a time only when what follows could follow a time ("at 3 tomorrow", "at 3, ok?"),
# not "from 2 months ago" or "by 5 items".
_AFTER_HOUR = (
    r"(?=\s*(?:$|[,.!?;:)]|(?:o'?\s?clock|ish|on|today|tomorrow|tonight|this|next|please|pls|and|or|then|in|for"
    r"|with|if|is|would|works|ok|okay|thanks|sharp|latest|at|the|that)\b))"
)
AT_HOUR = re.compile(
    rf"\b(?:at|around|about|by|from|after|before|until|till)\s+(\d{{1,2}}|{NUMBER_WORD_PATTERN})(?:\s+o'?\s?clock)?\b{_AFTER_HOUR}",
    re.I,
)
OCLOCK = re.compile(rf"\b(\d{{1,2}}|{NUMBER_WORD_PATTERN})\s+o'?\s?clock\b", re.I)
PAST_TO = re.compile(rf"\b(half|quarter|twenty[\s-]five|twenty|ten|five|\d{{1,2}}\s+min(?:ute)?s)\s+(past|to)\s+(\d{{1,2}}|{NUMBER_WORD_PATTERN})\b", re.I)
NAMED_TIME = re.compile(r"\b(noon|midday|midnight|lunchtime|lunch time)\b", re.I)
DAYPART = re.compile(r"\b(morning|afternoon|evening|tonight|night)\b", re.I)
_NAMED = {"noon": time(12), "midday": time(12), "lunchtime": time(12), "lunch time": time(12), "midnight": time(0)}
_DAYPARTS = {"morning": "morning", "afternoon": "afternoon", "evening": "evening", "tonight": "evening",
             "night": "evening"}


def extract_dates(text: str, context: dict[str, Any]) -> Iterator[Entity]:
    today = now_of(context).date()
    for m in RELATIVE.finditer(text):
        word = re.sub(r"\s+", " ", m.group(1).lower())
        offset = {"today": 0, "tonight": 0, "yesterday": -1, "day after tomorrow": 2}.get(word, 1)
        yield Entity("date", today + timedelta(days=offset), m.group(0), m.start(), m.end(), 0.95)
    for m in WEEKDAY.finditer(text):
        yield _weekday(m, today)
    for m in IN_DAYS.finditer(text):
        count = 1 if m.group(1).lower() in ("a", "an") else words_to_int(m.group(1))
        if count is not None:
            days = count * (7 if m.group(2).lower().startswith("week") else 1)
            yield Entity("date", today + timedelta(days=days), m.group(0), m.start(), m.end(), 0.9)
    for m in DAY_MONTH.finditer(text):
        yield _calendar_date(m, today, ordinal_to_int(m.group(1)), MONTHS[m.group(2).lower()], m.group(3))
    for m in MONTH_DAY.finditer(text):
        yield _calendar_date(m, today, ordinal_to_int(m.group(2)), MONTHS[m.group(1).lower()], m.group(3))
    for m in ORDINAL_DAY.finditer(text):
        yield _day_of_month(m, today, ordinal_to_int(m.group(1)))
    for m in NUMERIC.finditer(text):
        found = _numeric_date(m, today, month_first(context))
        if found is not None:
            yield found
    for m in ISO.finditer(text):
        yield _build(m, int(m.group(1)), int(m.group(2)), int(m.group(3)), 0.97)


def extract_times(text: str, context: dict[str, Any]) -> Iterator[Entity]:
    for m in CLOCK_AMPM.finditer(text):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if 1 <= hour <= 12 and minute < 60:
            pm = m.group(3).lower().startswith("p")
            yield _time(m, (hour % 12) + (12 if pm else 0), minute, 0.97)
    for m in CLOCK_24.finditer(text):
        hour, minute = int(m.group(1)), int(m.group(2))
        yield _time(m, _business_hour(hour) if m.group(1)[0] != "0" else hour, minute, 0.9)
    for pattern in (AT_HOUR, OCLOCK):
        for m in pattern.finditer(text):
            hour = words_to_int(m.group(1))
            if hour is not None and 1 <= hour <= 12:
                yield _time(m, _business_hour(hour), 0, 0.8)
    for m in PAST_TO.finditer(text):
        hour = words_to_int(m.group(3))
        first = m.group(1).lower()
        minutes = {"half": 30, "quarter": 15}.get(first, words_to_int(first.split()[0]) if first[0].isdigit() else words_to_int(first))
        if hour is None or minutes is None or not (1 <= hour <= 12 and 0 < minutes < 60):
            continue
        if m.group(2).lower() == "to":
            hour, minutes = (hour - 1) or 12, 60 - minutes
        yield _time(m, _business_hour(hour), minutes, 0.9)
    for m in NAMED_TIME.finditer(text):
        yield Entity("time", _NAMED[re.sub(r"\s+", " ", m.group(1).lower())], m.group(0), m.start(), m.end(), 0.9)
    for m in DAYPART.finditer(text):
        word = m.group(1).lower()
        yield Entity("daypart", _DAYPARTS[word], m.group(0), m.start(), m.end(), 0.8)


def _business_hour(hour: int) -> int:
    """"at 3" in a shop means 3 pm: hours 1-7 without am/pm are read as afternoon/evening."""
    return hour + 12 if 1 <= hour <= 7 else hour


def _time(m: re.Match[str], hour: int, minute: int, score: float) -> Entity:
    return Entity("time", time(hour % 24, minute), m.group(0), m.start(), m.end(), score)


def _weekday(m: re.Match[str], today: date) -> Entity:
    target = WEEKDAYS[m.group(2).lower()]
    ahead = (target - today.weekday()) % 7
    modifier, suffix = (m.group(1) or "").lower(), (m.group(3) or "").lower()
    if modifier == "next" and ahead == 0:
        ahead = 7
    if suffix == "next":
        ahead += 7 if ahead else 7
    elif suffix == "after next":
        ahead += 14 if ahead else 14
    return Entity("date", today + timedelta(days=ahead), m.group(0), m.start(), m.end(), 0.9)


def _build(m: re.Match[str], year: int, month: int, day: int, score: float) -> Entity:
    try:
        return Entity("date", date(year, month, day), m.group(0), m.start(), m.end(), score)
    except ValueError:
        return Entity("invalid_date", m.group(0), m.group(0), m.start(), m.end(), score)


def _calendar_date(m: re.Match[str], today: date, day: int | None, month: int, year: str | None) -> Entity:
    if year:
        return _build(m, int(year), month, day or 0, 0.97)
    candidate = _build(m, today.year, month, day or 0, 0.95)
    if candidate.type == "date" and candidate.value < today:
        candidate = _build(m, today.year + 1, month, day or 0, 0.95)  # "March 3" said in April
    return candidate


def _day_of_month(m: re.Match[str], today: date, day: int | None) -> Entity:
    """"the 14th": the next 14th from today (this month if it has not passed)."""
    if not day or day > 31:
        return Entity("invalid_date", m.group(0), m.group(0), m.start(), m.end(), 0.85)
    year, month = today.year, today.month
    if day < today.day:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return _build(m, year, month, day, 0.85)


def _numeric_date(m: re.Match[str], today: date, prefer_month_first: bool) -> Entity | None:
    a, b, year_text = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
    a, b = int(a), int(b)
    if m.group(0) in ("24/7", "50/50") or a > 31 or b > 31:
        return None
    year = (int(year_text) + (2000 if len(year_text) == 2 else 0)) if year_text else today.year
    orders = [(b, a), (a, b)] if prefer_month_first else [(a, b), (b, a)]
    for day, month in orders:
        if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]:
            found = date(year, month, day)
            if not year_text and found < today:
                try:
                    found = date(year + 1, month, day)
                except ValueError:  # 29 February
                    pass
            return Entity("date", found, m.group(0), m.start(), m.end(), 0.85)
    return Entity("invalid_date", m.group(0), m.group(0), m.start(), m.end(), 0.7)
