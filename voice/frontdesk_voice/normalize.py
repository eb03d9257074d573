"""Turn what a recogniser heard into what the chat engine understands.

Recognisers spell numbers out ("four zero one five"); the engine's order-number
extractor wants digits ("4015"). Runs of three or more spoken digits become a
number; under a digits grammar every digit word does.
"""

from __future__ import annotations

DIGITS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
          "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}


def spoken_digits_to_numbers(text: str, min_run: int = 3) -> str:
    words = text.split()
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= min_run:
            out.append("".join(DIGITS[w] for w in run))
        else:
            out.extend(run)
        run.clear()

    for word in words:
        if word.lower() in DIGITS:
            run.append(word.lower())
        else:
            flush()
            out.append(word)
    flush()
    return " ".join(out)


def normalize(text: str, grammar_kind: str | None) -> str:
    text = " ".join(text.replace("[unk]", " ").split())
    if grammar_kind == "digits":
        return spoken_digits_to_numbers(text, min_run=1)
    return spoken_digits_to_numbers(text)
