"""Offline natural-language understanding: hassil templates, a statistical fallback, entity extractors.

    from frontdesk.nlu import NLU
    nlu = NLU(intents, extractors, language="en")
    result = nlu.parse("where's my order #1001?", context={"catalog": [...], "now": now})
"""

from frontdesk.nlu.loader import load_intents
from frontdesk.nlu.parser import NLU, ParseResult

__all__ = ["NLU", "ParseResult", "load_intents"]
