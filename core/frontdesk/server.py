"""Running the app under gunicorn (threads, so flask-sock WebSockets work) — not Flask's dev server."""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """One worker process with many threads: conversations, the live bus and rate limits share memory."""

    def __init__(self, app: Flask, host: str, port: int, threads: int = 32) -> None:
        self.app = app
        self.options = {
            "bind": f"{host}:{port}",
            "workers": 1,
            "worker_class": "gthread",
            "threads": threads,
            "timeout": 120,
            "graceful_timeout": 5,
            "accesslog": None,
            "loglevel": "warning",
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.app


def serve(app: Flask, host: str, port: int, threads: int = 32, **_: Any) -> None:
    GunicornServer(app, host, port, threads).run()
