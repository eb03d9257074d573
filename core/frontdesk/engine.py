"""The conversation engine: one customer message in, the bot's replies out.

NLU → (open form? fill the slot it asked for / confirm / cancel / switch) →
ask for the next missing slot → confirm → run the intent's action (or its
knowledge answer) → store and publish the replies. The whole state lives in the
conversation row, so a restart in the middle of a form resumes where it was.
"""

from __future__ import annotations

import logging
import threading
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from frontdesk import hours
from frontdesk.actions import ActionContext
from frontdesk.commerce import ActionNotAllowed, BackendUnavailable
from frontdesk.conversations import ConversationError, ConversationView
from frontdesk.messages import Reply, reply
from frontdesk.registry import Entity, Intent, Slot
from frontdesk.storage.models import Conversation, Message, utcnow
from frontdesk.verification import looks_like_postcode

if TYPE_CHECKING:
    from frontdesk.app_state import Frontdesk
    from frontdesk.nlu import ParseResult

log = logging.getLogger("frontdesk.engine")

CONTROL_INTENTS = ("affirm", "deny", "form.cancel")
TALK_TO_PERSON = "Talk to a person"
MAX_SLOT_RETRIES = 3
SWITCH_CONFIDENCE = 0.75
LOCKS = 64


@dataclass
class Turn:
    conversation: ConversationView
    text: str
    channel: str
    state: dict[str, Any]
    parse: "ParseResult | None" = None
    handoff_reason: str | None = None
    intent: str | None = None
    confidence: float | None = None
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    solved: bool = False

    @property
    def memory(self) -> dict[str, Any]:
        return self.state.setdefault("memory", {})


def json_safe(value: Any) -> Any:
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    return str(value)


class Engine:
    def __init__(self, frontdesk: "Frontdesk") -> None:
        self.fd = frontdesk
        self._locks = [threading.Lock() for _ in range(LOCKS)]

    # --- entry point -------------------------------------------------------------

    def handle(self, conversation_id: str, text: str, *, channel: str | None = None,
               client_id: str | None = None) -> list[Message]:
        """Store the customer's message and return the bot's replies (already stored and published).

        A repeated ``client_id`` returns the replies given the first time and processes nothing.
        """
        with self._locks[zlib.crc32(conversation_id.encode()) % LOCKS]:
            if client_id is not None:
                replayed = self._replayed(conversation_id, client_id)
                if replayed is not None:
                    return replayed
            conversation = self.fd.conversations.get(conversation_id)
            if conversation.status == "closed":
                raise ConversationError(409, "this conversation has ended; start a new one")
            customer = self.fd.store_message(conversation_id, "customer", text, client_id=client_id)
            self.fd.call_event("message_received", conversation=conversation, message=customer)
            if conversation.status == "handoff":
                return []  # a person has it; the bot stays quiet until released
            if conversation.status == "solved":
                conversation = self.fd.conversations.set_status(conversation_id, "open")
            return self._answer(conversation, customer, text, channel or conversation.channel)

    def _replayed(self, conversation_id: str, client_id: str) -> list[Message] | None:
        with self.fd.db.session() as session:
            original = session.scalar(select(Message).where(
                Message.conversation_id == conversation_id, Message.client_id == client_id))
            if original is None:
                return None
            return list(session.scalars(select(Message).where(
                Message.conversation_id == conversation_id, Message.reply_to == original.id).order_by(Message.id)))

    def _answer(self, conversation: ConversationView, customer: Message, text: str, channel: str) -> list[Message]:
        self.fd.publish(conversation.id, {"type": "typing", "role": "bot", "on": True})
        turn = Turn(conversation=conversation, text=text, channel=channel, state=dict(conversation.state))
        try:
            replies = self.respond(turn)
        except BackendUnavailable as exc:
            log.warning("back end unavailable: %s", exc, extra={"conversation_id": conversation.id})
            turn.events.append(("backend.unavailable", {"error": str(exc)[:200]}))
            replies = [self.backend_down_reply()]
        except Exception:
            log.exception("engine failed", extra={"conversation_id": conversation.id})
            turn.events.append(("engine.error", {}))
            replies = [self.backend_down_reply()]
        finally:
            self.fd.publish(conversation.id, {"type": "typing", "role": "bot", "on": False})
        self._save_state(conversation.id, turn)
        for event_type, data in turn.events:
            self.fd.record_event(conversation.id, event_type, data)
        stored = [self.fd.store_message(conversation.id, "bot", r.text, payload=r.to_payload(), reply_to=customer.id,
                                        intent=turn.intent, confidence=turn.confidence) for r in replies]
        self._tag_customer_message(customer.id, turn)
        if turn.handoff_reason:
            self.fd.request_handoff(conversation.id, turn.handoff_reason)
        elif turn.solved:
            self.fd.mark_solved(conversation.id)
        return stored

    def _save_state(self, conversation_id: str, turn: Turn) -> None:
        with self.fd.db.session() as session:
            row = session.get(Conversation, conversation_id)
            row.state = json_safe(turn.state)
            row.updated_at = utcnow()

    def _tag_customer_message(self, message_id: int, turn: Turn) -> None:
        with self.fd.db.session() as session:
            row = session.get(Message, message_id)
            row.intent, row.confidence = turn.intent, turn.confidence

    # --- the dialogue ---------------------------------------------------------------

    def respond(self, turn: Turn) -> list[Reply]:
        form = turn.state.get("form")
        expected = list(CONTROL_INTENTS) if form and form.get("confirming") else None
        turn.parse = self.fd.parse(turn.text, language=turn.conversation.language, expected_intents=expected,
                                   expecting=turn.state.get("expecting"))
        turn.intent, turn.confidence = turn.parse.intent, turn.parse.confidence
        if form:
            return self._continue_form(turn, form)
        return self._start(turn)

    def _start(self, turn: Turn) -> list[Reply]:
        intent_name = turn.parse.intent
        turn.state["expecting"] = None
        if intent_name is None or self.fd.intent(intent_name, turn.conversation.language) is None:
            return self._fallback(turn)
        turn.state["fallbacks"] = 0
        if intent_name in CONTROL_INTENTS:
            key = {"affirm": "affirm_alone", "deny": "deny_alone", "form.cancel": "cancel_alone"}[intent_name]
            return [reply(self.fd.phrases.text(key))]
        form = {"intent": intent_name, "slots": {}, "asking": None, "confirming": False, "retries": 0, "extra": {}}
        turn.state["form"] = form
        self._fill_from_entities(turn, form)
        return self._advance(turn, form)

    def _continue_form(self, turn: Turn, form: dict[str, Any]) -> list[Reply]:
        parse = turn.parse
        if parse.intent == "form.cancel":
            return self._drop_form(turn, self.fd.phrases.text("form_stopped"))
        if form.get("confirming"):
            return self._confirming(turn, form)
        asking = form.get("asking")
        if asking is None:
            if self._switching(turn, form):
                return self._start(turn)
            self._fill_from_entities(turn, form)
            return self._advance(turn, form)
        if self._text_slot(form, asking) and self._switching(turn, form, strict=True):
            return self._start(turn)
        if self._slot(turn, form, asking).entity == "product" and self._switching(turn, form):
            return self._start(turn)  # "which product?" accepts any text, so check for a new request first
        filled = self._fill_slot(turn, form, asking)
        if not self._text_slot(form, asking):  # "10 / Blue" answers "which one?"; it is not a quantity of 10
            self._fill_from_entities(turn, form)
        if filled:
            form["retries"] = 0
            return self._advance(turn, form)
        if self._switching(turn, form):
            return self._start(turn)
        form["retries"] = form.get("retries", 0) + 1
        if form["retries"] >= MAX_SLOT_RETRIES:
            turn.state["form"] = None
            turn.state["expecting"] = None
            turn.handoff_reason = "not_understood"
            return [self.handoff_reply(turn.conversation.site)]
        slot = self._slot(turn, form, asking)
        return [reply(self.fd.phrases.text("didnt_catch", prompt=slot.prompt), slot.quick_replies + (TALK_TO_PERSON,))]

    def _confirming(self, turn: Turn, form: dict[str, Any]) -> list[Reply]:
        if self._fill_from_entities(turn, form, overwrite=True):
            form["confirming"] = False  # the customer changed a detail: confirm the new one
            return self._advance(turn, form)
        if turn.parse.intent == "affirm":
            form["confirmed"], form["confirming"] = True, False
            return self._advance(turn, form)
        if turn.parse.intent == "deny":
            return self._drop_form(turn, self.fd.phrases.text("form_declined"))
        if self._switching(turn, form):
            return self._start(turn)
        return [reply(self.fd.phrases.text("confirm_again"), ("Yes", "No"))]

    def _switching(self, turn: Turn, form: dict[str, Any], *, strict: bool = False) -> bool:
        """True when the message is clearly a different request (the customer changed their mind)."""
        parse = turn.parse
        if parse.intent in (None, form["intent"], *CONTROL_INTENTS):
            return False
        if only_entities(turn.text, parse.entities):
            return False  # a bare "ada@example.com" answers the form; it is not a new request
        if strict:
            return parse.matched_by == "template"
        return parse.matched_by == "template" or parse.confidence >= SWITCH_CONFIDENCE

    def _drop_form(self, turn: Turn, text: str) -> list[Reply]:
        turn.state["form"] = None
        turn.state["expecting"] = None
        return [reply(text)]

    def _advance(self, turn: Turn, form: dict[str, Any], *, run: bool = True) -> list[Reply]:
        """Ask for the next missing slot, then confirm, then (if ``run``) act."""
        intent = self.fd.intent(form["intent"], turn.conversation.language)
        self._prefill_known(turn, form)
        for slot in self._all_slots(turn, form):
            if slot.required and slot.name not in form["slots"]:
                form["asking"] = slot.name
                turn.state["expecting"] = {"intent": intent.name, "slot": slot.name, "entity": slot.entity}
                return [reply(slot.prompt, slot.quick_replies)]
        form["asking"] = None
        if intent.confirm and not form.get("confirmed"):
            form["confirming"] = True
            turn.state["expecting"] = {"intent": intent.name, "slot": "confirm", "entity": "yes|no"}
            return [reply(intent.confirm.format_map(_Missing(form["slots"])), ("Yes", "No"))]
        turn.state["expecting"] = None
        return self._run_action(turn, form) if run else []

    # --- slots ------------------------------------------------------------------------

    def _all_slots(self, turn: Turn, form: dict[str, Any]) -> list[Slot]:
        intent = self.fd.intent(form["intent"], turn.conversation.language)
        slots = list(intent.slots)
        for name, entity in form.get("extra", {}).items():
            if all(s.name != name for s in slots):
                slots.append(Slot(name=name, entity=entity, prompt=form.get("extra_prompts", {}).get(name, "")))
        return slots

    def _slot(self, turn: Turn, form: dict[str, Any], name: str) -> Slot:
        return next(s for s in self._all_slots(turn, form) if s.name == name)

    def _text_slot(self, form: dict[str, Any], name: str) -> bool:
        extra = form.get("extra", {})
        if name in extra:
            return extra[name] == "text"
        intent = self.fd.intent(form["intent"])
        return any(s.name == name and s.entity == "text" for s in intent.slots)

    def _fill_slot(self, turn: Turn, form: dict[str, Any], name: str) -> bool:
        slot = self._slot(turn, form, name)
        value = slot_value(slot, turn.parse.entities, turn.text)
        if value is None:
            return False
        form["slots"][name] = value
        return True

    def _fill_from_entities(self, turn: Turn, form: dict[str, Any], *, overwrite: bool = False) -> bool:
        """Fill slots from this message's entities; True when a slot was set to a new value."""
        changed = False
        unused = list(turn.parse.entities)  # one piece of text fills one slot: "94107" is not both number and postcode
        for slot in self._all_slots(turn, form):
            if slot.entity == "text" or (slot.name in form["slots"] and not overwrite):
                continue
            entity = matching_entity(slot, unused)
            if entity is None:
                continue
            unused = [e for e in unused if (e.start, e.end) != (entity.start, entity.end)]
            value = json_safe(entity.value)
            if form["slots"].get(slot.name) != value:
                form["slots"][slot.name] = value
                changed = True
        return changed

    def _prefill_known(self, turn: Turn, form: dict[str, Any]) -> None:
        """Use what the conversation already established: the last verified order, a signed email, caller ID."""
        slots = form["slots"]
        names = {s.name for s in self._all_slots(turn, form)}
        known = turn.memory.get("verified_factors", {})
        if "order_number" in names and "order_number" not in slots and turn.memory.get("last_order"):
            slots["order_number"] = turn.memory["last_order"]
        if "verifier" not in names or "verifier" in slots or "order_number" not in slots:
            return
        number = str(slots["order_number"])
        if number in known:
            slots["verifier"] = known[number]
            return
        identity = turn.state.get("identity") or {}
        factors = [identity.get(k) for k in ("email", "phone") if identity.get(k)]
        if factors and self.fd.commerce is not None:
            result = self.fd.verifier.verify(self.fd.commerce, turn.conversation.id, number, factors, count_failure=False)
            if result.ok:
                slots["verifier"] = next(f for f in factors if f)

    # --- acting -------------------------------------------------------------------------

    def _run_action(self, turn: Turn, form: dict[str, Any]) -> list[Reply]:
        ctx = ActionContext(frontdesk=self.fd, intent=form["intent"], text=turn.text,
                            conversation=turn.conversation, slots=dict(form["slots"]),
                            entities=list(turn.parse.entities), memory=turn.memory, channel=turn.channel,
                            language=turn.conversation.language)
        try:
            replies = self._call_handler(ctx)
        except BackendUnavailable as exc:
            log.warning("back end unavailable during %s: %s", ctx.intent, exc)
            turn.events.append(("backend.unavailable", {"intent": ctx.intent, "error": str(exc)[:200]}))
            form["asking"], form["confirming"] = None, False  # keep the slots: "try again" re-runs the action
            return [self.backend_down_reply()]
        except ActionNotAllowed as exc:
            turn.state["form"] = None
            return [reply(self.fd.phrases.text("not_allowed", reason=exc.reason), (TALK_TO_PERSON,))]
        self._after_action(turn, form, ctx)
        if turn.state.get("form") is form and not ctx.asks and ctx.cleared_slots:
            replies += self._advance(turn, form, run=False)  # ask again for what the action set aside
        if ctx.solved:
            turn.solved = True
        return replies

    def _call_handler(self, ctx: ActionContext) -> list[Reply]:
        action = self.fd.registry.get("action", ctx.intent)
        if action is not None:
            result = action.handler(ctx)
            return [] if result is None else ([result] if isinstance(result, Reply) else list(result))
        knowledge = self.fd.registry.get("knowledge", ctx.intent)
        if knowledge is not None:
            text = knowledge.text if knowledge.fn is None else knowledge.fn(ctx)
            if text:
                return [reply(text, knowledge.quick_replies)]
        return [reply(self.fd.phrases.text("cannot_do_here"), (TALK_TO_PERSON,))]

    def _after_action(self, turn: Turn, form: dict[str, Any], ctx: ActionContext) -> None:
        if ctx.verification is not None and ctx.verification.ok:
            number = ctx.verification.order.number
            turn.memory["last_order"] = number
            turn.memory.setdefault("verified_factors", {})[number] = str(form["slots"].get("verifier", ""))
        if ctx.handoff_reason:
            turn.handoff_reason = ctx.handoff_reason
        form["slots"].update(json_safe(ctx.slots))  # actions may remember choices (e.g. the size) in ctx.slots
        for name in ctx.cleared_slots:
            form["slots"].pop(name, None)
        for ask in ctx.asks:
            form.setdefault("extra", {})[ask.slot] = ask.entity
        if ctx.asks:
            form["asking"] = ctx.asks[-1].slot
            form["confirming"] = False
            turn.state["expecting"] = {"intent": form["intent"], "slot": form["asking"], "entity": ctx.asks[-1].entity}
        elif ctx.cleared_slots and not ctx.handoff_reason:
            form["confirmed"] = False
            turn.state["form"] = form
        else:
            turn.state["form"] = None
            turn.state["expecting"] = None

    # --- not understood, handoff, outages ------------------------------------------------

    def _fallback(self, turn: Turn) -> list[Reply]:
        turn.state["fallbacks"] = turn.state.get("fallbacks", 0) + 1
        turn.events.append(("nlu.not_understood", {"text": turn.text[:500]}))
        if turn.state["fallbacks"] >= 2:
            turn.state["fallbacks"] = 0
            turn.handoff_reason = "not_understood"
            return [self.handoff_reply(turn.conversation.site)]
        suggestions = self._suggestions(turn)
        if suggestions:
            return [reply(self.fd.phrases.text("did_you_mean"), suggestions + [TALK_TO_PERSON])]
        return [reply(self.fd.phrases.text("not_understood"), ("Where is my order?", "Find a product", TALK_TO_PERSON))]

    def _suggestions(self, turn: Turn) -> list[str]:
        labels = []
        for name, score in turn.parse.alternatives[:3]:
            intent = self.fd.intent(name, turn.conversation.language)
            if intent is None or name in CONTROL_INTENTS or score < 0.15:
                continue
            labels.append(intent_label(intent))
        return labels

    def handoff_reply(self, site: str) -> Reply:
        shop = self.fd.settings["shop"]
        if hours.is_open(shop):
            return reply(self.fd.phrases.text("handoff_open", reply_time=shop["agent_reply_time"]))
        return reply(self.fd.phrases.text("handoff_closed", next_opening=hours.describe_next_opening(shop)))

    def backend_down_reply(self) -> Reply:
        return reply(self.fd.phrases.text("backend_down"), (TALK_TO_PERSON, "Try again"))


def intent_label(intent: Intent) -> str:
    """A short phrase for a "did you mean" button; tapping it must parse back to the intent."""
    return intent.label or (intent.examples[0] if intent.examples else intent.name)


def only_entities(text: str, entities: list[Entity]) -> bool:
    """True when nothing but entities (and punctuation) was said."""
    rest = text
    for entity in sorted(entities, key=lambda e: e.start, reverse=True):
        if entity.end > entity.start:
            rest = rest[:entity.start] + " " + rest[entity.end:]
    return bool(entities) and not any(ch.isalpha() for ch in rest)


def matching_entity(slot: Slot, entities: list[Entity]) -> Entity | None:
    wanted = slot.entity.split("|")
    return next((entity for entity in entities if entity.type in wanted), None)


def slot_value(slot: Slot, entities: list[Entity], text: str | None) -> Any:
    """The value for ``slot`` from this message's entities, or the whole text for ``text`` slots."""
    if slot.entity == "text":
        stripped = (text or "").strip()
        return stripped or None
    wanted = slot.entity.split("|")
    entity = matching_entity(slot, entities)
    if entity is not None:
        return json_safe(entity.value)
    if text is not None and "product" in wanted and text.strip():
        return text.strip()  # asked "which product?": search for whatever they typed
    if text is not None and "postcode" in wanted:
        if looks_like_postcode(text.strip()):  # a bare "94107" when we asked for a postcode
            return text.strip().upper()
    return None


class _Missing(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return "…"
