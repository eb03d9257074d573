"""Dashboard figures checked against a seeded history; the page, the CSV, and teaching the bot."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import datetime, time, timedelta
from typing import Any, Iterator
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from frontdesk.admin.testing import owner_client
from frontdesk.admin import stats, teach
from frontdesk.admin.models import TeachExample
from frontdesk.hours import shop_now
from frontdesk.storage.models import Conversation, Event, Message
from frontdesk.testing import demo_settings
from frontdesk.web import create_app

NO_VOICE = {"disabled_plugins": ["voice"]}
TZ = ZoneInfo("Europe/London")  # the demo shop's timezone


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(demo_settings(tmp_path_factory.mktemp("admin-stats"), NO_VOICE))
    seed(app.extensions["frontdesk"])
    yield app
    app.extensions["frontdesk"].close_resources()


def local(days_ago: int, hour: int) -> datetime:
    today = shop_now({"timezone": "Europe/London"}).date()
    return datetime.combine(today - timedelta(days=days_ago), time(hour), TZ)


def seed(fd: Any) -> None:
    """Six conversations with known timings (seconds after the first customer message)."""

    def conversation(start: datetime, channel: str, turns: list[tuple[float, str, str, str | None]],
                     events: list[tuple[float, str, dict[str, Any]]] = (), rating: int | None = None,
                     status: str = "open") -> None:
        conv_id = uuid.uuid4().hex
        with fd.db.session() as session:
            session.add(Conversation(id=conv_id, site="demo", channel=channel, language="en", status=status,
                                     token_hash="x" * 64, state={}, rating=rating, created_at=start, updated_at=start))
            session.flush()
            for at, role, text, intent in turns:
                session.add(Message(conversation_id=conv_id, role=role, text=text, payload={}, intent=intent,
                                    created_at=start + timedelta(seconds=at)))
                session.flush()
            for at, kind, data in events:
                session.add(Event(conversation_id=conv_id, type=kind, data=data, created_at=start + timedelta(seconds=at)))

    conversation(local(2, 10), "web", [(0, "customer", "where is my order", "order.status"), (2, "bot", "Which order?", None),
                                       (30, "customer", "order 1001", "order.status"), (31, "bot", "It shipped.", None)],
                 rating=5, status="solved")
    conversation(local(2, 11), "web", [(0, "customer", "blah blah frobnicate", None), (4, "bot", "Sorry?", None),
                                       (9, "customer", "talk to a person", "handoff.human"), (10, "bot", "Bringing a person", None),
                                       (80, "agent", "Hi, Sam here", None)],
                 events=[(4, "nlu.not_understood", {"text": "blah blah frobnicate"}),
                         (10, "status.handoff", {"reason": "customer_asked"})], rating=3, status="solved")
    conversation(local(1, 9), "voice", [(0, "customer", "when are you open", "store.hours"), (1, "bot", "9 to 6", None)])
    conversation(local(1, 12), "web", [(0, "customer", "my parcel arrived broken", "feedback.complaint"),
                                       (6, "bot", "I'm sorry", None), (136, "agent", "Let me fix that", None)],
                 events=[(6, "status.handoff", {"reason": "complaint"})], rating=4, status="handoff")
    conversation(local(1, 13), "web", [])  # the widget opened, nobody wrote: not a conversation
    conversation(local(40, 10), "web", [(0, "customer", "hello?", None), (3, "bot", "Hi", None)],
                 events=[(3, "status.handoff", {"reason": "not_understood"})])


def figures(app: Flask, days: int = 30) -> stats.Stats:
    today = shop_now({"timezone": "Europe/London"}).date()
    start, end = stats.day_range(days, today)
    return stats.compute(app.extensions["frontdesk"].db, "Europe/London", start, end)


@pytest.fixture
def owner(app: Flask) -> FlaskClient:
    return owner_client(app)


def test_figures_match_the_seeded_history(app: Flask) -> None:
    s = figures(app)
    assert s.conversations == 4
    assert (s.handoffs, s.deflected) == (2, 2)
    assert s.handoff_rate == 0.5 and s.deflection_rate == 0.5
    assert sorted(s.handoff_reasons) == [("complaint", 1), ("customer_asked", 1)]
    assert s.bot_first_response == pytest.approx(3.0)      # median of 2, 4, 1, 6 seconds
    assert s.human_first_response == pytest.approx(100.0)  # median of 70 and 130 seconds after the handoff
    assert s.csat_count == 3 and s.csat_average == pytest.approx(4.0) and s.csat_satisfied == pytest.approx(2 / 3)
    assert s.csat_distribution == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
    assert s.top_intents[0] == ("order.status", 2) and len(s.top_intents) == 4
    assert [item["text"] for item in s.not_understood] == ["blah blah frobnicate"]
    two_days_ago, yesterday = local(2, 12).date(), local(1, 12).date()
    assert s.per_day[two_days_ago] == {"web": 2} and s.per_day[yesterday] == {"web": 1, "voice": 1}
    assert sum(sum(day.values()) for day in s.per_day.values()) == 4


def test_a_longer_period_includes_older_conversations(app: Flask) -> None:
    s = figures(app, 90)
    assert s.conversations == 5 and s.handoffs == 3
    assert dict(s.handoff_reasons)["not_understood"] == 1


def test_dashboard_page_shows_the_figures_and_charts(owner: FlaskClient) -> None:
    html = owner.get("/admin/dashboard?days=30").get_data(as_text=True)

    def tile(metric: str) -> str:
        block = re.search(rf'data-metric="{metric}">(.*?)</div>', html, re.S).group(1)
        return " ".join(re.sub(r"<[^>]+>", " ", block).split())

    assert tile("conversations") == "Conversations 4"
    assert "50%" in tile("deflection") and "2 without a person" in tile("deflection")
    assert "50%" in tile("handoff")
    assert "3.0 s" in tile("bot-first-response")
    assert "2 min" in tile("human-first-response")
    assert "4.0 / 5" in tile("csat") and "67% satisfied" in tile("csat")
    assert html.count("<svg") >= 4 and "<script" not in html.split("<main", 1)[1]  # charts are server-drawn SVG
    assert "blah blah frobnicate" in html and "Add as example" in html


def test_csv_export(owner: FlaskClient) -> None:
    response = owner.get("/admin/dashboard.csv?days=7")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["date", "channel", "conversations"]
    daily = {(r[0], r[1]): int(r[2]) for r in rows[1:] if len(r) == 3}
    assert daily[(local(1, 12).date().isoformat(), "voice")] == 1
    assert daily[(local(2, 12).date().isoformat(), "web")] == 2
    metrics = {r[0]: r[1] for r in rows if len(r) == 2}
    assert metrics["conversations"] == "4" and metrics["deflection_rate"] == "0.5"
    assert metrics["handoff_reason:complaint"] == "1" and metrics["csat_average"] == "4"


def test_teaching_a_not_understood_message(app: Flask, owner: FlaskClient) -> None:
    page = owner.get("/admin/dashboard").get_data(as_text=True)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    bad = owner.post("/admin/teach", data={"text": "blah blah frobnicate", "intent": "no.such", "csrf_token": csrf})
    assert "there+is+no+intent" in bad.headers["Location"] or "there%20is%20no%20intent" in bad.headers["Location"]
    response = owner.post("/admin/teach", data={"text": "blah blah frobnicate", "intent": "shipping.info",
                                                "event_id": "1", "csrf_token": csrf})
    assert response.status_code == 302
    with app.extensions["frontdesk"].db.session() as session:
        taught = [(t.intent, t.text, t.created_by) for t in session.query(TeachExample)]
    assert ("shipping.info", "blah blah frobnicate", "owner@example.com") in taught
    assert figures(app).not_understood == []  # taught messages leave the list


@pytest.mark.slow
def test_taught_examples_retrain_the_nlu(app: Flask) -> None:
    fd = app.extensions["frontdesk"]
    phrase = "does the pigeon bring my parcel across the channel"
    assert fd.parse(phrase).intent != "shipping.info"
    teach.add_example(fd, "shipping.info", phrase)
    teach.add_example(fd, "shipping.info", "will a pigeon carry the parcel over the channel")
    assert teach.retrain(fd, "en") is True
    assert fd.parse(phrase).intent == "shipping.info"
    assert fd.intent("shipping.info").examples == fd.registry.get("intent:en", "shipping.info").examples  # registry untouched
