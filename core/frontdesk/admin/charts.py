"""Small charts as inline SVG, drawn on the server: no JavaScript, no CDN, readable on a phone."""

from __future__ import annotations

from datetime import date
from html import escape

from markupsafe import Markup

PALETTE = ("#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df", "#0a7ea4")


def stacked_days(days: list[date], per_day: dict[date, dict[str, int]], channels: list[str], *,
                 title: str, height: int = 160) -> Markup:
    """One bar per day, stacked by channel; scales to its container's width."""
    width = max(len(days) * 12, 240)
    busiest = max((sum(per_day.get(d, {}).values()) for d in days), default=0)
    top = busiest or 1
    bar = width / max(len(days), 1)
    plot = height - 2
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" preserveAspectRatio="none" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i, day in enumerate(days):
        y = plot
        for c, channel in enumerate(channels):
            n = per_day.get(day, {}).get(channel, 0)
            if not n:
                continue
            h = plot * n / top
            y -= h
            parts.append(f'<rect x="{i * bar + 1:.1f}" y="{y:.1f}" width="{max(bar - 2, 1):.1f}" height="{h:.1f}" '
                         f'fill="{PALETTE[c % len(PALETTE)]}"><title>{day:%d %b} {escape(channel)}: {n}</title></rect>')
    parts.append(f'<line x1="0" y1="{plot}" x2="{width}" y2="{plot}" stroke="#888" stroke-width="1"/></svg>')
    # Labels live outside the stretched SVG so text is never distorted.
    first, last = (f"{days[0]:%d %b}", f"{days[-1]:%d %b}") if days else ("", "")
    parts.append(f'<div class="axis"><span>{first}</span><span>busiest day: {busiest}</span><span>{last}</span></div>')
    return Markup("".join(parts))


def legend(channels: list[str]) -> Markup:
    items = "".join(f'<li><span class="swatch c{i % len(PALETTE)}"></span>{escape(ch)}</li>'
                    for i, ch in enumerate(channels))
    return Markup(f'<ul class="legend">{items}</ul>')


def bars(items: list[tuple[str, int]], *, title: str, colour: str = PALETTE[0]) -> Markup:
    """Horizontal bars with their labels and counts."""
    if not items:
        return Markup('<p class="muted">Nothing yet.</p>')
    row, width, label_w = 22, 320, 130
    top = max(n for _, n in items) or 1
    height = row * len(items)
    parts = [f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
             f'<title>{escape(title)}</title>']
    for i, (label, n) in enumerate(items):
        y = i * row
        w = (width - label_w - 40) * n / top
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end" fill="#222">'
                     f'{escape(label[:22])}</text>'
                     f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" fill="{colour}" rx="2"/>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12" fill="#222">{n}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
