"""Shared fixtures: one real Radicale server for the session, a fresh calendar collection per test."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from frontdesk_booking.config import BookingConfig, load_config
from frontdesk_booking.radicale_server import RadicaleServer, start_radicale

OPEN_EVERY_DAY = {day: "09:00-17:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RadicaleServer]:
    server = start_radicale(tmp_path_factory.mktemp("radicale"))
    yield server
    server.stop()


@pytest.fixture
def calendar_url(radicale: RadicaleServer) -> str:
    """A collection of its own for each test, so bookings never leak between tests."""
    return f"{radicale.url}t{uuid.uuid4().hex[:10]}/"


def booking_settings(calendar_url: str, **booking: Any) -> dict[str, Any]:
    plugin = {
        "timezone": "Europe/London",
        "hours": OPEN_EVERY_DAY,
        "buffer_minutes": 0,
        "min_notice_minutes": 0,
        "reminder_check_seconds": 0,
        "caldav": {"url": calendar_url, "create_calendars": True},
    }
    plugin.update(booking)
    # Other installed plugins are not under test here (the voice channel's set-up alone takes ~20 s).
    return {"shop": {"timezone": "Europe/London"}, "plugins": {"booking": plugin},
            "disabled_plugins": ["voice", "shopify", "woocommerce", "giftcard"]}


@pytest.fixture
def make_config(calendar_url: str) -> Callable[..., BookingConfig]:
    def factory(**booking: Any) -> BookingConfig:
        return load_config(booking_settings(calendar_url, **booking))

    return factory


@pytest.fixture
def booking_bot(make_bot: Callable[..., Any], calendar_url: str) -> Callable[..., Any]:
    """``booking_bot(**plugin_settings)`` → a Bot on a Frontdesk whose booking calendar is the test Radicale."""

    def factory(**booking: Any) -> Any:
        return make_bot(booking_settings(calendar_url, **booking))

    return factory


@pytest.fixture
def dead_calendar_bot(make_bot: Callable[..., Any]) -> Any:
    """A Bot whose CalDAV server does not answer (nothing listens on the port)."""
    from frontdesk_booking.radicale_server import free_port

    url = f"http://127.0.0.1:{free_port()}/gone/"
    return make_bot(booking_settings(url, caldav={"url": url, "timeout": 2}))
