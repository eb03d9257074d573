"""Running the app under gunicorn (threads, so flask-sock WebSockets work) — not Flask's dev server."""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """One worker process with many threads: conversations, the live bus and rate limits share memory.

    The app is built in gunicorn's master (a bad config fails before the port is bound) but
    started in the worker: channel set-up starts threads and child processes (the voice line's
    warm-up and recognition workers, booking reminders, Radicale), and a thread started before
    the fork does not exist in the worker — one holding a lock at that moment leaves the lock
    held there for ever. The worker closes the Frontdesk (``shutdown`` hooks) when it exits.
    """

    def __init__(self, app: Flask, host: str, port: int, threads: int = 32) -> None:
        self.app = app
        frontdesk = app.extensions["frontdesk"]
        self.options = {
            "post_worker_init": lambda worker: start_in_worker(frontdesk),
            "worker_exit": lambda server, worker: frontdesk.close_resources(),
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


def start_in_worker(frontdesk: Any) -> None:
    # Connections the master's pool opened (migrations, config checks) must not be shared across the fork.
    frontdesk.db.engine.dispose(close=False)
    frontdesk.start()


def serve(app: Flask, host: str, port: int, threads: int = 32, **_: Any) -> None:
    """Serve an app built with ``create_app(..., start=False)``; it starts in gunicorn's worker."""
    GunicornServer(app, host, port, threads).run()
