"""Whole conversations through the real engine (core's bot fixture) against a real Radicale."""

import datetime as dt
import re

import pytest

from frontdesk_booking.runtime import runtime_for

pytestmark = pytest.mark.slow  # each test trains the NLU once (a few seconds)


def _book(bot, first: str = "book a haircut with Sam tomorrow at 3", name: str = "Jane Doe",
          contact: str = "jane@example.com"):
    bot.say(first)
    bot.say(name)
    bot.say(contact)
    return bot.say("yes")


def test_book_end_to_end_with_ics_link(booking_bot):
    bot = booking_bot()
    first = bot.say("book a haircut with Sam tomorrow at 3")
    assert first.intent == "booking.create"
    assert "15:00 with Sam is free" in first.text
    assert "email address or phone" in bot.say("Jane Doe").text
    confirm = bot.say("jane@example.com")
    assert "Shall I book a 45-minute haircut" in confirm.text and confirm.quick_replies == ["Yes", "No"]
    done = bot.say("yes")
    assert "You're booked" in done.text
    reference = bot.state.state["memory"]["booking_last_reference"]
    assert reference in done.text
    ics_url = done.cards[0]["buttons"][0]["url"]
    assert ics_url.startswith("http") and ics_url.endswith(".ics")
    record = runtime_for(bot.frontdesk).store.get(reference)
    tomorrow = (bot.frontdesk.now() + dt.timedelta(days=1)).date()
    assert record.start.astimezone(bot.frontdesk.now().tzinfo).date() == tomorrow
    assert (record.resource, record.email) == ("Sam", "jane@example.com")


def test_second_customer_is_offered_the_next_slot(booking_bot):
    alice = booking_bot()
    bob = alice.new_customer()
    for who, name in ((alice, "Alice"), (bob, "Bob")):
        who.say("book a haircut with Sam tomorrow at 3")
        who.say(name)
        who.say(f"{name.lower()}@example.com")
    assert "You're booked" in alice.say("yes").text
    lost = bob.say("yes")
    assert "someone has just taken that time" in lost.text
    assert lost.quick_replies and all("with Sam" in q for q in lost.quick_replies)
    assert not any("15:00" in q for q in lost.quick_replies)
    # Bob taps the first offer and gets it
    bob.say(lost.quick_replies[0])
    assert "You're booked" in bob.say("yes").text


def test_february_30th_gets_a_clear_answer(booking_bot):
    bot = booking_bot()
    answer = bot.say("book a haircut on February 30th")
    assert "February 30" in answer.text and "isn't a real date" in answer.text
    assert len(answer.quick_replies) == 3


def test_out_of_hours_offers_nearest_in_hours_slots(booking_bot):
    bot = booking_bot()
    answer = bot.say("book a haircut with Sam tomorrow at 8pm")
    assert "outside our opening hours" in answer.text
    assert answer.quick_replies
    assert all(int(q.split()[3].split(":")[0]) < 17 for q in answer.quick_replies)  # "Sun 22 Nov 16:15 with Sam"


def test_cancel_needs_the_right_contact_and_reschedule_moves(booking_bot):
    bot = booking_bot()
    _book(bot)
    reference = bot.state.state["memory"]["booking_last_reference"]
    stranger = bot.new_customer()
    stranger.say(f"cancel my appointment {reference}")
    wrong = stranger.say("mallory@example.com")
    assert "couldn't find a booking" in wrong.text
    assert "Jane" not in wrong.text and "Sam" not in wrong.text
    store = runtime_for(bot.frontdesk).store
    assert store.get(reference).status == "booked"

    mover = bot.new_customer()
    mover.say(f"I need to move my appointment {reference}")
    offer = mover.say("jane@example.com")
    assert "Your haircut is on" in offer.text
    mover.say("tomorrow at 11am")
    moved = mover.say("yes")
    assert "now on" in moved.text and reference in moved.text
    assert store.get(reference).start.astimezone(bot.frontdesk.now().tzinfo).hour == 11

    canceller = bot.new_customer()
    canceller.say(f"please cancel my booking {reference}")
    ask = canceller.say("jane@example.com")
    assert "Cancel your haircut" in ask.text
    assert "is cancelled" in canceller.say("yes").text
    assert store.get(reference).status == "cancelled"


def test_calendar_down_is_honest_offers_a_person_and_keeps_the_request(dead_calendar_bot):
    bot = dead_calendar_bot
    answer = bot.say("book a haircut with Sam tomorrow at 3")
    assert "can't reach our appointment calendar" in answer.text
    assert "Talk to a person" in answer.quick_replies
    kept = bot.state.state["memory"]["booking_unfinished"][0]
    assert kept["service"] == "haircut" and kept["staff"] == "Sam" and kept["when"]["time"] == "15:00"


def test_availability_then_tap_to_book(booking_bot):
    bot = booking_bot()
    answer = bot.say("do you have anything tomorrow morning for a beard trim")
    assert answer.intent == "booking.availability"
    assert len(answer.quick_replies) == 3
    hours = [int(re.search(r"(\d\d):\d\d", q).group(1)) for q in answer.quick_replies]  # "Book a beard trim Sun 22 Nov 09:00"
    assert all(h < 12 for h in hours)
    tapped = bot.say(answer.quick_replies[1])
    assert tapped.intent == "booking.create"
    assert "is free" in tapped.text and "with Alex" in tapped.text


def test_calendar_down_then_talk_to_a_person_hands_off(dead_calendar_bot):
    bot = dead_calendar_bot
    bot.say("book a haircut with Sam tomorrow at 3")
    bot.say("Talk to a person")
    assert bot.state.status == "handoff"
