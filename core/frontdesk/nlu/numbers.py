"""Number words → integers ("twenty two" → 22, "one zero zero one" → "1001")."""

from __future__ import annotations

UNITS: dict[str, int] = {
    "zero": 0, "oh": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
DIGIT_WORDS: dict[str, str] = {
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}

# Regex alternations, longest first so "seventeen" wins over "seven".
NUMBER_WORD_PATTERN = "|".join(sorted([*UNITS, *TENS], key=len, reverse=True))
ORDINAL_WORD_PATTERN = "|".join(sorted(ORDINALS, key=len, reverse=True))


def words_to_int(phrase: str) -> int | None:
    """"twenty two" / "twenty-two" / "7" → int; None when the phrase is not a small number (< 100)."""
    phrase = phrase.strip().lower().replace("-", " ")
    if phrase.isdigit():
        return int(phrase)
    words = phrase.split()
    if len(words) == 1:
        return UNITS.get(words[0], TENS.get(words[0]))
    if len(words) == 2 and words[0] in TENS and words[1] in UNITS and 0 < UNITS[words[1]] < 10:
        return TENS[words[0]] + UNITS[words[1]]
    return None


def ordinal_to_int(phrase: str) -> int | None:
    """"14th" / "fourteenth" / "twenty first" → 14 / 14 / 21."""
    phrase = phrase.strip().lower().replace("-", " ")
    digits = phrase.rstrip("stndrh")
    if digits.isdigit():
        return int(digits)
    words = phrase.split()
    if len(words) == 1:
        return ORDINALS.get(words[0])
    if len(words) == 2 and words[0] in TENS and words[1] in ORDINALS and ORDINALS[words[1]] < 10:
        return TENS[words[0]] + ORDINALS[words[1]]
    return None
