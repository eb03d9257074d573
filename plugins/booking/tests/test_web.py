"""The .ics blueprint through the real Flask app, and reminders through core's back-end events."""

import datetime as dt

import pytest
from icalendar import Calendar

from frontdesk.web import create_app

from frontdesk_booking.backends.base import Attendee
from frontdesk_booking.reminders import send_due_reminders
from frontdesk_booking.runtime import runtime_for

pytestmark = pytest.mark.slow


@pytest.fixture
def booked(booking_bot):
    bot = booking_bot()
    runtime = runtime_for(bot.frontdesk)
    now = bot.frontdesk.now()
    service = runtime.config.service("haircut")
    when = {"date": (now + dt.timedelta(days=1)).date().isoformat(), "time": "10:00"}
    slot = runtime.service.availability(service, when, now, "Sam").exact
    record = runtime.service.book(slot, Attendee("Jane", "jane@example.com"), bot.conversation.id)
    return bot, runtime, record


def test_ics_download(booked):
    bot, runtime, record = booked
    client = create_app(bot.frontdesk).test_client()
    response = client.get(f"/booking/ics/{record.ics_token}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    event = Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == record.start
    assert record.reference in str(event["DESCRIPTION"])
    assert client.get("/booking/ics/not-a-real-token-at-all.ics").status_code == 404
    bad = client.get("/booking/ics/..%2F..%2Fetc.ics")
    assert bad.status_code == 404 and bad.is_json


def test_reminder_is_sent_once_to_the_booking_conversation(booked):
    bot, runtime, record = booked
    before = record.start - dt.timedelta(hours=2)
    assert send_due_reminders(bot.frontdesk, runtime, before - dt.timedelta(days=3)) == []  # not due yet
    assert send_due_reminders(bot.frontdesk, runtime, before) == [record.reference]
    assert send_due_reminders(bot.frontdesk, runtime, before + dt.timedelta(minutes=5)) == []  # once each
    texts = [m.text for m in bot.frontdesk.messages(bot.conversation.id)]
    assert sum("Reminder: your haircut" in t for t in texts) == 1


def test_no_reminder_for_an_appointment_deleted_in_the_calendar(booked):
    bot, runtime, record = booked
    runtime.backend.cancel(record.backend_id)  # the owner deleted it in their calendar app
    assert send_due_reminders(bot.frontdesk, runtime, record.start - dt.timedelta(hours=1)) == []
    assert runtime.store.get(record.reference).status == "gone"


def test_send_reminders_command(booked, tmp_path, calendar_url):
    """``frontdesk booking send-reminders`` (for cron) sends what is due, once."""
    from click.testing import CliRunner
    from frontdesk.cli import cli

    bot, runtime, record = booked
    config = tmp_path / "frontdesk.toml"
    config.write_text(
        f'data_dir = "{bot.frontdesk.settings["data_dir"]}"\n'
        '[shop]\ntimezone = "Europe/London"\n'
        '[plugins.booking]\nreminder_minutes = 2880\nreminder_check_seconds = 0\n'
        f'[plugins.booking.caldav]\nurl = "{calendar_url}"\n'
    )
    first = CliRunner().invoke(cli, ["booking", "send-reminders", "--config", str(config)])
    assert first.exit_code == 0, first.output
    assert f"1 reminder(s) sent: {record.reference}" in first.output
    again = CliRunner().invoke(cli, ["booking", "send-reminders", "--config", str(config)])
    assert "0 reminder(s) sent" in again.output
