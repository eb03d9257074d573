"""Structured logs: one JSON object a line, with request and conversation ids, personal data masked."""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import datetime, timezone
from typing import Any

EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
PHONE = re.compile(r"\+?\d[\d\s().-]{7,}\d")
UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I)


def mask(text: str) -> str:
    """``ada@example.com`` → ``a***@example.com``; phone numbers and UK postcodes → ``***``."""
    text = EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    text = PHONE.sub("***", text)
    return UK_POSTCODE.sub("***", text)


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": mask(record.getMessage()),
        }
        request_id = _request_id()
        if request_id:
            entry["request_id"] = request_id
        for key in ("conversation_id", "status", "channel", "timings"):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["error"] = mask(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)


def _request_id() -> str | None:
    try:
        from flask import g, has_request_context

        return g.get("request_id") if has_request_context() else None
    except Exception:
        return None


def configure_logging(options: dict[str, Any]) -> None:
    root = logging.getLogger("frontdesk")
    if getattr(root, "_frontdesk_configured", False):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if options.get("json", True) else logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    root.setLevel(options.get("level", "INFO"))
    root.propagate = False
    root._frontdesk_configured = True  # type: ignore[attr-defined]
