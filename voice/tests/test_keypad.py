from frontdesk_voice.keypad import PERSON_TEXT, Keypad, menu_prompt


def press_all(keypad, keys, kind):
    return [keypad.press(k, kind) for k in keys]


def test_digits_then_hash_send_the_number_and_star_clears():
    keypad = Keypad()
    assert press_all(keypad, "19*1002#", "digits") == [None] * 7 + ["1002"]


def test_zero_first_asks_for_a_person_and_yes_no_keys():
    assert Keypad().press("0", "digits") == PERSON_TEXT
    assert Keypad().press("1", "yes_no") == "yes"
    assert Keypad().press("2", "yes_no") == "no"


def test_menu_keys_pick_quick_replies():
    keypad = Keypad(menu=("Cancel this order", "Thanks"))
    assert keypad.press("2", None) == "Thanks"
    assert menu_prompt(("Cancel this order", "Thanks"), None) == "Press 1 for Cancel this order, 2 for Thanks."


def test_other_keys_are_ignored():
    assert Keypad().press("A", None) is None and Keypad().press("#", None) is None
