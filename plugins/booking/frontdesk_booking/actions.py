"""The conversation side of booking: each handler turns the customer's words into asks, offers and bookings.

The engine runs a handler every time a slot it asked for is filled, so each
handler is a small state machine over ``ctx.slots`` (answers to our asks) and
``ctx.memory["booking"]`` (what was understood so far: service, staff, when,
the slot on offer). Dates and times are read from *this* message's entities, so
"4pm" after "tomorrow" keeps tomorrow and changes only the time.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from frontdesk.actions import ActionContext
from frontdesk.messages import Button, Card, Reply, reply

from frontdesk_booking.backends.base import Attendee, CalendarUnavailable, SlotTaken
from frontdesk_booking.config import BookingConfig, Service
from frontdesk_booking.runtime import BookingRuntime, runtime_for
from frontdesk_booking.schedule import Slot
from frontdesk_booking.service import Availability, slot_label
from frontdesk_booking.store import BookingRecord
from frontdesk_booking.when import parse_when

TALK_TO_PERSON = "Talk to a person"
YES = re.compile(r"^\s*(y|yes|yeah|yep|yup|sure|ok|okay|please|please do|go ahead|book it|do it|confirm|correct|that's right|try again|retry)\b", re.I)
NO = re.compile(r"^\s*(n|no|nope|nah|not|don't|do not|stop)\b", re.I)
ASK_SLOTS = ("when", "name", "contact", "confirm", "service")


# --- shared helpers -----------------------------------------------------------------


def _state(ctx: ActionContext) -> dict[str, Any]:
    """This form's booking memory; a new form (our last ask is not among the filled slots) starts clean."""
    state = ctx.memory.get("booking")
    fresh = not state or state.get("intent") != ctx.intent or state.get("asked") not in ctx.slots
    if fresh:
        state = {"intent": ctx.intent, "asked": None, "when": {}}
        ctx.memory["booking"] = state
    return state


def _ask(ctx: ActionContext, state: dict[str, Any], slot: str, prompt: str, quick_replies: list[str] | tuple[str, ...] = (),
         entity: str = "text") -> Reply:
    state["asked"] = slot
    return ctx.ask(slot, prompt, tuple(quick_replies), entity=entity)


def _entity(ctx: ActionContext, *types: str) -> Any:
    found = next((e for e in ctx.entities if e.type in types), None)
    return found.value if found is not None else None


def _iso(value: Any) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else (str(value) if value else None)


def _update_when(ctx: ActionContext, state: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """Overlay this message's date/time/day part on what we had; an impossible date is remembered as such."""
    when = dict(state.get("when") or {})
    mine = parse_when(ctx.text, now)
    mine_value = mine[0] if mine else {}
    date = _entity(ctx, "date")
    invalid = _entity(ctx, "invalid_date") or mine_value.get("invalid")
    time = _entity(ctx, "time")
    daypart = _entity(ctx, "daypart") or mine_value.get("daypart")
    if invalid:
        when = {"invalid": str(invalid)}
    else:
        when.pop("invalid", None)
        new_date = _iso(date) or mine_value.get("date")
        new_time = (_iso(time) or mine_value.get("time") or "")[:5]
        if new_date:
            when["date"] = new_date
        if new_time:
            when["time"] = new_time
            when.pop("daypart", None)
        elif daypart:
            when["daypart"] = str(daypart)
            when.pop("time", None)  # "tomorrow morning" after "at 3": the day part replaces the old time
    state["when"] = when
    return when


def _offers(config: BookingConfig, slots: list[Slot], with_staff: bool) -> list[str]:
    return [slot_label(s, config, with_staff) for s in slots]


def _describe(slot: Slot, config: BookingConfig) -> str:
    local = slot.start.astimezone(config.timezone)
    staff = "" if slot.resource == "shop" else f" with {slot.resource}"
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}{staff}"


def _why(avail: Availability, when: dict[str, Any], config: BookingConfig) -> str:
    """The honest first sentence when the asked-for time can't be had."""
    reason = avail.reason
    day = when.get("date")
    day_text = dt.date.fromisoformat(day).strftime("%A %-d %B") if day else "then"
    if reason == "invalid":
        return f"{when.get('invalid')} isn't a real date or time, so I can't book it."
    if reason == "past":
        return "That time has already passed."
    if reason == "holiday":
        return f"We're closed on {day_text} (holiday)."
    if reason == "closed":
        return f"We're closed on {day_text}s." if not day else f"We're closed on {day_text}."
    if reason == "out_of_hours":
        return f"{when.get('time')} on {day_text} is outside our opening hours."
    if reason == "taken":
        return f"{when.get('time')} on {day_text} isn't available."
    if reason == "full":
        return f"We're fully booked on {day_text}."
    return ""


def _offer_reply(ctx: ActionContext, state: dict[str, Any], rt: BookingRuntime, avail: Availability,
                 when: dict[str, Any], with_staff: bool, lead: str = "") -> Reply:
    state.pop("slot", None)
    ctx.clear_slots("confirm")
    lead = lead or _why(avail, when, rt.config)
    if not avail.options:
        return reply(f"{lead} I couldn't find a free time in the next {rt.config.search_days} days. "
                     "A person from our team can look for one with you.".strip(), (TALK_TO_PERSON,))
    nearest = "The nearest free times are" if lead else "These times are free"
    if len(avail.options) == 1:
        nearest = "The nearest free time is" if lead else "This time is free"
    labels = _offers(rt.config, avail.options, with_staff)
    return _ask(ctx, state, "when", f"{lead} {nearest}: {', '.join(labels)}. Which would you like?".strip(),
                labels, entity="date|invalid_date|time|daypart")


def _calendar_down(ctx: ActionContext, state: dict[str, Any], what: str, details: dict[str, Any]) -> Reply:
    """Honest reply, offer of a person, and the request kept (memory + event) so a person can finish it."""
    request = {"intent": ctx.intent, **details}
    ctx.memory.setdefault("booking_unfinished", []).append(request)
    ctx.emit("booking.unfinished", request)
    ctx.clear_slots("confirm")
    return _ask(ctx, state, "confirm",
                f"I'm sorry — I can't reach our appointment calendar right now, so I can't {what}. "
                "I've kept your request so nothing is lost: a person from our team can finish it, or I can try again.",
                ("Try again", TALK_TO_PERSON))


def _service_for(ctx: ActionContext, state: dict[str, Any], config: BookingConfig) -> Service | None:
    name = _entity(ctx, "booking_service") or state.get("service") or ctx.slots.get("service")
    service = config.service(str(name)) if name else None
    if service is None and len(config.services) == 1:
        service = config.services[0]
    if service:
        state["service"] = service.name
    return service


def _staff_for(ctx: ActionContext, state: dict[str, Any], service: Service) -> str | None:
    staff = _entity(ctx, "booking_staff") or state.get("staff") or ctx.slots.get("staff")
    if staff and staff in service.staff:
        state["staff"] = staff
        return staff
    state.pop("staff", None)
    return None


def _slot_from_state(state: dict[str, Any]) -> Slot | None:
    raw = state.get("slot")
    if not raw:
        return None
    return Slot(dt.datetime.fromisoformat(raw["start"]), dt.datetime.fromisoformat(raw["end"]), raw["resource"], raw["service"])


def _remember_slot(state: dict[str, Any], slot: Slot) -> None:
    state["slot"] = {"start": slot.start.isoformat(), "end": slot.end.isoformat(), "resource": slot.resource,
                     "service": slot.service, "when": dict(state.get("when") or {})}


def _booking_card(rt: BookingRuntime, record: BookingRecord) -> Card:
    local = record.start.astimezone(rt.config.timezone)
    staff = "" if record.resource == "shop" else f" with {record.resource}"
    return Card(title=f"{record.service.capitalize()}{staff}", subtitle=f"{local:%A} {local.day} {local:%B %Y, %H:%M} · {record.reference}",
                buttons=(Button(label="Add to calendar", url=rt.ics_url(record)),))


def _choose(ctx: ActionContext, state: dict[str, Any], rt: BookingRuntime, service: Service, staff: str | None,
            when: dict[str, Any], now: dt.datetime) -> Slot | Reply:
    """The slot the customer asked for if it is free, else a reply offering the nearest ones."""
    chosen = _slot_from_state(state)
    if chosen and state["slot"].get("when") == when and chosen.service == service.name:
        return chosen
    with_staff = bool(staff) or len(service.staff) > 1
    if not when:
        avail = rt.service.availability(service, None, now, staff)
        return _offer_reply(ctx, state, rt, avail, when, with_staff, lead="When would you like to come in?")
    avail = rt.service.availability(service, when, now, staff)
    if avail.exact is None:
        return _offer_reply(ctx, state, rt, avail, when, with_staff)
    _remember_slot(state, avail.exact)
    return avail.exact


# --- booking.create -------------------------------------------------------------------


def create(ctx: ActionContext) -> Reply | list[Reply] | None:
    rt = runtime_for(ctx.frontdesk)
    config = rt.config
    state = _state(ctx)
    now = ctx.frontdesk.now()
    service = _service_for(ctx, state, config)
    when = _update_when(ctx, state, now)
    if service is None:
        names = [s.name for s in config.services]
        menu = ", ".join(f"{s.name} ({s.minutes} min)" for s in config.services)
        return _ask(ctx, state, "service", f"Which service would you like? We offer {menu}.", names, entity="booking_service")
    staff = _staff_for(ctx, state, service)
    try:
        chosen = _choose(ctx, state, rt, service, staff, when, now)
    except CalendarUnavailable:
        return _calendar_down(ctx, state, "check free times", {"service": service.name, "staff": staff, "when": when})
    if isinstance(chosen, Reply):
        return chosen
    identity = ctx.conversation.state.get("identity") or {}
    name = ctx.slots.get("name") or state.get("name") or identity.get("name")
    if not name:
        return _ask(ctx, state, "name", f"{_describe(chosen, config)} is free. What name should I put the booking under?")
    state["name"] = str(name)[:200]
    contact = ctx.slots.get("contact") or identity.get("email") or identity.get("phone")
    if not contact:
        return _ask(ctx, state, "contact", "And your email address or phone number? You'll need it to change or cancel the booking.",
                    entity="email|phone")
    answer = ctx.slots.get("confirm")
    if not answer or not (YES.match(answer) or NO.match(answer)):
        return _ask(ctx, state, "confirm", f"Shall I book a {service.minutes}-minute {service.name} on {_describe(chosen, config)} "
                    f"for {state['name']}?", ("Yes", "No"))
    if NO.match(answer):
        ctx.memory.pop("booking", None)
        return reply("OK, I haven't booked anything. Would you like a different time?", ("Show free times",))
    attendee = Attendee(name=state["name"], email=contact if "@" in str(contact) else "",
                        phone="" if "@" in str(contact) else str(contact))
    try:
        record = rt.service.book(chosen, attendee, ctx.conversation.id)
    except SlotTaken:
        avail = rt.service.availability(service, state["slot"]["when"], now, staff)
        return _offer_reply(ctx, state, rt, avail, when, bool(staff) or len(service.staff) > 1,
                            lead="Sorry — someone has just taken that time.")
    except CalendarUnavailable:
        return _calendar_down(ctx, state, "book it", {"service": service.name, "slot": state["slot"], "name": attendee.name,
                                                     "email": attendee.email, "phone": attendee.phone})
    ctx.memory.pop("booking", None)
    ctx.memory["booking_last_reference"] = record.reference
    ctx.emit("booking.created", {"reference": record.reference, "start": record.start.isoformat(), "service": record.service})
    return Reply(
        text=f"You're booked: {service.name} on {_describe(chosen, config)}. Your reference is {record.reference} — "
             "keep it to change or cancel. Add it to your calendar with the link below.",
        cards=(_booking_card(rt, record),),
        data={"ics_url": rt.ics_url(record), "reference": record.reference, "start": record.start.isoformat()},
    )


# --- booking.availability -------------------------------------------------------------


def availability(ctx: ActionContext) -> Reply | list[Reply] | None:
    rt = runtime_for(ctx.frontdesk)
    state = _state(ctx)
    now = ctx.frontdesk.now()
    service = _service_for(ctx, state, rt.config) or rt.config.services[0]
    staff = _staff_for(ctx, state, service)
    when = _update_when(ctx, state, now)
    try:
        avail = rt.service.availability(service, when or None, now, staff)
    except CalendarUnavailable:
        ctx.emit("booking.unfinished", {"intent": ctx.intent, "service": service.name, "when": when})
        return reply("I'm sorry — I can't reach our appointment calendar right now. A person from our team can "
                     "check free times for you.", (TALK_TO_PERSON,))
    ctx.memory.pop("booking", None)
    with_staff = bool(staff) or len(service.staff) > 1
    if avail.exact:
        avail.options = [avail.exact]
    lead = _why(avail, when, rt.config) if when else ""
    if not avail.options:
        return reply(f"{lead} I couldn't find a free {service.name} in the next {rt.config.search_days} days.".strip(), (TALK_TO_PERSON,))
    labels = _offers(rt.config, avail.options, with_staff)
    return reply(f"{lead} Free for a {service.minutes}-minute {service.name}: {', '.join(labels)}. "
                 "Tap one to book it.".strip(), [f"Book a {service.name} {label}" for label in labels])


# --- booking.reschedule and booking.cancel ----------------------------------------------


def _verified(ctx: ActionContext, state: dict[str, Any], rt: BookingRuntime) -> BookingRecord | Reply:
    """The booking, only when reference + email/phone match; otherwise ask again (and after 3 misses, a person)."""
    record = rt.service.verify(str(ctx.slots.get("reference") or ""), str(ctx.slots.get("contact") or ""))
    if record is not None:
        return record
    state["failures"] = state.get("failures", 0) + 1
    ctx.clear_slots("reference", "contact")
    if state["failures"] >= 3:
        return reply("I still can't find a booking with that reference and contact detail. A person from our team "
                     "can help you with it.", (TALK_TO_PERSON,))
    # The same answer whether the reference or the contact was wrong: nothing leaks about other people's bookings.
    return reply("I couldn't find a booking with that reference and email or phone number. Let's try again.")


def reschedule(ctx: ActionContext) -> Reply | list[Reply] | None:
    rt = runtime_for(ctx.frontdesk)
    config = rt.config
    state = _state(ctx)
    now = ctx.frontdesk.now()
    try:
        record = _verified(ctx, state, rt)
    except CalendarUnavailable:
        return _calendar_down(ctx, state, "look up your booking", {"reference": ctx.slots.get("reference")})
    if isinstance(record, Reply):
        return record
    service = config.service(record.service) or Service(record.service, int((record.end - record.start).total_seconds() // 60))
    when = _update_when(ctx, state, now)
    staff = _entity(ctx, "booking_staff") or state.get("staff")
    if not when:
        state["when"] = {}
    try:
        chosen = _choose(ctx, state, rt, service, staff, when, now)
    except CalendarUnavailable:
        return _calendar_down(ctx, state, "check free times", {"reference": record.reference, "when": when})
    if isinstance(chosen, Reply):
        if not when:
            current = record.start.astimezone(config.timezone)
            chosen = _ask(ctx, state, "when", f"Your {record.service} is on {current:%A} {current.day} {current:%B at %H:%M}. "
                          + chosen.text, chosen.quick_replies, entity="date|invalid_date|time|daypart")
        return chosen
    answer = ctx.slots.get("confirm")
    old = record.start.astimezone(config.timezone)
    if not answer or not (YES.match(answer) or NO.match(answer)):
        return _ask(ctx, state, "confirm", f"Move your {record.service} from {old:%A} {old.day} {old:%B at %H:%M} to "
                    f"{_describe(chosen, config)}?", ("Yes", "No"))
    if NO.match(answer):
        ctx.memory.pop("booking", None)
        return reply("OK, your booking stays as it was.")
    try:
        moved = rt.service.reschedule(record, chosen)
    except SlotTaken:
        avail = rt.service.availability(service, state["slot"]["when"], now, staff)
        return _offer_reply(ctx, state, rt, avail, when, True, lead="Sorry — someone has just taken that time.")
    except CalendarUnavailable:
        return _calendar_down(ctx, state, "move it", {"reference": record.reference, "slot": state.get("slot")})
    ctx.memory.pop("booking", None)
    ctx.emit("booking.rescheduled", {"reference": moved.reference, "start": moved.start.isoformat()})
    return Reply(text=f"Done — your {moved.service} is now on {_describe(chosen, config)}. Your reference is still {moved.reference}.",
                 cards=(_booking_card(rt, moved),), data={"ics_url": rt.ics_url(moved), "reference": moved.reference})


def cancel(ctx: ActionContext) -> Reply | list[Reply] | None:
    rt = runtime_for(ctx.frontdesk)
    state = _state(ctx)
    try:
        record = _verified(ctx, state, rt)
    except CalendarUnavailable:
        return _calendar_down(ctx, state, "look up your booking", {"reference": ctx.slots.get("reference")})
    if isinstance(record, Reply):
        return record
    local = record.start.astimezone(rt.config.timezone)
    answer = ctx.slots.get("confirm")
    if not answer or not (YES.match(answer) or NO.match(answer)):
        return _ask(ctx, state, "confirm", f"Cancel your {record.service} on {local:%A} {local.day} {local:%B at %H:%M} "
                    f"({record.reference})?", ("Yes", "No"))
    if NO.match(answer):
        ctx.memory.pop("booking", None)
        return reply("OK, I've left your booking as it is.")
    try:
        rt.service.cancel(record)
    except CalendarUnavailable:
        return _calendar_down(ctx, state, "cancel it", {"reference": record.reference})
    ctx.memory.pop("booking", None)
    ctx.emit("booking.cancelled", {"reference": record.reference})
    return reply(f"Your {record.service} on {local:%A} {local.day} {local:%B at %H:%M} is cancelled. "
                 "Would you like to book another time?", ("Book an appointment",))


HANDLERS = {
    "booking.create": create,
    "booking.availability": availability,
    "booking.reschedule": reschedule,
    "booking.cancel": cancel,
}
