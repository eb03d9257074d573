"""DTMF: every flow can be finished on the keypad.

* Digits then ``#`` send the digits (order number, postcode keyed in).
* ``*`` clears what was keyed so far.
* When the bot asks yes/no: ``1`` is yes, ``2`` is no.
* When the last reply offered choices: ``1``…``9`` pick them in order.
* ``0`` as the first key always asks for a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PERSON_TEXT = "I want to talk to a person"


@dataclass
class Keypad:
    buffer: str = ""
    menu: tuple[str, ...] = field(default_factory=tuple)

    def press(self, key: str, grammar_kind: str | None) -> str | None:
        """One key; returns the text to send to the engine, or None while still collecting."""
        if key not in "0123456789*#" or len(key) != 1:
            return None
        if key == "*":
            self.buffer = ""
            return None
        if key == "#":
            keyed, self.buffer = self.buffer, ""
            return keyed or None
        if key == "0" and not self.buffer:
            return PERSON_TEXT
        if not self.buffer and grammar_kind == "yes_no" and key in "12":
            return "yes" if key == "1" else "no"
        if not self.buffer and grammar_kind != "digits" and self.menu and key.isdigit() and 1 <= int(key) <= len(self.menu):
            return self.menu[int(key) - 1]
        self.buffer += key
        return None


def menu_prompt(choices: tuple[str, ...], grammar_kind: str | None) -> str:
    """The spoken keypad hint for a reply."""
    if grammar_kind == "yes_no":
        return "Say yes or no, or press 1 for yes and 2 for no."
    if grammar_kind == "digits":
        return "You can also key it in, then press hash."
    if 1 < len(choices) <= 4:
        options = ", ".join(f"{i} for {c}" for i, c in enumerate(choices, start=1))
        return f"Press {options}."
    return ""
