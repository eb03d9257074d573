"""Helpers for the ``context`` dict every extractor receives."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def expected_types(context: dict[str, Any]) -> set[str]:
    """Entity types the bot is waiting for, from ``context["expecting"]``.

    The engine may pass its ``ConversationView.expecting`` (``{"entity": "email|postcode", ...}``)
    or a plain type string; a bare "94107" then reads as the postcode it was asked for.
    """
    expecting = context.get("expecting")
    if isinstance(expecting, dict):
        expecting = expecting.get("entity")
    if not expecting or not isinstance(expecting, str):
        return set()
    return set(expecting.split("|"))


def now_of(context: dict[str, Any]) -> datetime:
    """``context["now"]`` or the current time in ``context["timezone"]`` (UTC if unknown)."""
    now = context.get("now")
    if isinstance(now, datetime):
        return now
    try:
        zone = ZoneInfo(context.get("timezone") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = timezone.utc
    return datetime.now(zone)


def month_first(context: dict[str, Any]) -> bool:
    """True where "3/4" means March 4th (the United States and its territories)."""
    tz = str(context.get("timezone") or "")
    return tz.startswith(("America/", "US/")) and not tz.startswith(
        ("America/Sao_Paulo", "America/Argentina", "America/Bogota", "America/Lima", "America/Santiago")
    )
