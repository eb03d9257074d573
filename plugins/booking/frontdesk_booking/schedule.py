"""Which start times are bookable: opening hours, holidays, buffers and busy periods → free slots.

Pure functions, no I/O. All arithmetic is done on UTC datetimes: Python adds a
timedelta to a zoneinfo datetime in *wall-clock* time, which is wrong across a
DST change (a 45-minute haircut at 00:45 on the last Sunday of March would end
at 01:30 wall time, which does not exist). Wall-clock values (opening hours,
offered times) are converted to UTC once, at the edge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from frontdesk_booking.config import BookingConfig, Service

UTC = dt.timezone.utc
Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True, order=True)
class Slot:
    """One bookable appointment: ``start``/``end`` are aware UTC datetimes; ``resource`` is a staff name or "shop"."""

    start: dt.datetime
    end: dt.datetime
    resource: str
    service: str

    def local_start(self, tz: ZoneInfo) -> dt.datetime:
        return self.start.astimezone(tz)


def wall_to_utc(day: dt.date, time: dt.time, tz: ZoneInfo) -> dt.datetime:
    """The UTC instant of a wall-clock time in ``tz``; a time inside a spring-forward gap moves forward."""
    # fold=0 (PEP 495) reads a gap time with the offset from before the change,
    # so 01:30 on the day the clocks go forward becomes 02:30 local: later, never earlier.
    return dt.datetime.combine(day, time, tzinfo=tz).astimezone(UTC)


def opening_ranges(config: BookingConfig, day: dt.date) -> list[Interval]:
    """The shop's open periods on ``day`` as UTC intervals (none on holidays or closed days)."""
    if day in config.holidays:
        return []
    return [
        (wall_to_utc(day, start, config.timezone), wall_to_utc(day, end, config.timezone))
        for start, end in config.hours.get(day.weekday(), ())
    ]


def candidate_starts(config: BookingConfig, service: Service, day: dt.date) -> list[dt.datetime]:
    """Start times on the slot grid where ``service`` fits entirely inside an open period."""
    length = dt.timedelta(minutes=service.minutes)
    step = dt.timedelta(minutes=config.slot_step_minutes)
    starts: list[dt.datetime] = []
    for open_at, close_at in opening_ranges(config, day):
        start = open_at
        while start + length <= close_at:
            starts.append(start)
            start += step
    return starts


def overlaps(start: dt.datetime, end: dt.datetime, busy: Iterable[Interval], buffer: dt.timedelta) -> bool:
    """True when [start, end) comes closer than ``buffer`` to any busy interval."""
    return any(start < b_end + buffer and b_start < end + buffer for b_start, b_end in busy)


def free_slots(
    config: BookingConfig,
    service: Service,
    resources: Sequence[str],
    busy: Mapping[str, Sequence[Interval]],
    first_day: dt.date,
    days: int,
    now: dt.datetime,
) -> list[Slot]:
    """Every free slot for ``service`` from ``first_day`` for ``days`` days, earliest first.

    For each start time the first free resource (in ``resources`` order) is taken, so a
    customer who did not ask for anyone gets whoever is free.
    """
    earliest = now.astimezone(UTC) + dt.timedelta(minutes=config.min_notice_minutes)
    buffer = dt.timedelta(minutes=config.buffer_minutes)
    length = dt.timedelta(minutes=service.minutes)
    slots: list[Slot] = []
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        for start in candidate_starts(config, service, day):
            if start < earliest:
                continue
            end = start + length
            for resource in resources:
                if not overlaps(start, end, busy.get(resource, ()), buffer):
                    slots.append(Slot(start, end, resource, service.name))
                    break
    return slots


def nearest(slots: Sequence[Slot], target: dt.datetime, count: int = 3) -> list[Slot]:
    """The ``count`` slots closest to ``target``, returned in time order (the target itself first if free)."""
    best = sorted(slots, key=lambda s: (abs((s.start - target).total_seconds()), s.start))[:count]
    return sorted(best)


def in_daypart(slot: Slot, tz: ZoneInfo, daypart: str | None) -> bool:
    if not daypart:
        return True
    hour = slot.local_start(tz).hour
    low, high = DAYPARTS.get(daypart, (0, 24))
    return low <= hour < high


DAYPARTS = {"morning": (0, 12), "afternoon": (12, 17), "evening": (17, 24)}
