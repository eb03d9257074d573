"""Cal.com API v2 as the hosted calendar: Cal.com computes free slots and refuses double bookings itself.

Endpoints and versions (each endpoint has its own ``cal-api-version``):
  GET  /v2/slots                       cal-api-version: 2024-09-04
       https://cal.com/docs/api-reference/v2/slots/get-available-slots
  POST /v2/bookings                    cal-api-version: 2024-08-13
       https://cal.com/docs/api-reference/v2/bookings/create-a-booking
  GET  /v2/bookings/{bookingUid}       cal-api-version: 2024-08-13
       https://cal.com/docs/api-reference/v2/bookings/get-a-booking
  POST /v2/bookings/{bookingUid}/cancel  cal-api-version: 2024-08-13
       https://cal.com/docs/api-reference/v2/bookings/cancel-a-booking

Each service maps to a Cal.com event type (``calcom_event_type_id``); which host
takes it is Cal.com's decision, so slots come back with resource "shop".
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

import requests

from frontdesk_booking.backends.base import BookingRequest, CalendarUnavailable, SlotTaken
from frontdesk_booking.config import BookingConfig, Service
from frontdesk_booking.schedule import UTC, Slot

SLOTS_VERSION = "2024-09-04"
BOOKINGS_VERSION = "2024-08-13"


class CalComBackend:
    name = "calcom"
    uses_local_hours = False  # opening hours live in Cal.com's schedules, not in [plugins.booking] hours

    def __init__(self, config: BookingConfig, url: str = "https://api.cal.com", api_key: str = "", timeout: float = 10):
        self.config = config
        self.url = url.rstrip("/")
        self.timeout = float(timeout)
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {api_key}"

    def _call(self, method: str, path: str, version: str, **kwargs: Any) -> requests.Response:
        try:
            response = self.session.request(method, f"{self.url}{path}", headers={"cal-api-version": version},
                                            timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise CalendarUnavailable(f"Cal.com at {self.url} is unreachable: {exc}") from exc
        if response.status_code in (401, 403) or response.status_code >= 500:
            raise CalendarUnavailable(f"Cal.com answered HTTP {response.status_code} for {method} {path}")
        return response

    def _event_type(self, service: Service) -> int:
        if service.calcom_event_type_id is None:
            raise CalendarUnavailable(f"service {service.name!r} has no calcom_event_type_id")
        return service.calcom_event_type_id

    def free_slots(self, service: Service, resources: Sequence[str], first_day: dt.date, days: int, now: dt.datetime) -> list[Slot]:
        last_day = first_day + dt.timedelta(days=days - 1)
        response = self._call("GET", "/v2/slots", SLOTS_VERSION, params={
            "eventTypeId": self._event_type(service), "start": first_day.isoformat(), "end": last_day.isoformat(),
            "timeZone": self.config.timezone.key,
        })
        if response.status_code != 200:
            raise CalendarUnavailable(f"Cal.com refused the slots query: HTTP {response.status_code}")
        earliest = now.astimezone(UTC) + dt.timedelta(minutes=self.config.min_notice_minutes)
        length = dt.timedelta(minutes=service.minutes)
        slots = []
        for starts in (response.json().get("data") or {}).values():
            for item in starts:
                start = dt.datetime.fromisoformat(item["start"].replace("Z", "+00:00")).astimezone(UTC)
                if start >= earliest:
                    slots.append(Slot(start, start + length, "shop", service.name))
        return sorted(slots)

    def book(self, request: BookingRequest) -> str:
        slot, who = request.slot, request.attendee
        service = self.config.service(slot.service)
        if service is None:
            raise CalendarUnavailable(f"unknown service {slot.service!r}")
        attendee: dict[str, Any] = {
            "name": who.name,
            # Cal.com requires an attendee email; a phone-only customer gets an address that cannot receive mail.
            "email": who.email or f"{request.reference.lower()}@phone-booking.invalid",
            "timeZone": request.customer_timezone or self.config.timezone.key,
        }
        if who.phone:
            attendee["phoneNumber"] = who.phone
        response = self._call("POST", "/v2/bookings", BOOKINGS_VERSION, json={
            "start": slot.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "eventTypeId": self._event_type(service),
            "attendee": attendee,
            "metadata": {"frontdeskReference": request.reference},
        })
        if response.status_code in (400, 409):
            raise SlotTaken(slot)  # Cal.com refuses a time that is no longer available
        if response.status_code not in (200, 201):
            raise CalendarUnavailable(f"Cal.com refused the booking: HTTP {response.status_code}")
        return str(response.json()["data"]["uid"])

    def cancel(self, backend_id: str) -> None:
        response = self._call("POST", f"/v2/bookings/{backend_id}/cancel", BOOKINGS_VERSION,
                              json={"cancellationReason": "Cancelled by the customer through Frontdesk"})
        if response.status_code not in (200, 201, 404):
            raise CalendarUnavailable(f"Cal.com refused the cancellation: HTTP {response.status_code}")

    def exists(self, backend_id: str) -> bool:
        response = self._call("GET", f"/v2/bookings/{backend_id}", BOOKINGS_VERSION)
        if response.status_code == 404:
            return False
        return (response.json().get("data") or {}).get("status") not in ("cancelled", "rejected")
