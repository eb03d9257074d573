"""``[plugins.booking]`` settings → a validated :class:`BookingConfig`.

Example (TOML)::

    [plugins.booking]
    backend = "caldav"            # or "calcom"
    timezone = "Europe/London"    # default: [shop] timezone, else UTC
    buffer_minutes = 10           # gap kept free after (and before) every appointment
    slot_step_minutes = 15        # start times are offered on this grid
    min_notice_minutes = 60       # nothing sooner than this from now
    reminder_minutes = 1440       # remind this long before the start
    holidays = ["2026-12-25", "2026-12-26"]

    [plugins.booking.hours]
    mon = "09:00-17:30"
    sat = ["10:00-13:00", "14:00-16:00"]
    sun = "closed"

    [[plugins.booking.services]]
    name = "haircut"
    minutes = 45
    staff = ["Sam", "Alex"]
    aliases = ["cut", "trim"]
    calcom_event_type_id = 1234   # only for backend = "calcom"

    [plugins.booking.caldav]      # leave url empty for the embedded Radicale
    url = "https://cloud.example.com/remote.php/dav"
    username = "shop"
    password = "..."
    calendar = "frontdesk"

    [plugins.booking.calcom]
    url = "https://api.cal.com"
    api_key = "cal_live_..."
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")

DEFAULT_SERVICES = [
    {"name": "haircut", "minutes": 45, "staff": ["Sam", "Alex"], "aliases": ["hair cut", "cut", "trim"]},
    {"name": "colour", "minutes": 90, "staff": ["Sam"], "aliases": ["color", "colouring", "coloring", "dye"]},
    {"name": "beard trim", "minutes": 20, "staff": ["Alex"], "aliases": ["beard", "shave"]},
]
DEFAULT_HOURS = {
    "mon": "09:00-17:30", "tue": "09:00-17:30", "wed": "09:00-17:30", "thu": "09:00-19:00",
    "fri": "09:00-17:30", "sat": "10:00-16:00", "sun": "closed",
}


class ConfigError(ValueError):
    """The [plugins.booking] settings are wrong; the message says how."""


@dataclass(frozen=True)
class Service:
    name: str
    minutes: int
    staff: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    calcom_event_type_id: int | None = None

    @property
    def resources(self) -> tuple[str, ...]:
        """Who can do it: the staff list, or the shop itself when nobody is named."""
        return self.staff or ("shop",)


@dataclass(frozen=True)
class BookingConfig:
    timezone: ZoneInfo
    services: tuple[Service, ...]
    hours: dict[int, tuple[tuple[dt.time, dt.time], ...]]
    """weekday (0 = Monday) → opening ranges; a missing weekday is closed."""
    holidays: frozenset[dt.date] = frozenset()
    buffer_minutes: int = 10
    slot_step_minutes: int = 15
    min_notice_minutes: int = 60
    reminder_minutes: int = 1440
    search_days: int = 14
    backend: str = "caldav"
    caldav: dict[str, Any] = field(default_factory=dict)
    calcom: dict[str, Any] = field(default_factory=dict)
    data_dir: str = ""

    def service(self, name: str) -> Service | None:
        wanted = name.strip().lower()
        for service in self.services:
            if wanted == service.name.lower() or wanted in (a.lower() for a in service.aliases):
                return service
        return None

    @property
    def staff(self) -> tuple[str, ...]:
        names: list[str] = []
        for service in self.services:
            names.extend(s for s in service.staff if s not in names)
        return tuple(names)


def _parse_ranges(day: str, value: Any) -> tuple[tuple[dt.time, dt.time], ...]:
    if value in (None, "", "closed", False):
        return ()
    items = [value] if isinstance(value, str) else list(value)
    ranges = []
    for item in items:
        match = _RANGE.match(str(item))
        if not match:
            raise ConfigError(f"hours.{day}: {item!r} should look like '09:00-17:30' or 'closed'")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            start, end = dt.time(h1, m1), dt.time(h2, m2)
        except ValueError as exc:
            raise ConfigError(f"hours.{day}: {item!r}: {exc}") from None
        if end <= start:
            raise ConfigError(f"hours.{day}: {item!r} ends before it starts")
        ranges.append((start, end))
    return tuple(sorted(ranges))


def _parse_service(raw: dict[str, Any]) -> Service:
    name = str(raw.get("name", "")).strip()
    if not name:
        raise ConfigError("every [[plugins.booking.services]] needs a name")
    try:
        minutes = int(raw.get("minutes", 0))
    except (TypeError, ValueError):
        raise ConfigError(f"service {name!r}: minutes must be a number") from None
    if not 5 <= minutes <= 12 * 60:
        raise ConfigError(f"service {name!r}: minutes must be between 5 and 720")
    event_type = raw.get("calcom_event_type_id")
    return Service(
        name=name,
        minutes=minutes,
        staff=tuple(str(s) for s in raw.get("staff", ())),
        aliases=tuple(str(a) for a in raw.get("aliases", ())),
        calcom_event_type_id=int(event_type) if event_type is not None else None,
    )


def load_config(settings: dict[str, Any]) -> BookingConfig:
    """Build the config from the whole settings dict (reads ``[plugins.booking]`` and ``[shop]``)."""
    plugin = dict((settings.get("plugins") or {}).get("booking") or {})
    shop = settings.get("shop") or {}
    tz_name = plugin.get("timezone") or shop.get("timezone") or settings.get("timezone") or "UTC"
    try:
        timezone = ZoneInfo(str(tz_name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"timezone {tz_name!r} is not an IANA time zone name like 'Europe/London'") from None
    raw_hours = plugin.get("hours") or DEFAULT_HOURS
    unknown = set(raw_hours) - set(WEEKDAYS)
    if unknown:
        raise ConfigError(f"hours: unknown day(s) {sorted(unknown)}; use {', '.join(WEEKDAYS)}")
    hours = {i: _parse_ranges(day, raw_hours.get(day)) for i, day in enumerate(WEEKDAYS)}
    services = tuple(_parse_service(s) for s in (plugin.get("services") or DEFAULT_SERVICES))
    holidays = set()
    for item in plugin.get("holidays", ()):
        try:
            holidays.add(item if isinstance(item, dt.date) else dt.date.fromisoformat(str(item)))
        except ValueError:
            raise ConfigError(f"holidays: {item!r} is not a date like 2026-12-25") from None
    backend = str(plugin.get("backend", "caldav"))
    if backend not in ("caldav", "calcom"):
        raise ConfigError(f"backend must be 'caldav' or 'calcom', not {backend!r}")
    data_dir = str(plugin.get("data_dir") or settings.get("data_dir") or (settings.get("storage") or {}).get("data_dir") or "")
    return BookingConfig(
        timezone=timezone,
        services=services,
        hours=hours,
        holidays=frozenset(holidays),
        buffer_minutes=int(plugin.get("buffer_minutes", 10)),
        slot_step_minutes=max(5, int(plugin.get("slot_step_minutes", 15))),
        min_notice_minutes=int(plugin.get("min_notice_minutes", 60)),
        reminder_minutes=int(plugin.get("reminder_minutes", 1440)),
        search_days=int(plugin.get("search_days", 14)),
        backend=backend,
        caldav=dict(plugin.get("caldav") or {}),
        calcom=dict(plugin.get("calcom") or {}),
        data_dir=data_dir,
    )


def config_problems(settings: dict[str, Any]) -> list[str]:
    """For the ``validate_config`` hook: the problems, as sentences (empty when fine)."""
    try:
        config = load_config(settings)
    except ConfigError as exc:
        return [f"[plugins.booking] {exc}"]
    problems = []
    if config.backend == "calcom":
        if not config.calcom.get("api_key"):
            problems.append("[plugins.booking.calcom] api_key is required when backend = 'calcom'")
        missing = [s.name for s in config.services if s.calcom_event_type_id is None]
        if missing:
            problems.append(f"[plugins.booking] services {missing} need calcom_event_type_id for backend = 'calcom'")
    return problems
