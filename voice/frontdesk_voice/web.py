"""Routes: the TwiML/TeXML webhooks, the WebSocket transports and a test page for browser calling.

* ``POST /voice/twilio/twiml`` — point a Twilio number's "A call comes in" webhook here
* ``POST /voice/twilio/after-stream`` — Twilio asks here when the stream ends: ``<Dial>`` for a transfer, else ``<Hangup/>``
* ``WS /voice/twilio`` — Twilio Media Streams (``<Connect><Stream>``)
* ``POST /voice/telnyx/texml``, ``POST /voice/telnyx/after-stream``, ``WS /voice/telnyx`` — the same for a Telnyx
  TeXML application (Telnyx media streaming, bidirectional RTP)
* ``WS /voice/asterisk`` — Asterisk ``chan_websocket`` (``Dial(WebSocket/frontdesk/c(ulaw)…)``)
* ``WS /voice/browser`` — browser calling (the widget's call button; protocol in README.md)
* ``GET /voice/call`` — a bare page to try browser calling
* ``GET /voice/available`` — tells the chat widget to show its call button (CORS for the sites' origins)

A browser sends ``Origin`` on every WebSocket handshake: ``/voice/browser`` refuses origins
that no ``[[sites]]`` entry allows (403), like core's own WebSocket.
"""

from __future__ import annotations

import logging
import os
from importlib.resources import files
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask_sock import Sock
from frontdesk.web.security import add_cors_headers, any_site_allows

from frontdesk_voice import twilio_signature
from frontdesk_voice.bot import e164
from frontdesk_voice.transports import asterisk, browser, twilio

log = logging.getLogger("frontdesk_voice.web")

EXTENSION_KEY = "frontdesk_voice"


def voice_service() -> Any:
    """The process's :class:`VoiceService`, built on first use if start-up did not."""
    from frontdesk_voice.plugin import service_for

    return service_for(current_app.extensions["frontdesk"])


def public_url(path: str, websocket: bool = False) -> str:
    """Where Twilio reaches ``path``: the configured public address, else the host it called us on."""
    settings = voice_settings_of(current_app.extensions["frontdesk"])
    base = settings.get("public_url") or current_app.extensions["frontdesk"].settings.get("shop", {}).get("public_url") or ""
    if not base or "127.0.0.1" in base or "localhost" in base:
        secure = request.headers.get("X-Forwarded-Proto", request.scheme) == "https"
        scheme = ("wss" if secure else "ws") if websocket else ("https" if secure else "http")
        return f"{scheme}://{request.host}{path}"
    return with_scheme_for(base.rstrip("/"), websocket) + path


def with_scheme_for(base: str, websocket: bool) -> str:
    """``https://host`` ↔ ``wss://host``: ``public_url`` may be given either way."""
    if websocket:
        return base.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
    return base.replace("wss://", "https://", 1).replace("ws://", "http://", 1)


def public_ws_url(path: str) -> str:
    return public_url(path, websocket=True)


def twilio_auth_token() -> str | None:
    """``twilio_auth_token``, or the environment variable named by ``twilio_auth_token_env``."""
    settings = voice_settings_of(current_app.extensions["frontdesk"])
    name = settings.get("twilio_auth_token_env")
    return settings.get("twilio_auth_token") or (os.environ.get(name) if name else None) or None


def webhook_url() -> str:
    """The URL exactly as Twilio called it: behind a proxy, the configured public address."""
    settings = voice_settings_of(current_app.extensions["frontdesk"])
    base = with_scheme_for(settings.get("public_url") or "", websocket=False)
    if base.startswith("http"):
        return base.rstrip("/") + request.full_path.rstrip("?")
    scheme = request.headers.get("X-Forwarded-Proto", request.scheme)
    return f"{scheme}://{request.host}{request.full_path.rstrip('?')}"


def check_twilio_signature() -> Response | None:
    """With an auth token configured, only requests Twilio signed get TwiML (403 otherwise)."""
    token = twilio_auth_token()
    if not token:
        return None
    params = request.form.to_dict() if request.method == "POST" else {}
    if twilio_signature.is_valid(token, request.headers.get("X-Twilio-Signature"), webhook_url(), params):
        return None
    log.warning("Twilio webhook refused: missing or wrong X-Twilio-Signature for %s", webhook_url())
    response = jsonify({"error": "missing or invalid X-Twilio-Signature"})
    response.status_code = 403
    return response


def after_stream_answer() -> Response:
    """``<Dial>`` the number this call was flagged for, else ``<Hangup/>`` (TwiML and TeXML alike)."""
    number = voice_service().transfer_for(request.values.get("CallSid"))
    caller_id = None
    if number and e164(request.values.get("From")) is None:
        caller_id = e164(request.values.get("To"))  # the shop's own number is always allowed
    return Response(twilio.after_stream_twiml(number, caller_id), mimetype="text/xml")


def same_host(origin: str) -> bool:
    """The test page at /voice/call, served by this server itself."""
    return origin.split("://", 1)[-1].rstrip("/") == request.host


def voice_settings_of(frontdesk: Any) -> dict[str, Any]:
    settings = frontdesk.settings
    return {**settings.get("plugins", {}).get("voice", {}), **settings.get("voice", {})}


def make_blueprint() -> Blueprint:
    blueprint = Blueprint("voice", __name__, url_prefix="/voice")
    sock = Sock()

    @blueprint.before_request
    def refuse_foreign_browsers() -> Response | None:
        # Phones (Twilio, Asterisk) send no Origin; a web page calling from an origin no site allows is refused.
        origin = request.headers.get("Origin")
        if request.path == "/voice/browser" and origin and not same_host(origin) and not any_site_allows(
                current_app.extensions["frontdesk"].settings, origin):
            response = jsonify({"error": f"origin {origin} is not allowed to call"})
            response.status_code = 403
            return response
        return None

    @blueprint.route("/available")
    def available() -> Response:
        """The widget asks before showing its call button (the voice line is an optional plugin)."""
        response = jsonify({"calls": True, "path": "/voice/browser", "sample_rate": browser.OUT_RATE})
        return add_cors_headers(response, current_app.extensions["frontdesk"].settings)

    @blueprint.route("/twilio/twiml", methods=["GET", "POST"])
    def twilio_twiml() -> Response:
        refused = check_twilio_signature()
        if refused is not None:
            return refused
        caller = request.values.get("From") or None
        body = twilio.twiml(public_ws_url("/voice/twilio"), caller, public_url("/voice/twilio/after-stream"))
        return Response(body, mimetype="text/xml")

    @blueprint.route("/twilio/after-stream", methods=["GET", "POST"])
    def twilio_after_stream() -> Response:
        """The stream ended (we closed it to transfer, or the bot hung up): dial the person, or hang up."""
        refused = check_twilio_signature()
        if refused is not None:
            return refused
        return after_stream_answer()

    @blueprint.route("/telnyx/texml", methods=["GET", "POST"])
    def telnyx_texml() -> Response:
        """A Telnyx TeXML application's webhook: the Twilio answer, with the stream bidirectional in RTP mode."""
        body = twilio.texml(public_ws_url("/voice/telnyx"), public_url("/voice/telnyx/after-stream"))
        return Response(body, mimetype="text/xml")

    @blueprint.route("/telnyx/after-stream", methods=["GET", "POST"])
    def telnyx_after_stream() -> Response:
        """TeXML's ``CallSid`` is the stream's ``call_control_id``, which the bot flags for a transfer."""
        return after_stream_answer()

    @sock.route("/twilio", bp=blueprint)
    def twilio_stream(ws: Any) -> None:
        twilio.serve(ws, voice_service())

    @sock.route("/telnyx", bp=blueprint)
    def telnyx_stream(ws: Any) -> None:
        twilio.serve(ws, voice_service())  # the same module reads both dialects

    @sock.route("/asterisk", bp=blueprint)
    def asterisk_stream(ws: Any) -> None:
        asterisk.serve(ws, voice_service(), caller_id=request.args.get("caller") or None)

    @sock.route("/browser", bp=blueprint)
    def browser_stream(ws: Any) -> None:
        browser.serve(ws, voice_service())

    @blueprint.route("/call")
    def call_page() -> Response:
        page = files("frontdesk_voice").joinpath("static/call.html").read_text(encoding="utf-8")
        return Response(page, mimetype="text/html")

    return blueprint
