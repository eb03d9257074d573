"""FakeCalCom: a real local HTTP server speaking the documented Cal.com API v2 shapes, for tests and demos.

Cal.com is SaaS and cannot run here, so this plays it, strictly:
  * ``Authorization: Bearer cal_...`` is required (401 otherwise);
  * each endpoint checks its own ``cal-api-version`` header, as the docs require
    (https://cal.com/docs/api-reference/v2/slots/get-available-slots: 2024-09-04;
    https://cal.com/docs/api-reference/v2/bookings/create-a-booking: 2024-08-13);
  * GET /v2/slots → ``{"status": "success", "data": {"YYYY-MM-DD": [{"start": "<ISO 8601 with offset>"}]}}``
    in the requested ``timeZone``;
  * POST /v2/bookings takes ``start`` (UTC ISO 8601), ``eventTypeId``, ``attendee`` {name, email, timeZone,
    phoneNumber?} and ``metadata``; answers 201 with a BookingOutput
    (``id, uid, title, start, end, duration, eventTypeId, status, attendees, metadata``), or 400 with
    ``{"status": "error", "error": {...}}`` when the time is taken or outside availability;
  * GET /v2/bookings/{uid} (https://cal.com/docs/api-reference/v2/bookings/get-a-booking);
  * POST /v2/bookings/{uid}/cancel with ``cancellationReason``
    (https://cal.com/docs/api-reference/v2/bookings/cancel-a-booking).
Availability: every day 09:00-17:00 in ``timezone`` on a grid of the event length.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
VERSIONS = {"slots": "2024-09-04", "bookings": "2024-08-13"}


class FakeCalCom:
    def __init__(self, event_types: dict[int, int], timezone: str = "Europe/London", api_key: str = "cal_test_key",
                 opens: dt.time = dt.time(9), closes: dt.time = dt.time(17)):
        self.event_types = dict(event_types)  # id → minutes
        self.timezone = ZoneInfo(timezone)
        self.api_key = api_key
        self.opens, self.closes = opens, closes
        self.bookings: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeCalCom":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- the calendar ---------------------------------------------------------------------

    def _busy(self, start: dt.datetime, end: dt.datetime) -> bool:
        return any(b["status"] == "accepted" and b["_start"] < end and start < b["_end"] for b in self.bookings.values())

    def _bookable(self, start: dt.datetime, minutes: int) -> bool:
        local = start.astimezone(self.timezone)
        end = start + dt.timedelta(minutes=minutes)
        close = dt.datetime.combine(local.date(), self.closes, tzinfo=self.timezone).astimezone(UTC)
        on_grid = (local.hour * 60 + local.minute - (self.opens.hour * 60 + self.opens.minute)) % minutes == 0
        return local.time() >= self.opens and end <= close and on_grid and not self._busy(start, end)

    def slots(self, event_type: int, first: dt.date, last: dt.date, tz: ZoneInfo) -> dict[str, list[dict[str, str]]]:
        minutes = self.event_types[event_type]
        out: dict[str, list[dict[str, str]]] = {}
        day = first
        while day <= last:
            start = dt.datetime.combine(day, self.opens, tzinfo=self.timezone).astimezone(UTC)
            while True:
                if start + dt.timedelta(minutes=minutes) > dt.datetime.combine(day, self.closes, tzinfo=self.timezone).astimezone(UTC):
                    break
                if self._bookable(start, minutes):
                    local = start.astimezone(tz)
                    out.setdefault(local.date().isoformat(), []).append({"start": local.isoformat(timespec="milliseconds")})
                start += dt.timedelta(minutes=minutes)
            day += dt.timedelta(days=1)
        return out

    def create(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        event_type, attendee = body.get("eventTypeId"), body.get("attendee") or {}
        if event_type not in self.event_types or not attendee.get("name") or not attendee.get("email") \
                or not attendee.get("timeZone") or not body.get("start"):
            return 400, _error("BadRequestException", "start, eventTypeId and attendee {name, email, timeZone} are required")
        start = dt.datetime.fromisoformat(body["start"].replace("Z", "+00:00")).astimezone(UTC)
        minutes = self.event_types[event_type]
        with self.lock:  # Cal.com's own guarantee: one booking per host and time
            if not self._bookable(start, minutes):
                return 400, _error("BadRequestException", "User either already has booking at this time or is not available")
            uid = secrets.token_urlsafe(16)
            end = start + dt.timedelta(minutes=minutes)
            booking = {
                "id": len(self.bookings) + 1, "uid": uid, "title": f"Event type {event_type}",
                "start": start.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "end": end.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "duration": minutes, "eventTypeId": event_type, "status": "accepted",
                "attendees": [{"name": attendee["name"], "email": attendee["email"], "timeZone": attendee["timeZone"],
                               "phoneNumber": attendee.get("phoneNumber"), "language": "en", "absent": False}],
                "metadata": body.get("metadata") or {}, "_start": start, "_end": end,
            }
            self.bookings[uid] = booking
        return 201, {"status": "success", "data": _public(booking)}

    # --- HTTP ---------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _check(self, kind: str) -> bool:
                fake.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
                if self.headers.get("Authorization") != f"Bearer {fake.api_key}":
                    self._send(401, _error("UnauthorizedException", "Invalid API key"))
                    return False
                if self.headers.get("cal-api-version") != VERSIONS[kind]:
                    self._send(400, _error("BadRequestException", f"cal-api-version must be {VERSIONS[kind]}"))
                    return False
                return True

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if url.path == "/v2/slots":
                    if not self._check("slots"):
                        return
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    try:
                        slots = fake.slots(int(query["eventTypeId"]), dt.date.fromisoformat(query["start"][:10]),
                                           dt.date.fromisoformat(query["end"][:10]), ZoneInfo(query.get("timeZone", "UTC")))
                    except (KeyError, ValueError):
                        return self._send(400, _error("BadRequestException", "eventTypeId, start and end are required"))
                    return self._send(200, {"status": "success", "data": slots})
                if url.path.startswith("/v2/bookings/"):
                    if not self._check("bookings"):
                        return
                    booking = fake.bookings.get(url.path.split("/")[3])
                    if booking is None:
                        return self._send(404, _error("NotFoundException", "Booking not found"))
                    return self._send(200, {"status": "success", "data": _public(booking)})
                self._send(404, _error("NotFoundException", "Cannot GET " + url.path))

            def do_POST(self) -> None:
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except json.JSONDecodeError:
                    return self._send(400, _error("BadRequestException", "invalid JSON"))
                if url.path == "/v2/bookings":
                    if self._check("bookings"):
                        self._send(*fake.create(body))
                    return
                parts = url.path.strip("/").split("/")
                if len(parts) == 4 and parts[:2] == ["v2", "bookings"] and parts[3] == "cancel":
                    if not self._check("bookings"):
                        return
                    with fake.lock:
                        booking = fake.bookings.get(parts[2])
                        if booking is None:
                            return self._send(404, _error("NotFoundException", "Booking not found"))
                        booking["status"] = "cancelled"
                        booking["cancellationReason"] = body.get("cancellationReason")
                    return self._send(200, {"status": "success", "data": _public(booking)})
                self._send(404, _error("NotFoundException", "Cannot POST " + url.path))

        return Handler


def _public(booking: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in booking.items() if not k.startswith("_")}


def _error(code: str, message: str) -> dict[str, Any]:
    return {"status": "error", "error": {"code": code, "message": message}}
