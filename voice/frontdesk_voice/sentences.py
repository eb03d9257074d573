"""Split a reply into sentences so the first one can play while the rest is synthesised."""

from __future__ import annotations

import re

_BOUNDARY = re.compile(r"(?<=[.!?…])\s+(?=[\"'(\[]?[A-Z0-9])|\n+")
_URL = re.compile(r"https?://\S+")


def split_sentences(text: str) -> list[str]:
    text = _URL.sub("the link we sent you", text)
    parts = [p.strip() for p in _BOUNDARY.split(text)]
    return [p for p in parts if p and any(c.isalnum() for c in p)]
