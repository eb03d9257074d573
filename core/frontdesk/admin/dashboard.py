"""The dashboard: what the bot solved, when it needed a person, what it did not understand; CSV export."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, redirect, request, url_for

from frontdesk.admin import charts, stats, teach
from frontdesk.admin.blueprint import agent, fd, page
from frontdesk.hours import shop_now

RANGES = (7, 30, 90)


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/dashboard", "dashboard", dashboard_page)
    bp.add_url_rule("/dashboard.csv", "dashboard_csv", dashboard_csv)
    bp.add_url_rule("/teach", "teach", teach_example, methods=["POST"])


def requested_stats() -> tuple[int, stats.Stats]:
    days = request.args.get("days", "30")
    days_n = int(days) if days.isdigit() and int(days) in RANGES else 30
    shop = fd().settings["shop"]
    start, end = stats.day_range(days_n, shop_now(shop).date())
    return days_n, stats.compute(fd().db, shop["timezone"], start, end)


def dashboard_page() -> str:
    days, figures = requested_stats()
    return page("dashboard.html", days=days, ranges=RANGES, s=figures,
                per_day_chart=charts.stacked_days(figures.days, figures.per_day, figures.channels,
                                                  title="Conversations per day by channel"),
                legend=charts.legend(figures.channels),
                reasons_chart=charts.bars(figures.handoff_reasons, title="Handoff reasons", colour=charts.PALETTE[3]),
                intents_chart=charts.bars(figures.top_intents, title="Top intents", colour=charts.PALETTE[1]),
                csat_chart=charts.bars([(f"{k} ★", v) for k, v in sorted(figures.csat_distribution.items(), reverse=True)],
                                       title="Ratings", colour=charts.PALETTE[2]) if figures.csat_count else None,
                intents=teach.intent_names(fd()), guesses=guesses(figures), taught=request.args.get("taught"), teach_error=request.args.get("teach_error"))


def guesses(figures: stats.Stats) -> dict[int, str]:
    """The NLU's nearest intent for each not-understood message, preselected in its "add as example" form."""
    found = {}
    for item in figures.not_understood:
        try:
            alternatives = fd().parse(item["text"]).alternatives
        except Exception:  # a guess is a convenience; the owner can always pick by hand
            alternatives = []
        if alternatives:
            found[item["id"]] = alternatives[0][0]
    return found


def dashboard_csv() -> Response:
    days, figures = requested_stats()
    buffer = io.StringIO()
    csv.writer(buffer).writerows(stats.csv_rows(figures))
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="frontdesk-{figures.start}-{figures.end}.csv"'
    return response


def teach_example() -> Response:
    intent = request.form.get("intent", "")
    text = request.form.get("text", "")
    event_id = request.form.get("event_id", "")
    try:
        teach.add_example(fd(), intent, text, event_id=int(event_id) if event_id.isdigit() else None, by=agent().email)
    except teach.TeachError as exc:
        return redirect(url_for("admin.dashboard", teach_error=str(exc)) + "#not-understood")
    teach.retrain_in_background(fd())
    return redirect(url_for("admin.dashboard", taught=intent) + "#not-understood")
