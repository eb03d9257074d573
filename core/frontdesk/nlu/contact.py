"""Contact details: email addresses, phone numbers and postcodes (UK and US ZIP)."""

from __future__ import annotations

import re
from typing import Any, Iterator

from frontdesk.nlu.context import expected_types
from frontdesk.registry import Entity

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.I)
# Said aloud or typed by people avoiding spam bots: "jo dot smith at example dot com".
SPOKEN_EMAIL = re.compile(
    r"\b([a-z0-9_+-]+(?:\s+(?:dot|\.)\s+[a-z0-9_+-]+)*)\s+(?:at|@)\s+([a-z0-9-]+(?:\s+(?:dot|\.)\s+[a-z0-9-]+)+)\b",
    re.I,
)
PHONE = re.compile(r"(?<![\w+#])(\+?\(?\d[\d\s().-]{6,18}\d)(?![\w/])")
UK_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.I)
ZIP = re.compile(r"(?<![\w#£$€.-])(\d{5})(?:-(\d{4}))?(?![\w%:/-]|[.,]\d)")
ZIP_CUE = re.compile(r"\b(?:zip|zipcode|post\s?code|postal(?:\s+code)?|postcode)\b[\s\w:#]{0,12}$", re.I)
ORDER_CUE = re.compile(r"\b(?:order|purchase|confirmation|ref(?:erence)?)\b[\s\w:#.]{0,12}$", re.I)


def extract_emails(text: str, context: dict[str, Any]) -> Iterator[Entity]:
    for m in EMAIL.finditer(text):
        yield Entity("email", m.group(0).lower().rstrip("."), m.group(0), m.start(), m.end(), 1.0)
    for m in SPOKEN_EMAIL.finditer(text):
        local = re.sub(r"\s+(?:dot|\.)\s+", ".", m.group(1))
        domain = re.sub(r"\s+(?:dot|\.)\s+", ".", m.group(2))
        yield Entity("email", f"{local}@{domain}".lower(), m.group(0), m.start(), m.end(), 0.9)


def extract_phones(text: str, context: dict[str, Any]) -> Iterator[Entity]:
    expecting = "phone" in expected_types(context)
    for m in PHONE.finditer(text):
        raw = m.group(1)
        digits = re.sub(r"\D", "", raw)
        if not 9 <= len(digits) <= 15 or re.search(r"\d[.]\d", raw):
            continue  # too short/long, or a decimal/price
        spaced = bool(re.search(r"[\s().-]", raw))
        score = 0.95 if len(digits) >= 10 or raw.startswith("+") or expecting else 0.7 if spaced else 0.55
        value = ("+" if raw.startswith("+") else "") + digits
        yield Entity("phone", value, raw, m.start(1), m.end(1), score)


def extract_postcodes(text: str, context: dict[str, Any]) -> Iterator[Entity]:
    expecting = "postcode" in expected_types(context)
    for m in UK_POSTCODE.finditer(text):
        value = f"{m.group(1)} {m.group(2)}".upper()
        yield Entity("postcode", value, m.group(0), m.start(), m.end(), 0.95)
    for m in ZIP.finditer(text):
        before = text[: m.start()]
        if ZIP_CUE.search(before) or expecting:
            score = 0.97
        elif ORDER_CUE.search(before):
            continue
        elif m.group(2):
            score = 0.85
        else:
            score = 0.5  # a bare 5-digit number: as likely an order number (see NLU docs)
        value = m.group(1) + (f"-{m.group(2)}" if m.group(2) else "")
        yield Entity("postcode", value, m.group(0), m.start(), m.end(), score)
