"""Text normalisation shared by the template matcher and the statistical model.

Both sides see the same normalised text, so a template written as "i'd like to" matches
a customer typing "I’d like to!!" and the model's features do not depend on case,
curly quotes or punctuation.
"""

from __future__ import annotations

import re

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "`": "'"})

# Contractions → full forms; also the common apostrophe-less spellings ("dont", "cant").
CONTRACTIONS: dict[str, str] = {
    "i'm": "i am", "im": "i am", "i've": "i have", "ive": "i have", "i'd": "i would",
    "i'll": "i will", "you're": "you are", "youre": "you are", "you've": "you have",
    "you'll": "you will", "you'd": "you would", "we're": "we are", "we've": "we have",
    "they're": "they are", "it's": "it is", "its": "it is", "that's": "that is", "thats": "that is",
    "what's": "what is", "whats": "what is", "where's": "where is", "wheres": "where is",
    "who's": "who is", "how's": "how is", "there's": "there is", "theres": "there is",
    "here's": "here is", "let's": "let us", "lets": "let us",
    "don't": "do not", "dont": "do not", "doesn't": "does not", "doesnt": "does not",
    "didn't": "did not", "didnt": "did not", "can't": "cannot", "cant": "cannot",
    "won't": "will not", "wont": "will not", "wouldn't": "would not", "wouldnt": "would not",
    "couldn't": "could not", "couldnt": "could not", "shouldn't": "should not",
    "isn't": "is not", "isnt": "is not", "aren't": "are not", "arent": "are not",
    "wasn't": "was not", "wasnt": "was not", "weren't": "were not", "haven't": "have not",
    "havent": "have not", "hasn't": "has not", "hasnt": "has not", "hadn't": "had not",
    "what're": "what are", "when's": "when is", "u": "you", "ur": "your", "r": "are", "pls": "please",
    "plz": "please", "pleas": "please", "wanna": "want to", "gonna": "going to", "gotta": "got to",
    "thx": "thanks", "tx": "thanks", "ty": "thank you",
}

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|<[a-z_]+>")
_PLACEHOLDER = re.compile(r"<[a-z_]+>")


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens with contractions expanded; ``<placeholders>`` are kept whole."""
    text = text.translate(_QUOTES).lower()
    words: list[str] = []
    for word in _WORD.findall(text):
        full = CONTRACTIONS.get(word)
        if full is None and word.endswith("'s") and not _PLACEHOLDER.match(word):
            full = word[:-2]  # possessive: "friend's" → "friend"
        words.extend(full.split() if full is not None else (word,))
    return words


def normalise(text: str) -> str:
    """One space-separated string of :func:`tokens`."""
    return " ".join(tokens(text))
