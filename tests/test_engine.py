"""The conversation engine: forms, confirmation, changing and cancelling mid-form, fallback, handoff, replay."""

from __future__ import annotations

from frontdesk.app_state import Frontdesk
from frontdesk.testing import Bot, demo_settings


def test_form_asks_for_missing_slots_then_acts(bot):
    first = bot.say("where is my order")
    assert "order number" in first
    assert bot.state.expecting == {"intent": "order.status", "slot": "order_number", "entity": "order_number"}
    second = bot.say("it's 1001")
    assert "email" in second and "postcode" in second
    third = bot.say("ada@example.com")
    assert "shipped" in third and "Royal Mail" in third and "RM123456785GB" in third
    assert bot.state.expecting is None


def test_all_slots_in_one_message(bot):
    answer = bot.say("where is order #1002, my email is grace@example.com")
    assert "hasn't shipped yet" in answer
    assert answer.cards[0]["title"] == "Order #1002"


def test_confirmation_before_a_change_and_yes_runs_it(bot):
    bot.say("I want to cancel order 1002")
    confirm = bot.say("grace@example.com")
    assert "Cancel order #1002?" in confirm.text and confirm.quick_replies == ["Yes", "No"]
    done = bot.say("yes")
    assert "cancelled" in done
    again = bot.new_customer().say("what is the status of my order 1002? my email is grace@example.com")
    assert "was cancelled" in again


def test_no_at_confirmation_changes_nothing(bot):
    confirm = bot.say("I want to cancel my order 1002, my email is grace@example.com")
    assert "Cancel order #1002?" in confirm.text
    answer = bot.say("no")
    assert "won't" in answer
    check = bot.say("where is my order 1002? my email is grace@example.com")
    assert "hasn't shipped yet" in check


def test_customer_changes_a_slot_while_confirming(bot):
    confirm = bot.say("please cancel order 1003, email alan@example.com")
    assert "#1003" in confirm.text
    changed = bot.say("sorry, I meant order 1002")
    assert "#1002" in changed.text and "Cancel" in changed.text


def test_cancel_mid_form(bot):
    bot.say("where is my order")
    stopped = bot.say("never mind")
    assert "stopped" in stopped
    assert bot.state.expecting is None


def test_switching_intent_mid_form(bot):
    bot.say("where is my order")
    answer = bot.say("what are your opening hours?")
    assert "opening hours" in answer.text.lower()
    assert bot.state.expecting is None


def test_unclear_slot_answer_is_asked_again_then_handed_over(bot):
    bot.say("track my order")
    again = bot.say("hmm")
    assert "didn't catch" in again and "Talk to a person" in again.quick_replies
    bot.say("blah")
    bot.say("umm")
    assert bot.state.status == "handoff"


def test_fallback_offers_did_you_mean_then_a_person(bot):
    first = bot.say("qwzx plorb")
    assert "Talk to a person" in first.quick_replies
    assert bot.state.status == "open"
    bot.say("vrmmp tttk")
    assert bot.state.status == "handoff" and bot.state.handoff_reason == "not_understood"


def test_handoff_keeps_the_bot_quiet_until_released(bot):
    answer = bot.say("can I talk to a real person please")
    assert "person" in answer
    assert bot.state.status == "handoff"
    assert bot.say("hello?").messages == []
    bot.frontdesk.post_agent_message(bot.conversation.id, "Hi, I'm Sam. How can I help?", "Sam")
    bot.frontdesk.release_handoff(bot.conversation.id)
    assert "opening hours" in bot.say("when are you open").text.lower()


def test_repeated_client_id_is_processed_once(bot):
    first = bot.say("where is my order 1001", client_id="c-1")
    repeat = bot.say("where is my order 1001", client_id="c-1")
    assert [m["id"] for m in first.messages] == [m["id"] for m in repeat.messages]
    customer_messages = [m for m in bot.frontdesk.messages(bot.conversation.id) if m.role == "customer"]
    assert len(customer_messages) == 1


def test_restart_mid_form_loses_nothing(tmp_path):
    settings = demo_settings(tmp_path)
    first = Frontdesk(settings)
    customer = Bot(first)
    customer.say("where is my order 1001")
    first.close_resources()

    second = Frontdesk(settings)  # a new process would build exactly this from the same files
    answer = second.engine.handle(customer.conversation.id, "ada@example.com")
    assert "shipped" in answer[0].text
    assert [m.role for m in second.messages(customer.conversation.id)] == ["customer", "bot", "customer", "bot"]


def test_greeting_and_policies_come_from_settings(make_bot):
    custom = make_bot({"shop": {"greeting": "Ahoy from the test shop!"},
                       "policies": {"returns": "Returns within 14 days, no questions asked."}})
    assert "Ahoy from the test shop!" in custom.say("hello").text
    assert "14 days" in custom.say("what is your return policy").text


def test_missing_policy_offers_a_person_instead_of_inventing(make_bot):
    custom = make_bot({"policies": {"shipping": ""}})
    assert "person" in custom.say("how long does delivery take").text


def test_product_search_returns_cards(bot):
    answer = bot.say("do you sell rain jackets")
    titles = [c["title"] for c in answer.cards]
    assert "Packable Rain Jacket" in titles and "Storm Shell Rain Jacket" in titles


def test_loosely_spelled_availability_with_variant(bot):
    answer = bot.say("is the trail runer available in size 10 blue")
    assert "Trail Runner (10 / Blue) is in stock" in answer.text


def test_out_of_stock_suggests_alternatives(bot):
    answer = bot.say("do you have the granite approach shoe in stock")
    assert "out of stock" in answer.text
    assert len(answer.cards) >= 2


def test_checkout_link_after_choosing_size_then_colour(bot):
    size = bot.say("I'd like to buy the trail runner")
    assert "Which size" in size.text and size.quick_replies == ["7", "8", "9", "10", "11", "12"]
    colour = bot.say("10")
    assert "Which colour" in colour.text
    assert colour.quick_replies == ["Blue", "Black"]  # 10 / Orange is out of stock
    done = bot.say("Blue")
    assert "/demo-store/checkout/" in done.text and "$119.00" in done.text and "(10 / Blue)" in done.text


def test_checkout_in_one_message(bot):
    done = bot.say("I want to buy 2 trail runners in size 9, black")
    assert "2 × Trail Runner (9 / Black)" in done.text and "$238.00" in done.text


def test_back_end_down_gets_an_honest_reply_and_a_person(make_bot):
    down = make_bot({"plugins": {"demo": {"fail_mode": "down"}}})
    answer = down.say("where is my order 1001 ada@example.com")
    assert "can't reach our shop system" in answer.text
    assert "Talk to a person" in answer.quick_replies
    assert down.say("Talk to a person").messages
    assert down.state.status == "handoff"


def test_one_number_fills_one_slot(bot):
    answer = bot.say("track 94107")
    assert bot.state.slots == {"order_number": "94107"}
    assert "email" in answer.text


def test_which_product_question_does_not_swallow_a_new_request(bot):
    asked = bot.say("I want to buy something")
    assert "What would you like to buy" in asked.text
    answer = bot.say("where is my order 1001")
    assert "email" in answer.text and bot.state.expecting["intent"] == "order.status"


def test_a_bare_email_mid_form_is_an_answer_not_a_new_request(bot):
    bot.say("I want to buy the trail runner")
    answer = bot.say("ada@example.com")
    assert "newsletter" not in answer.text.lower()
    assert bot.state.expecting["intent"] == "order.place"


def test_a_refused_change_goes_to_a_person_with_the_reason(bot):
    bot.say("please cancel my order 1001, my email is ada@example.com")
    answer = bot.say("yes")
    assert "already shipped" in answer.messages[0]["text"]
    assert "person" in answer.messages[1]["text"]
    assert bot.state.status == "handoff" and bot.state.handoff_reason == "not_allowed"
    assert "order.cancel refused for order #1001" in bot.state.state["memory"]["handoff_notes"][0]
