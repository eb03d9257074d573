"""`pip install` the built wheel next to core in a fresh virtualenv: `frontdesk plugins` must list it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from frontdesk.testing import install_into_fresh_venv

PLUGIN = Path(__file__).resolve().parents[1]
CORE = PLUGIN.parents[1]


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_wheel_installs_next_to_core_and_is_listed(tmp_path):
    bin_dir = install_into_fresh_venv(PLUGIN, CORE, tmp_path)
    listed = subprocess.run([str(bin_dir / "frontdesk"), "plugins", "--json"], check=True,
                            capture_output=True, text=True, cwd=tmp_path)
    plugins = {p["name"]: p for p in json.loads(listed.stdout)}
    assert plugins["woocommerce"]["enabled"], plugins["woocommerce"]
    assert "woocommerce" in plugins["woocommerce"]["registrations"]["commerce_backend"]
    help_text = subprocess.run([str(bin_dir / "frontdesk"), "woocommerce", "check", "--help"],
                               check=True, capture_output=True, text=True, cwd=tmp_path).stdout
    assert "permissions" in help_text
