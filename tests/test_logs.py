"""Structured logs mask personal data."""

from __future__ import annotations

import json
import logging

from frontdesk.logs import JsonFormatter, mask


def test_mask_personal_data():
    text = mask("customer ada@example.com rang from +44 20 7123 4567 about SW1A 1AA, order 1001")
    assert "ada@example.com" not in text and "a***@example.com" in text
    assert "7123" not in text and "SW1A" not in text
    assert "order 1001" in text


def test_json_lines_with_conversation_id():
    record = logging.LogRecord("frontdesk.engine", logging.INFO, __file__, 1, "email was %s", ("grace@example.com",), None)
    record.conversation_id = "abc"
    entry = json.loads(JsonFormatter().format(record))
    assert entry["conversation_id"] == "abc" and entry["level"] == "info"
    assert "grace@example.com" not in entry["msg"]
