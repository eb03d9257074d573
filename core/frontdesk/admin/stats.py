"""Dashboard figures from the conversations, messages and events tables.

A conversation counts once the customer has said something ("engaged"); the
widget opening alone is not a conversation. Deflected = engaged and never
handed to a person. Days are the shop's local days.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from frontdesk.admin.models import TeachExample
from frontdesk.storage import Database
from frontdesk.storage.models import Conversation, Event, Message


@dataclass
class Stats:
    start: date
    end: date  # inclusive
    per_day: dict[date, dict[str, int]] = field(default_factory=dict)
    channels: list[str] = field(default_factory=list)
    conversations: int = 0
    handoffs: int = 0
    deflected: int = 0
    handoff_reasons: list[tuple[str, int]] = field(default_factory=list)
    bot_first_response: float | None = None   # median seconds
    human_first_response: float | None = None
    csat_average: float | None = None
    csat_count: int = 0
    csat_satisfied: float | None = None       # share of 4s and 5s
    csat_distribution: dict[int, int] = field(default_factory=dict)
    top_intents: list[tuple[str, int]] = field(default_factory=list)
    not_understood: list[dict[str, Any]] = field(default_factory=list)

    @property
    def deflection_rate(self) -> float | None:
        return self.deflected / self.conversations if self.conversations else None

    @property
    def handoff_rate(self) -> float | None:
        return self.handoffs / self.conversations if self.conversations else None

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def day_range(days: int, today: date) -> tuple[date, date]:
    return today - timedelta(days=days - 1), today


def compute(db: Database, timezone: str, start: date, end: date) -> Stats:
    tz = ZoneInfo(timezone)
    since = datetime.combine(start, time.min, tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tz)
    stats = Stats(start=start, end=end)
    with db.session() as session:
        conversations = {c.id: c for c in session.scalars(
            select(Conversation).where(Conversation.created_at >= since, Conversation.created_at < until))}
        ids = list(conversations)
        messages: dict[str, list[Message]] = defaultdict(list)
        events: dict[str, list[Event]] = defaultdict(list)
        for chunk in chunks(ids, 500):
            for m in session.scalars(select(Message).where(Message.conversation_id.in_(chunk)).order_by(Message.id)):
                messages[m.conversation_id].append(m)
            for e in session.scalars(select(Event).where(Event.conversation_id.in_(chunk)).order_by(Event.id)):
                events[e.conversation_id].append(e)
        taught = {t.text.strip().lower() for t in session.scalars(select(TeachExample))}
        not_understood = list(session.scalars(select(Event).where(
            Event.type == "nlu.not_understood", Event.created_at >= since, Event.created_at < until)
            .order_by(Event.id.desc()).limit(200)))

    per_day: dict[date, Counter[str]] = {d: Counter() for d in stats.days}
    reasons: Counter[str] = Counter()
    intents: Counter[str] = Counter()
    bot_waits: list[float] = []
    human_waits: list[float] = []
    for conv_id, conversation in conversations.items():
        said = [m for m in messages[conv_id] if m.role == "customer"]
        if not said:
            continue
        stats.conversations += 1
        per_day[conversation.created_at.astimezone(tz).date()][conversation.channel] += 1
        intents.update(m.intent for m in said if m.intent)
        handoff = next((e for e in events[conv_id] if e.type == "status.handoff"), None)
        if handoff is None:
            stats.deflected += 1
        else:
            stats.handoffs += 1
            reasons[(handoff.data or {}).get("reason") or conversation.handoff_reason or "unknown"] += 1
            agent_reply = next((m for m in messages[conv_id] if m.role == "agent" and m.created_at >= handoff.created_at), None)
            if agent_reply is not None:
                human_waits.append((agent_reply.created_at - handoff.created_at).total_seconds())
        bot_reply = next((m for m in messages[conv_id] if m.role == "bot" and m.id > said[0].id), None)
        if bot_reply is not None:
            bot_waits.append((bot_reply.created_at - said[0].created_at).total_seconds())
        if conversation.rating:
            stats.csat_distribution[conversation.rating] = stats.csat_distribution.get(conversation.rating, 0) + 1
    stats.per_day = {d: dict(c) for d, c in per_day.items()}
    stats.channels = sorted({ch for c in per_day.values() for ch in c})
    stats.handoff_reasons = reasons.most_common()
    stats.top_intents = intents.most_common(10)
    stats.bot_first_response = statistics.median(bot_waits) if bot_waits else None
    stats.human_first_response = statistics.median(human_waits) if human_waits else None
    ratings = [score for score, n in stats.csat_distribution.items() for _ in range(n)]
    if ratings:
        stats.csat_count = len(ratings)
        stats.csat_average = sum(ratings) / len(ratings)
        stats.csat_satisfied = sum(1 for r in ratings if r >= 4) / len(ratings)
    stats.csat_distribution = {score: stats.csat_distribution.get(score, 0) for score in range(1, 6)}
    seen: set[str] = set()
    for event in not_understood:
        text = str((event.data or {}).get("text", "")).strip()
        if text and text.lower() not in taught and text.lower() not in seen:
            seen.add(text.lower())
            stats.not_understood.append({"id": event.id, "text": text, "conversation_id": event.conversation_id,
                                         "created_at": event.created_at})
    stats.not_understood = stats.not_understood[:50]
    return stats


def chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def csv_rows(stats: Stats) -> list[list[Any]]:
    rows: list[list[Any]] = [["date", "channel", "conversations"]]
    for day in stats.days:
        for channel in stats.channels:
            rows.append([day.isoformat(), channel, stats.per_day.get(day, {}).get(channel, 0)])
    rows.append([])
    rows.append(["metric", "value"])
    rows += [["conversations", stats.conversations], ["handoffs", stats.handoffs], ["deflected", stats.deflected],
             ["deflection_rate", fmt(stats.deflection_rate)], ["handoff_rate", fmt(stats.handoff_rate)],
             ["bot_first_response_seconds_median", fmt(stats.bot_first_response)],
             ["human_first_response_seconds_median", fmt(stats.human_first_response)],
             ["csat_average", fmt(stats.csat_average)], ["csat_responses", stats.csat_count]]
    rows += [[f"handoff_reason:{reason}", n] for reason, n in stats.handoff_reasons]
    rows += [[f"intent:{intent}", n] for intent, n in stats.top_intents]
    return rows


def fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}".rstrip("0").rstrip(".")
