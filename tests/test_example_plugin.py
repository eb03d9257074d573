"""The example third-party plugin, installed the way a shop owner would: a wheel in a fresh virtualenv.

Builds examples/frontdesk-giftcard into a wheel, installs core (from this repository) and the wheel
into a new virtualenv, then drives that virtualenv's ``frontdesk`` command: ``plugins``,
``nlu parse`` and ``demo`` (a real gunicorn server on a free port, spoken to over HTTP).
Nothing is imported from the shared virtualenv except the standard library, pytest and requests.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "frontdesk-giftcard"
BUILD_JUNK = shutil.ignore_patterns("*.egg-info", "build", "dist", "__pycache__", ".pytest_cache")
SERVER_START_SECONDS = 150  # the demo trains its NLU before it listens; the test machine is shared
QUESTION = "What's the balance on gift card GC-1234-5678?"


def example_version() -> str:
    source = (EXAMPLE / "frontdesk_giftcard" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'__version__ = "([^"]+)"', source).group(1)  # type: ignore[union-attr]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment minus anything pointing at the shared virtualenv."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env | extra


def run(*args: str | Path, stdin: str | None = None, timeout: float = 300) -> str:
    result = subprocess.run([str(a) for a in args], input=stdin, capture_output=True, text=True,
                            timeout=timeout, env=clean_env())
    assert result.returncode == 0, f"{args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bin/ of a fresh virtualenv holding core and the example plugin's wheel (not editable installs)."""
    root = tmp_path_factory.mktemp("example-plugin")
    source = root / "frontdesk-giftcard"
    shutil.copytree(EXAMPLE, source, ignore=BUILD_JUNK)  # build a copy: no build/ or egg-info in the repo
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", root / "dist", source)
    wheels = list((root / "dist").glob("frontdesk_giftcard-*.whl"))
    assert len(wheels) == 1, wheels
    run(sys.executable, "-m", "venv", root / "venv")
    bin_dir = root / "venv" / "bin"
    run(bin_dir / "python", "-m", "pip", "install", "--quiet", REPO, wheels[0], timeout=600)
    return bin_dir


def test_frontdesk_plugins_lists_the_wheel(venv: Path) -> None:
    text = run(venv / "frontdesk", "plugins")
    block = re.search(r"^giftcard .*?(?=^\S|\Z)", text, re.M | re.S)
    assert block, text
    lines = block.group(0).splitlines()
    assert lines[0] == f"giftcard  (frontdesk-giftcard {example_version()})  ok"
    assert set(lines[1:]) == {
        "  hooks: register_actions, register_commands, register_entity_extractors, register_intents",
        "  action: giftcard.balance",
        "  entity_extractor: giftcard:card_number",
        "  intent:en: giftcard.balance",
    }
    assert "shopify" not in text  # really a fresh environment, not the shared one


def test_nlu_parse_and_cli_command_from_the_wheel(venv: Path) -> None:
    lines = run(venv / "frontdesk", "nlu", "parse", stdin=f"{QUESTION}\nwhere is my order 1001\n").splitlines()
    giftcard, order = (json.loads(line) for line in lines)
    assert giftcard["intent"] == "giftcard.balance"
    assert [(e["type"], e["value"]) for e in giftcard["entities"]] == [("card_number", "GC-1234-5678")]
    assert order["intent"] == "order.status"
    listing = run(venv / "frontdesk", "giftcard", "list")
    assert "GC-••••-5678" in listing and "£25.00" in listing


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def demo_server(venv: Path, tmp_path: Path) -> Iterator[str]:
    """That virtualenv's ``frontdesk demo`` on a free port; always stopped afterwards."""
    port = free_port()
    log = (tmp_path / "demo.log").open("w")
    server = subprocess.Popen([str(venv / "frontdesk"), "demo", "--port", str(port), "--data-dir", str(tmp_path / "demo")],
                              stdout=log, stderr=subprocess.STDOUT, env=clean_env(), start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, server, tmp_path / "demo.log")
        yield base
    finally:
        stop(server)
        log.close()


def wait_until_healthy(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"frontdesk demo exited with {server.returncode}:\n{log.read_text()}")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    pytest.fail(f"frontdesk demo did not answer /healthz within {SERVER_START_SECONDS}s:\n{log.read_text()}")


def stop(server: subprocess.Popen) -> None:
    """SIGTERM the server's process group (gunicorn master and worker), then SIGKILL if it lingers."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


def test_demo_answers_a_gift_card_question_over_http(demo_server: str) -> None:
    health = requests.get(f"{demo_server}/healthz", timeout=5).json()
    assert health["status"] == "ok"
    plugins = {info["name"]: info for info in requests.get(f"{demo_server}/-/plugins.json", timeout=5).json()}
    giftcard = plugins["giftcard"]
    assert (giftcard["distribution"], giftcard["version"]) == ("frontdesk-giftcard", example_version())
    assert giftcard["enabled"] and not giftcard["builtin"]
    assert giftcard["registrations"]["action"] == ["giftcard.balance"]

    created = requests.post(f"{demo_server}/api/v1/conversations", json={"site": "demo"}, timeout=10)
    assert created.status_code == 201, created.text
    conversation = created.json()
    url = f"{demo_server}/api/v1/conversations/{conversation['id']}/messages"
    auth = {"Authorization": f"Bearer {conversation['token']}"}

    answer = requests.post(url, json={"text": QUESTION}, headers=auth, timeout=30)
    assert answer.status_code == 200, answer.text
    replies = answer.json()["messages"]
    assert [m["role"] for m in replies] == ["bot"]
    assert replies[0]["text"] == "Gift card GC-••••-5678 has £25.00 left."

    unknown = requests.post(url, json={"text": "gift card balance for GC-0000-4321"}, headers=auth, timeout=30).json()
    assert "couldn't find a gift card with the number GC-••••-4321" in unknown["messages"][0]["text"]

    history = requests.get(url, headers=auth, timeout=10).json()["messages"]
    assert [m["role"] for m in history][:2] == ["customer", "bot"]
    assert not any("1234-5678" in m["text"] for m in history if m["role"] == "bot")
    assert requests.post(url, json={"text": QUESTION}, timeout=10).status_code == 401  # no token, no answer
