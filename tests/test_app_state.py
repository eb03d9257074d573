"""Frontdesk's own duties: proactive messages from back-end events, people taking over, plugin isolation."""

from __future__ import annotations

from frontdesk.conversations import sign_identity
from frontdesk.events import BackendEvent
from frontdesk.hookspecs import hookimpl


def test_shipped_event_reaches_the_verified_customer_only(make_bot):
    ada = make_bot(identity={"email": "ada@example.com", "signature": sign_identity("ada@example.com", "test-secret")})
    stranger = ada.new_customer()
    stranger.say("hello")
    delivered = ada.frontdesk.emit_backend_event(BackendEvent(
        kind="order.shipped", source="test", email="ada@example.com", message="Good news: order #1001 has shipped!",
        delivery_id="d-1"))
    assert delivered == 1
    assert ada.frontdesk.messages(ada.conversation.id)[-1].text == "Good news: order #1001 has shipped!"
    assert all("1001" not in m.text for m in stranger.frontdesk.messages(stranger.conversation.id))


def test_repeated_delivery_id_is_ignored(bot):
    bot.say("where is my order 1001? ada@example.com")
    event = BackendEvent(kind="order.delivered", source="test", order_number="1001", message="Delivered!", delivery_id="same")
    assert bot.frontdesk.emit_backend_event(event) == 1
    assert bot.frontdesk.emit_backend_event(event) == 0


def test_back_in_stock_reaches_the_customer_who_asked(bot):
    answer = bot.say("do you have the granite approach shoe in stock")
    assert "message you here if it comes back" in answer.text
    other = bot.new_customer()
    other.say("hello")
    event = BackendEvent(kind="product.back_in_stock", source="test", product_id="granite-approach-shoe",
                         message="The Granite Approach Shoe is back in stock!")
    assert bot.frontdesk.emit_backend_event(event) == 1
    assert bot.frontdesk.messages(bot.conversation.id)[-1].text.startswith("The Granite Approach Shoe is back")


def test_event_for_a_named_conversation(bot):
    bot.say("hello")
    event = BackendEvent(kind="booking.reminder", source="test", conversation_id=bot.conversation.id,
                         message="Reminder: your haircut is tomorrow at 10:00.")
    assert bot.frontdesk.emit_backend_event(event) == 1


def test_agent_takes_over_and_hands_back(bot):
    fd, cid = bot.frontdesk, bot.conversation.id
    fd.post_agent_message(cid, "Hello, Sam here.", "Sam")
    assert bot.state.status == "handoff" and bot.state.agent_name == "Sam"
    assert bot.say("thanks Sam").messages == []
    fd.release_handoff(cid)
    assert bot.state.status == "open" and bot.say("hi").messages


def test_solved_conversation_reopens_on_a_new_message(bot):
    bot.say("goodbye")
    assert bot.state.status == "solved"
    bot.say("actually, one more thing: when are you open?")
    assert bot.state.status == "open"


class EventRecorder:
    def __init__(self):
        self.events = []

    @hookimpl
    def conversation_started(self, conversation):
        self.events.append(("started", conversation.channel))

    @hookimpl
    def message_received(self, message):
        self.events.append(("received", message.text))

    @hookimpl
    def message_sent(self, message):
        self.events.append(("sent", message.role))

    @hookimpl
    def handoff_requested(self, conversation, reason):
        self.events.append(("handoff", reason))


def test_event_hooks_tell_plugins_on_every_channel(make_bot):
    recorder = EventRecorder()
    customer = make_bot(plugins=(("recorder", recorder),), channel="voice")
    customer.say("I want to speak to a human")
    assert recorder.events == [("started", "voice"), ("received", "I want to speak to a human"), ("sent", "bot"),
                               ("handoff", "customer_asked")]


def test_a_stale_catalog_is_served_while_it_refreshes_in_the_background(bot, monkeypatch):
    import threading
    import time

    from frontdesk import app_state

    fd = bot.frontdesk
    first = fd.catalog_names()
    assert "Trail Runner" in first
    release = threading.Event()
    calls = []

    def slow_catalog():
        calls.append(1)
        release.wait(5)
        return ["Only New Product"]

    monkeypatch.setattr(fd.commerce, "catalog_names", slow_catalog)
    monkeypatch.setattr(app_state, "CATALOG_TTL_SECONDS", 0.0)
    started = time.perf_counter()
    assert fd.catalog_names() == first  # stale list at once, not after the slow fetch
    assert fd.catalog_names() == first  # and only one refresh in flight
    assert time.perf_counter() - started < 1.0
    deadline = time.time() + 5
    while not calls and time.time() < deadline:
        time.sleep(0.01)
    fd.catalog_names()
    assert len(calls) == 1
    release.set()
    deadline = time.time() + 5
    while fd._catalog[1] != ["Only New Product"] and time.time() < deadline:
        time.sleep(0.01)
    assert fd._catalog[1] == ["Only New Product"]
