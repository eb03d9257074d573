"""The Flask app factory: explicit configuration in, a wired app out."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, request

from frontdesk.app_state import Frontdesk
from frontdesk.logs import configure_logging, new_request_id
from frontdesk.web.api import api, sock
from frontdesk.web.errors import register_error_handlers
from frontdesk.web.meta import meta
from frontdesk.web.security import RateLimits, add_cors_headers

log = logging.getLogger("frontdesk.web")


def create_app(frontdesk: Frontdesk | dict[str, Any], start: bool = True) -> Flask:
    """Build the app for a :class:`Frontdesk` (or its settings dict).

    ``start=False`` leaves ``Frontdesk.start()`` (channel set-up, background threads, child
    processes) to the caller: gunicorn builds the app in its master and starts it in the worker
    it forks, since threads do not survive a fork.
    """
    if not isinstance(frontdesk, Frontdesk):
        frontdesk = Frontdesk(frontdesk)
    configure_logging(frontdesk.settings["logging"])
    app = Flask("frontdesk", static_folder=None)  # meta serves /static with CORS for the widget
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    app.config["SOCK_SERVER_OPTIONS"] = {"ping_interval": 25}
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["frontdesk"] = frontdesk
    app.extensions["frontdesk.limits"] = RateLimits(frontdesk.settings["limits"])
    if frontdesk.settings["server"].get("trust_proxy"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    register_error_handlers(app)
    app.register_blueprint(meta)
    app.register_blueprint(api)
    sock.init_app(app)
    register_plugin_blueprints(app, frontdesk)
    install_request_hooks(app, frontdesk)
    if start:
        frontdesk.start()
    return app


def register_plugin_blueprints(app: Flask, frontdesk: Frontdesk) -> None:
    frontdesk.plugins.collect("register_blueprints", "blueprint", frontdesk.registry, lambda bp: bp.name,
                              frontdesk=frontdesk)
    blueprints = frontdesk.registry.all("blueprint")
    for blueprint in blueprints:
        try:
            app.register_blueprint(blueprint)
        except Exception as exc:  # e.g. a name clash with core's own blueprints
            log.error("could not register blueprint %s: %s", blueprint.name, exc)


def install_request_hooks(app: Flask, frontdesk: Frontdesk) -> None:
    @app.before_request
    def start_request() -> Response | None:
        g.request_id = request.headers.get("X-Request-ID", "")[:64] or new_request_id()
        if request.method == "OPTIONS" and request.path.startswith("/api/"):
            return add_cors_headers(Response(status=204), frontdesk.settings)
        return None

    @app.after_request
    def finish_request(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if request.path.startswith("/api/"):
            add_cors_headers(response, frontdesk.settings)
        if response.status_code != 101:
            log.info("%s %s %s", request.method, request.path, response.status_code,
                     extra={"conversation_id": g.get("conversation_id"), "status": response.status_code})
        return response
