"""Round-trip latency of the public API and the server's memory, against `frontdesk demo` under gunicorn.

Measured side by side in one run: HTTP POST message → replies, and the same over the WebSocket
(send → the bot's message event), for a mix of intents, plus the server's resident memory before and
after N conversations. Usage: python bench/api_latency.py [--conversations 50] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from simple_websocket import Client

MESSAGES = ["hello", "where is my order 1001", "ada@example.com", "do you have the trail runner in size 10 blue",
            "what's your returns policy", "when are you open"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid: int) -> float:
    """Resident memory of gunicorn's worker (the child that serves requests), or of ``pid`` itself."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    target = int(children[0]) if children else pid
    for line in Path(f"/proc/{target}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_demo(port: int, data_dir: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FRONTDESK__PLUGINS__VOICE__PRELOAD": "false", "FRONTDESK__LOGGING__LEVEL": "WARNING",
           # one client sends everything here: lift the per-IP limits that would otherwise (rightly) refuse it
           "FRONTDESK__LIMITS__REQUESTS_PER_MINUTE_PER_IP": "1000000",
           "FRONTDESK__LIMITS__CONVERSATIONS_PER_HOUR_PER_IP": "1000000"}
    process = subprocess.Popen([sys.executable, "-m", "frontdesk", "demo", "--port", str(port), "--data-dir", data_dir],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return process
        except requests.ConnectionError:
            time.sleep(0.3)
    raise SystemExit("demo did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(conversations: int, port: int) -> dict[str, float]:
    base = f"http://127.0.0.1:{port}"
    origin = {"Origin": base}
    http_ms: list[float] = []
    ws_ms: list[float] = []
    for _ in range(conversations):
        created = requests.post(f"{base}/api/v1/conversations", json={"site": "demo"}, headers=origin, timeout=10).json()
        headers = {"Authorization": f"Bearer {created['token']}", **origin}
        for text in MESSAGES:
            started = time.perf_counter()
            response = requests.post(f"{base}/api/v1/conversations/{created['id']}/messages", json={"text": text},
                                     headers=headers, timeout=10)
            http_ms.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
        created = requests.post(f"{base}/api/v1/conversations", json={"site": "demo"}, headers=origin, timeout=10).json()
        ws = Client.connect(f"ws://127.0.0.1:{port}/api/v1/conversations/{created['id']}/ws?token={created['token']}",
                            headers=origin)
        try:
            for text in MESSAGES:
                started = time.perf_counter()
                ws.send(json.dumps({"type": "message", "text": text}))
                while True:
                    event = json.loads(ws.receive(timeout=10))
                    if event["type"] == "message" and event["message"]["role"] == "bot":
                        break
                ws_ms.append((time.perf_counter() - started) * 1000)
        finally:
            ws.close()
    return {"http_p50_ms": statistics.median(http_ms), "http_p95_ms": percentile(http_ms, 0.95),
            "ws_p50_ms": statistics.median(ws_ms), "ws_p95_ms": percentile(ws_ms, 0.95),
            "ws_to_http_p50_ratio": statistics.median(ws_ms) / statistics.median(http_ms), "turns": len(http_ms)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        server = start_demo(port, data_dir)
        try:
            results = {"rss_start_mib": rss_mib(server.pid)}
            results.update(run(args.conversations, port))
            results["rss_end_mib"] = rss_mib(server.pid)
            results["rss_per_conversation_kib"] = (results["rss_end_mib"] - results["rss_start_mib"]) * 1024 / (2 * args.conversations)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    for key, value in results.items():
        print(f"{key:28s} {value:10.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
