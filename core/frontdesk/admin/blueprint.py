"""The /admin blueprint: sign-in, the session and CSRF checks every page shares, and security headers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import wraps
from typing import Any, Callable
from urllib.parse import urlparse

from flask import Blueprint, Response, abort, current_app, g, jsonify, redirect, render_template, request, url_for

from frontdesk.admin import auth
from frontdesk.admin.config_store import ConfigStore
from frontdesk.app_state import Frontdesk
from frontdesk.web.security import client_ip

PUBLIC_ENDPOINTS = ("admin.login", "admin.static")
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
       "media-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


@dataclass
class AdminState:
    store: ConfigStore
    throttle: auth.LoginThrottle


def fd() -> Frontdesk:
    return current_app.extensions["frontdesk"]


def state() -> AdminState:
    return current_app.extensions["frontdesk.admin"]


def agent() -> auth.CurrentAgent:
    return g.admin_agent


def owner_only(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not agent().is_owner:
            abort(403, description="only the shop's owner can do this")
        return view(*args, **kwargs)

    return wrapped


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.headers.get("X-Requested-With") == "fetch"


def page(template: str, **context: Any) -> str:
    return render_template(f"admin/{template}", agent=g.get("admin_agent"), shop=fd().settings["shop"], **context)


def safe_next(target: str | None) -> str:
    """Only same-site /admin paths: no open redirect after sign-in."""
    if target and target.startswith("/admin") and not urlparse(target).netloc and not target.startswith("//"):
        return target
    return url_for("admin.inbox")


def create_blueprint(frontdesk: Frontdesk) -> Blueprint:
    from frontdesk.admin import dashboard, inbox, pages  # noqa: F401 (routes attach to the blueprint)

    bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates",
                   static_folder="static", static_url_path="/static")

    @bp.record_once
    def attach(setup: Any) -> None:
        store = ConfigStore(frontdesk.db, frontdesk.settings)
        setup.app.extensions["frontdesk.admin"] = AdminState(store=store, throttle=auth.LoginThrottle(
            **frontdesk.settings.get("admin", {}).get("login_limits", {})))

    bp.before_request(require_session)
    bp.after_request(security_headers)
    bp.register_error_handler(403, lambda exc: error_page(403, exc.description))
    bp.register_error_handler(404, lambda exc: error_page(404, exc.description))
    bp.register_error_handler(400, lambda exc: error_page(400, exc.description))
    bp.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    bp.add_url_rule("/logout", "logout", logout, methods=["POST"])
    bp.add_url_rule("/", "home", lambda: redirect(url_for("admin.inbox")))
    inbox.add_routes(bp)
    dashboard.add_routes(bp)
    pages.add_routes(bp)
    return bp


def error_page(status: int, message: str | None) -> tuple[Any, int]:
    if wants_json() or request.method != "GET":
        return jsonify({"error": message or "error", "status": status}), status
    return page("error.html", status=status, message=message), status


# --- every request -----------------------------------------------------------------------------


def require_session() -> Response | tuple[Any, int] | None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    current = auth.session_agent(fd().db, request.cookies.get(auth.COOKIE))
    if current is None:
        if request.method == "GET" and request.endpoint != "admin.events" and not wants_json():
            return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
        return jsonify({"error": "sign in first", "status": 401}), 401
    g.admin_agent = current
    if request.method == "POST":
        given = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token")
        if not auth.csrf_matches(current.csrf_token, given):
            return jsonify({"error": "missing or wrong CSRF token; reload the page", "status": 403}), 403
    return None


def security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.endpoint != "admin.static":
        response.headers["Cache-Control"] = "no-store"
    return response


# --- signing in and out --------------------------------------------------------------------------


def login() -> Any:
    settings = fd().settings
    error, status, email = None, 200, ""
    if request.method == "POST":
        email = (request.form.get("email") or "").strip().lower()
        password = request.form.get("password") or ""
        form_token = request.form.get("csrf_token") or ""
        throttle = state().throttle
        if not auth.csrf_matches(request.cookies.get(auth.LOGIN_CSRF_COOKIE, ""), form_token):
            error, status = "Your sign-in form expired. Please try again.", 403
        elif not throttle.allowed(email, client_ip()):
            error, status = "Too many failed attempts. Wait 15 minutes and try again.", 429
        else:
            found = auth.authenticate(fd().db, email, password)
            if found is None:
                throttle.failed(email, client_ip())
                error, status = "Wrong email or password.", 401
            else:
                throttle.succeeded(email)
                token = auth.open_session(fd().db, found)
                response = redirect(safe_next(request.args.get("next")))
                response.set_cookie(auth.COOKIE, token, max_age=int(auth.SESSION_LIFETIME.total_seconds()),
                                    **auth.cookie_options(settings))
                response.delete_cookie(auth.LOGIN_CSRF_COOKIE, path="/admin")
                return response
    login_token = secrets.token_urlsafe(24)
    response = current_app.make_response((page("login.html", error=error, email=email, login_token=login_token), status))
    response.set_cookie(auth.LOGIN_CSRF_COOKIE, login_token, max_age=3600, **auth.cookie_options(settings))
    return response


def logout() -> Response:
    auth.close_session(fd().db, request.cookies.get(auth.COOKIE))
    response = redirect(url_for("admin.login"))
    response.delete_cookie(auth.COOKIE, path="/admin")
    return response
