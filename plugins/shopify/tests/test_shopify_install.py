"""`pip install` the built wheel next to core in a fresh virtualenv: `frontdesk plugins` must list it."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parents[1]
CORE = PLUGIN.parents[1]


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_wheel_installs_next_to_core_and_is_listed(tmp_path):
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path / "dist"),
                    str(PLUGIN)], check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("frontdesk_shopify-*.whl"))
    venv.create(tmp_path / "venv", with_pip=True)
    python = tmp_path / "venv" / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--prefer-binary", str(CORE), str(wheel)],
                   check=True, capture_output=True)
    listed = subprocess.run([str(tmp_path / "venv" / "bin" / "frontdesk"), "plugins", "--json"], check=True,
                            capture_output=True, text=True, cwd=tmp_path)
    plugins = {p["name"]: p for p in json.loads(listed.stdout)}
    assert plugins["shopify"]["enabled"], plugins["shopify"]
    assert "shopify" in plugins["shopify"]["registrations"]["commerce_backend"]
    help_text = subprocess.run([str(tmp_path / "venv" / "bin" / "frontdesk"), "shopify", "check", "--help"],
                               check=True, capture_output=True, text=True, cwd=tmp_path).stdout
    assert "scopes" in help_text
