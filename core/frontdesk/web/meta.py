"""Health, installed plugins, the widget bundle and the demo host page."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, send_from_directory

from frontdesk import __version__

meta = Blueprint("meta", __name__)

STATIC = Path(__file__).resolve().parent.parent / "static"


@meta.get("/healthz")
def healthz() -> Response:
    frontdesk = current_app.extensions["frontdesk"]
    with frontdesk.db.engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
    return jsonify({"status": "ok", "version": __version__})


@meta.get("/-/plugins.json")
def plugins_json() -> Response:
    frontdesk = current_app.extensions["frontdesk"]
    return jsonify([info.to_dict() for info in frontdesk.plugins.infos_list()])


@meta.get("/widget.js")
def widget_js() -> Response:
    return static_file("widget.js")


@meta.get("/static/<path:filename>")
def static_file(filename: str) -> Response:
    if not (STATIC / filename).is_file():
        abort(404, description=f"no static file {filename}")
    response = send_from_directory(STATIC, filename, max_age=300)
    response.headers["Access-Control-Allow-Origin"] = "*"  # the widget loads its parts from shop pages
    return response


@meta.get("/")
def home() -> Response:
    """The demo shop page when there is one (``[server] home_page``), else a short pointer."""
    page = current_app.extensions["frontdesk"].settings["server"].get("home_page")
    if page and Path(page).is_file():
        return send_from_directory(Path(page).parent, Path(page).name, max_age=0)
    return Response("<!doctype html><title>Frontdesk</title><h1>Frontdesk is running</h1>"
                    "<p>Paste the widget snippet into your site, or see <a href='/-/plugins.json'>installed plugins</a>.</p>",
                    mimetype="text/html")
