"""One BookingRuntime per Frontdesk instance: config, calendar back end, booking index, service, reminders."""

from __future__ import annotations

import logging
import threading
import weakref
from pathlib import Path
from typing import Any

from frontdesk_booking.backends.caldav_backend import CalDAVBackend
from frontdesk_booking.config import BookingConfig, load_config
from frontdesk_booking.radicale_server import RadicaleServer, start_radicale
from frontdesk_booking.service import BookingService
from frontdesk_booking.store import BookingRecord, BookingStore

log = logging.getLogger("frontdesk.booking")

_RUNTIMES: "weakref.WeakKeyDictionary[Any, BookingRuntime]" = weakref.WeakKeyDictionary()
_GUARD = threading.Lock()


class BookingRuntime:
    def __init__(self, settings: dict[str, Any]):
        self.settings = settings
        self.config: BookingConfig = load_config(settings)
        self.data_dir = Path(self.config.data_dir or settings.get("data_dir") or "./var") / "booking"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.radicale: RadicaleServer | None = None
        self._backend = None
        self._service: BookingService | None = None
        self._lock = threading.Lock()
        plugin = (settings.get("plugins") or {}).get("booking") or {}
        self.store = BookingStore(plugin.get("database_url") or f"sqlite:///{(self.data_dir / 'bookings.db').resolve()}")
        self.public_url = str((settings.get("shop") or {}).get("public_url") or "http://127.0.0.1:8000").rstrip("/")
        self.reminder_thread = None

    # Built on first use, not at start-up: every Frontdesk (and every test of other plugins) loads this
    # plugin, and only the ones that actually book should start a calendar server.
    @property
    def backend(self):
        with self._lock:
            if self._backend is None:
                self._backend = self._build_backend()
            return self._backend

    @property
    def service(self) -> BookingService:
        backend = self.backend
        with self._lock:
            if self._service is None:
                self._service = BookingService(self.config, backend, self.store)
            return self._service

    def _build_backend(self):
        if self.config.backend == "calcom":
            from frontdesk_booking.backends.calcom import CalComBackend

            return CalComBackend(self.config, **{k: v for k, v in self.config.calcom.items() if k in ("url", "api_key", "timeout")})
        options = self.config.caldav
        url = options.get("url") or ""
        if not url:
            # No calendar configured: the embedded Radicale, so `frontdesk demo` books with no set-up.
            self.radicale = start_radicale(self.data_dir)
            url = self.radicale.url + "frontdesk/"
        backend = CalDAVBackend(self.config, url, options.get("username"), options.get("password"),
                                calendars=options.get("calendars"), timeout=int(options.get("timeout", 10)))
        if self.radicale is not None or options.get("create_calendars"):
            try:
                backend.ensure_calendars(self.config.staff)
            except Exception as exc:  # the calendar may come back later; bookings then get an honest reply
                log.warning("could not prepare booking calendars: %s", exc)
        return backend

    def ics_url(self, record: BookingRecord) -> str:
        return f"{self.public_url}/booking/ics/{record.ics_token}.ics"

    def stop(self) -> None:
        if self.reminder_thread is not None:
            self.reminder_thread.stop()
        if self.radicale is not None:
            self.radicale.stop()


def runtime_for(frontdesk: Any) -> BookingRuntime:
    with _GUARD:
        runtime = _RUNTIMES.get(frontdesk)
        if runtime is None:
            runtime = BookingRuntime(frontdesk.settings)
            _RUNTIMES[frontdesk] = runtime
        return runtime
