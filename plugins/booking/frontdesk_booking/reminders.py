"""Reminders: for each appointment starting within the reminder window, one ``booking.reminder`` event.

``send_due_reminders`` is what both the background thread (started by the
``startup`` hook) and ``frontdesk booking send-reminders`` run. "Once each" holds
across threads and processes: a reminder is claimed with a conditional UPDATE in
the booking index before it is sent, and the event carries a ``delivery_id`` core
de-duplicates on.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import weakref
from typing import Any

from frontdesk.events import BackendEvent

from frontdesk_booking.backends.base import CalendarUnavailable
from frontdesk_booking.runtime import BookingRuntime

log = logging.getLogger("frontdesk.booking.reminders")


def reminder_text(runtime: BookingRuntime, record) -> str:
    local = record.start.astimezone(runtime.config.timezone)
    staff = "" if record.resource == "shop" else f" with {record.resource}"
    return (f"Reminder: your {record.service}{staff} is on {local:%A} {local.day} {local:%B at %H:%M} "
            f"(reference {record.reference}). To change it, just tell me.")


def send_due_reminders(frontdesk: Any, runtime: BookingRuntime, now: dt.datetime | None = None) -> list[str]:
    """Emit the reminders that are due; returns the references reminded."""
    now = now or dt.datetime.now(dt.timezone.utc)
    window = dt.timedelta(minutes=runtime.config.reminder_minutes)
    sent = []
    for record in runtime.store.due_for_reminder(now, window):
        if not runtime.store.claim_reminder(record.reference, now):
            continue  # another worker has it
        try:
            still_booked = runtime.backend.exists(record.backend_id)
        except CalendarUnavailable as exc:
            log.warning("reminder for %s postponed: %s", record.reference, exc)
            runtime.store.release_reminder(record.reference)
            continue
        if not still_booked:  # deleted by hand in the calendar app: no reminder for a cancelled visit
            runtime.store.set_status(record.reference, "gone")
            continue
        text = reminder_text(runtime, record)
        event = BackendEvent(
            kind="booking.reminder", source="booking",
            data={"reference": record.reference, "start": record.start.isoformat(), "service": record.service,
                  "resource": record.resource, "conversation_id": record.conversation_id,
                  "ics_url": runtime.ics_url(record)},
            email=record.email or None, phone=record.phone or None, message=text,
            delivery_id=f"booking.reminder:{record.reference}:{record.start.isoformat()}",
        )
        delivered = frontdesk.emit_backend_event(event)
        if delivered == 0 and record.conversation_id:
            _deliver_to_conversation(frontdesk, record.conversation_id, text, event)
        sent.append(record.reference)
    return sent


def _deliver_to_conversation(frontdesk: Any, conversation_id: str, text: str, event: BackendEvent) -> None:
    """The conversation the booking was made in hears the reminder even without a signed identity."""
    try:
        conversation = frontdesk.conversations.get(conversation_id)
    except Exception:
        return
    if conversation.status != "closed":
        frontdesk.store_message(conversation_id, "bot", text, payload={"data": {"event": event.kind, **event.data}})


class ReminderThread:
    """Checks every ``interval`` seconds; a daemon thread so it never keeps the process alive."""

    def __init__(self, frontdesk: Any, runtime: BookingRuntime, interval: float = 60.0):
        # A weak reference: the thread must not keep a discarded Frontdesk (and its NLU model) alive.
        self._frontdesk = weakref.ref(frontdesk)
        self.runtime, self.interval = runtime, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="booking-reminders", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            frontdesk = self._frontdesk()
            if frontdesk is None:
                return
            try:
                send_due_reminders(frontdesk, self.runtime)
            except Exception:
                log.exception("reminder run failed")
            del frontdesk
            self._stop.wait(self.interval)
