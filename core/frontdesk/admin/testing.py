"""Helpers for tests that drive the admin pages through Flask's test client (the demo owner by default)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

OWNER = ("owner@example.com", "demo-owner")


def log_in(client: FlaskClient, email: str = OWNER[0], password: str = OWNER[1], next_path: str = "") -> TestResponse:
    """Submit the login form with its CSRF token, as a browser would."""
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/admin/login" + (f"?next={next_path}" if next_path else ""),
                       data={"email": email, "password": password, "csrf_token": token})


def csrf_token(client: FlaskClient, page: str = "/admin/inbox") -> str:
    """The session's CSRF token, read from ``page``'s meta tag."""
    html = client.get(page).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def owner_client(app: Flask) -> FlaskClient:
    """A test client logged in as the demo owner."""
    client = app.test_client()
    assert log_in(client).status_code == 302
    return client
