"""Order details only after number + email/postcode match; a wrong pair reveals nothing; guessing is throttled."""

from __future__ import annotations

import re

from frontdesk.conversations import sign_identity
from frontdesk.verification import factor_matches, looks_like_postcode, normalise_phone
from frontdesk.commerce import Order

PRIVATE = ("ada", "lovelace", "shipped", "royal mail", "rm123456785gb", "trail runner", "sw1a")


def reveals_nothing(text: str) -> bool:
    lowered = text.lower()
    return not any(word in lowered for word in PRIVATE)


def test_right_pair_reveals_the_order(bot):
    answer = bot.say("where is my order 1001? ada@example.com")
    assert "shipped" in answer and "RM123456785GB" in answer


def test_postcode_works_as_the_second_factor(bot):
    bot.say("where is my order 1001")
    assert "shipped" in bot.say("sw1a 1aa")


def test_bare_zip_answers_the_postcode_question(bot):
    bot.say("track order 1002")
    assert "hasn't shipped yet" in bot.say("94107")


def test_wrong_email_and_missing_order_get_the_same_answer(bot):
    wrong_pair = bot.say("where is my order 1001? grace@example.com").text
    stranger = bot.new_customer()
    no_such_order = stranger.say("where is my order 9999? grace@example.com").text
    assert wrong_pair == no_such_order
    assert reveals_nothing(wrong_pair)
    assert "couldn't find an order matching" in wrong_pair


def test_wrong_pair_asks_again_for_both(bot):
    bot.say("where is my order 1001? grace@example.com")
    assert bot.state.expecting["slot"] == "order_number"


def test_repeated_wrong_tries_are_throttled_even_with_the_right_pair(bot):
    for attempt in range(5):
        reply = bot.say(f"where is my order 1001? wrong{attempt}@example.com")
        assert reveals_nothing(reply.text)
    blocked = bot.say("where is my order 1001? ada@example.com")
    assert "too many attempts" in blocked.text
    assert reveals_nothing(blocked.text)


def test_throttling_follows_the_order_across_conversations(bot):
    for attempt in range(5):
        bot.new_customer().say(f"where is my order 1001? guess{attempt}@example.com")
    assert "too many attempts" in bot.new_customer().say("where is my order 1001? ada@example.com").text


def test_a_verified_order_is_not_shown_to_another_conversation(bot):
    bot.say("where is my order 1001? ada@example.com")
    other = bot.new_customer()
    answer = other.say("where is my order 1001")
    assert "email" in answer.text and reveals_nothing(answer.text)


def test_follow_up_about_the_same_order_needs_no_second_check(bot):
    bot.say("where is my order 1002 grace@example.com")
    answer = bot.say("can I get the invoice for it please")
    assert "order #1002" in answer.text and "email" not in answer.text


def test_signed_identity_skips_the_email_question(make_bot):
    signed = make_bot(identity={"email": "ada@example.com", "signature": sign_identity("ada@example.com", "test-secret")})
    assert "shipped" in signed.say("where is my order 1001").text


def test_signed_identity_for_someone_else_still_asks(make_bot):
    signed = make_bot(identity={"email": "grace@example.com", "signature": sign_identity("grace@example.com", "test-secret")})
    answer = signed.say("where is my order 1001")
    assert "email" in answer.text and reveals_nothing(answer.text)


def test_caller_id_on_the_order_verifies_a_phone_caller(make_bot):
    caller = make_bot(channel="voice", trusted_phone="+44 20 7123 4567")
    assert "shipped" in caller.say("where is my order 1001").text


def test_factor_matching_rules():
    order = Order(id="1", number="1", email="Ada@Example.com", status="shipped", postcode="SW1A 1AA", phone="+442071234567")
    assert factor_matches(order, "ada@example.com ")
    assert factor_matches(order, "sw1a1aa")
    assert factor_matches(order, "020 7123 4567")
    assert not factor_matches(order, "grace@example.com")
    assert not factor_matches(order, "")
    assert not factor_matches(order, "1234")
    assert normalise_phone("+44 (20) 7123-4567") == "2071234567"
    assert looks_like_postcode("94107") and looks_like_postcode("SW1A 1AA") and not looks_like_postcode("1001")
    assert re.fullmatch(r"[0-9a-f]{64}", sign_identity("a@b.c", "s"))
