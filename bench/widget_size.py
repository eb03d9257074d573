"""Size of the committed widget bundle: what every page view pays (the loader) and the whole widget.

    python bench/widget_size.py          # table
    python bench/widget_size.py --json   # machine-readable

Budget (issue 3): loader <= 6 KB gzipped; loader + everything loaded on first open/idle <= 30 KB gzipped.
gzip level 9 is what most servers/CDNs use for static assets; raw bytes are what the browser parses.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "core" / "frontdesk" / "static"
LOADER = "widget.js"
LAZY = ("widget-app.js", "widget-call.js")  # widget-call.js: only when a visitor presses "Call us"
LOADER_BUDGET = 6 * 1024
TOTAL_BUDGET = 30 * 1024


def sizes() -> dict[str, dict[str, int]]:
    result = {}
    for name in (LOADER, *LAZY):
        data = (STATIC / name).read_bytes()
        result[name] = {"raw": len(data), "gzip": len(gzip.compress(data, compresslevel=9, mtime=0))}
    result["total"] = {k: sum(v[k] for v in result.values()) for k in ("raw", "gzip")}
    return result


def main() -> None:
    figures = sizes()
    if "--json" in sys.argv:
        print(json.dumps(figures, indent=2))
        return
    print(f"{'file':<16}{'raw bytes':>12}{'gzip -9':>12}")
    for name, row in figures.items():
        print(f"{name:<16}{row['raw']:>12}{row['gzip']:>12}")
    loader, total = figures[LOADER]["gzip"], figures["total"]["gzip"]
    print(f"loader: {loader / LOADER_BUDGET:.0%} of its 6 KB budget; everything: {total / TOTAL_BUDGET:.0%} of 30 KB")


if __name__ == "__main__":
    main()
