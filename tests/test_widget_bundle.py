"""The committed widget bundle: rebuilt from widget/src it is byte-identical, within its size budget, self-contained."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "core" / "frontdesk" / "static"
BUNDLE = ("widget.js", "widget-app.js", "widget-call.js")


def gzipped(name: str) -> int:
    return len(gzip.compress((STATIC / name).read_bytes(), compresslevel=9, mtime=0))


def test_committed_bundle_matches_a_fresh_build() -> None:
    assert shutil.which("node") and shutil.which("npm"), "the widget check needs Node 20 and npm (see widget/README.md)"
    result = subprocess.run(["sh", str(ROOT / "widget" / "check-bundle.sh")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr + result.stdout


def test_size_budget() -> None:
    assert gzipped("widget.js") <= 6 * 1024  # paid by every page view
    assert sum(gzipped(name) for name in BUNDLE) <= 30 * 1024  # loaded on first open or when idle


def test_bundle_requests_nothing_from_third_parties() -> None:
    for name in BUNDLE:
        urls = set(re.findall(r"(?:https?|wss?)://[^\s\"'`)]+", (STATIC / name).read_text(encoding="utf-8")))
        assert urls <= {"http://www.w3.org/2000/svg"}, (name, urls)  # an XML namespace, never fetched


def test_no_html_parsing_of_messages() -> None:
    # The panel builds every node with createElement/textContent; the loader's one innerHTML is a static icon.
    assert "innerHTML" not in (STATIC / "widget-app.js").read_text(encoding="utf-8")
    assert (STATIC / "widget.js").read_text(encoding="utf-8").count("innerHTML") == 1
