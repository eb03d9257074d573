"""The command line, run as a user runs it: real processes, real ports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from frontdesk.testing import free_port

FRONTDESK = [sys.executable, "-m", "frontdesk"]
ENV = {**os.environ, "FRONTDESK__PLUGINS__VOICE__PRELOAD": "false"}


def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*FRONTDESK, *args], input=stdin, capture_output=True, text=True, timeout=180, cwd=cwd, env=ENV)


def test_init_writes_a_commented_config_that_loads(tmp_path):
    target = tmp_path / "frontdesk.toml"
    result = run("init", str(target))
    assert result.returncode == 0 and target.is_file()
    assert "secret_env" in target.read_text() and "#" in target.read_text()
    assert run("init", str(target)).returncode == 1  # never overwrites without --force
    from frontdesk.settings import load_settings

    assert load_settings(target, environ={})["sites"][0]["key"] == "main"


def test_plugins_lists_builtins_with_versions_and_registrations():
    result = run("plugins", "--json")
    assert result.returncode == 0, result.stderr
    plugins = {p["name"]: p for p in json.loads(result.stdout)}
    assert plugins["builtin_intents"]["version"] and "order.status" in plugins["builtin_intents"]["registrations"]["intent:en"]
    text = run("plugins").stdout
    assert "demo_store  (frontdesk" in text and "commerce_backend: demo" in text


def test_nlu_parse_reads_lines_and_writes_json_lines(tmp_path):
    result = run("nlu", "parse", stdin="where is my order #1001\n\nwhat are your opening hours\nzzzq blorp\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["intent"] for line in lines] == ["order.status", "store.hours", None]
    assert set(lines[0]) == {"text", "intent", "confidence", "entities"}
    assert {"type": "order_number", "value": "1001"}.items() <= lines[0]["entities"][0].items()


def test_serve_refuses_a_bad_config_before_binding(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('[shop]\ntimezone = "Nowhere/Land"\n')
    result = run("serve", "--config", str(config))
    assert result.returncode == 2 and "timezone" in result.stderr


def start_serve(config: Path, port: int) -> subprocess.Popen[str]:
    process = subprocess.Popen([*FRONTDESK, "serve", "--config", str(config), "--port", str(port)], env=ENV,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return process
        except requests.ConnectionError:
            time.sleep(0.3)
        if process.poll() is not None:
            raise AssertionError(process.stderr.read())
    raise AssertionError("server did not start")


def stop(process: subprocess.Popen[str]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


@pytest.mark.slow
def test_serve_under_gunicorn_and_restart_mid_conversation(tmp_path):
    port = free_port()
    config = tmp_path / "shop.toml"
    demo = (Path(__file__).resolve().parents[1] / "core" / "frontdesk" / "demo_config.toml").read_text()
    config.write_text(demo.replace('data_dir = "./var/demo"', f'data_dir = "{tmp_path / "data"}"')
                      .replace("origins = []", f'origins = ["http://127.0.0.1:{port}"]'))
    server = start_serve(config, port)
    try:
        assert "gunicorn" in requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).headers.get("Server", "")
        created = requests.post(f"http://127.0.0.1:{port}/api/v1/conversations", json={"site": "demo"}, timeout=5).json()
        url = f"http://127.0.0.1:{port}/api/v1/conversations/{created['id']}/messages"
        headers = {"Authorization": f"Bearer {created['token']}"}
        asked = requests.post(url, json={"text": "where is my order 1001"}, headers=headers, timeout=10).json()
        assert "email" in asked["messages"][0]["text"]
    finally:
        stop(server)
    server = start_serve(config, port)  # a restart in the middle of the form
    try:
        answer = requests.post(url, json={"text": "ada@example.com"}, headers=headers, timeout=10).json()
        assert "shipped" in answer["messages"][0]["text"]
        history = requests.get(url, headers=headers, timeout=5).json()["messages"]
        assert [m["role"] for m in history] == ["customer", "bot", "customer", "bot"]
    finally:
        stop(server)
