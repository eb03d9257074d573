"""The public API the widget (and any other client) talks to: REST under /api/v1 plus one WebSocket.

See docs/openapi.yaml for the reference.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_sock import Sock

from frontdesk import hours
from frontdesk.app_state import Frontdesk
from frontdesk.conversations import ConversationError, ConversationView
from frontdesk.web.errors import ApiError
from frontdesk.web.security import check_origin

api = Blueprint("api", __name__, url_prefix="/api/v1")
sock = Sock()

MAX_CLIENT_ID = 100
WS_POLL_SECONDS = 1.0


def fd() -> Frontdesk:
    return current_app.extensions["frontdesk"]


# --- request parsing ----------------------------------------------------------------------


def json_body() -> dict[str, Any]:
    raw = request.get_data(cache=True)  # whatever the Content-Type: clients often omit it
    if not raw:
        raise ApiError(400, "request body must be a JSON object")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "request body must be a JSON object")
    return body


def field(body: dict[str, Any], name: str, kind: type, *, required: bool = True, max_length: int | None = None) -> Any:
    value = body.get(name)
    if value is None:
        if required:
            raise ApiError(400, f"'{name}' is required")
        return None
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ApiError(400, f"'{name}' must be a {kind.__name__}")
    if max_length is not None and len(value) > max_length:
        raise ApiError(413 if name == "text" else 400, f"'{name}' is longer than {max_length} characters")
    return value


def message_text(body: dict[str, Any]) -> str:
    text = field(body, "text", str, max_length=int(fd().settings["server"]["max_text_length"]))
    if not text.strip():
        raise ApiError(400, "'text' must not be empty")
    return text


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.args.get("token")


def authorised(conversation_id: str) -> ConversationView:
    conversation = fd().conversations.authenticate(conversation_id, bearer_token())
    check_origin(fd().conversations.site(conversation.site))
    g.conversation_id = conversation.id
    return conversation


def after_id() -> int:
    raw = request.args.get("after", "0")
    if not raw.isdigit():
        raise ApiError(400, "'after' must be a message id (a non-negative integer)")
    return int(raw)


@api.before_request
def limit_requests() -> None:
    if request.method != "OPTIONS":
        current_app.extensions["frontdesk.limits"].request()


# --- sites ----------------------------------------------------------------------------------


@api.get("/sites/<key>/config")
def site_config(key: str) -> Response:
    site = fd().conversations.site(key)
    check_origin(site)
    shop = fd().settings["shop"]
    return jsonify({
        "site": key,
        "shop_name": shop["name"],
        "greeting": site.get("greeting") or shop["greeting"],
        "colour": site.get("colour", "#1f6feb"),
        "position": site.get("position", "right"),
        "language": site.get("language", shop.get("language", "en")),
        "languages": site.get("languages", ["en"]),
        "open_now": hours.is_open(shop),
        "hours_text": hours.hours_text(shop),
        "next_opening": hours.describe_next_opening(shop),
        "agent_reply_time_text": shop["agent_reply_time"],
        "proactive_delay_ms": int(site.get("proactive_delay_ms", 0)),
        "proactive_message": site.get("proactive_message", ""),
        "consent_required": bool(site.get("consent_required", False)),
        "z_index": int(site.get("z_index", 2147483000)),
        "sound": bool(site.get("sound", False)),
    })


@api.post("/sites/<key>/messages")
def leave_message(key: str) -> tuple[Response, int]:
    site = fd().conversations.site(key)
    check_origin(site)
    body = json_body()
    name = field(body, "name", str, required=False, max_length=200) or ""
    email = field(body, "email", str, max_length=320)
    text = message_text(body)
    if "@" not in email:
        raise ApiError(400, "'email' must be an email address")
    fd().record_event(None, "contact.message", {"site": key, "name": name, "email": email.strip().lower(), "text": text})
    return jsonify({"ok": True}), 201


# --- conversations --------------------------------------------------------------------------


@api.post("/conversations")
def create_conversation() -> tuple[Response, int]:
    body = json_body()
    key = field(body, "site", str, max_length=100)
    language = field(body, "language", str, required=False, max_length=8) or "en"
    identity = field(body, "identity", dict, required=False)
    check_origin(fd().conversations.site(key))
    current_app.extensions["frontdesk.limits"].conversation()
    conversation, token = fd().conversations.create(key, channel="web", language=language, identity=identity)
    g.conversation_id = conversation.id
    return jsonify({"id": conversation.id, "token": token}), 201


@api.post("/conversations/<conversation_id>/messages")
def post_message(conversation_id: str) -> Response:
    conversation = authorised(conversation_id)
    body = json_body()
    text = message_text(body)
    client_id = field(body, "client_id", str, required=False, max_length=MAX_CLIENT_ID)
    current_app.extensions["frontdesk.limits"].message(conversation.id)
    replies = fd().engine.handle(conversation.id, text, channel="web", client_id=client_id)
    return jsonify({"messages": [m.to_api() for m in replies]})


@api.get("/conversations/<conversation_id>/messages")
def list_messages(conversation_id: str) -> Response:
    conversation = authorised(conversation_id)
    messages = fd().messages(conversation.id, after=after_id())
    current = fd().conversations.get(conversation.id)
    return jsonify({"messages": [m.to_api() for m in messages], "status": current.status,
                    "agent": {"name": current.agent_name} if current.agent_name else None})


@api.post("/conversations/<conversation_id>/close")
def close_conversation(conversation_id: str) -> Response:
    conversation = authorised(conversation_id)
    fd().close(conversation.id)
    return jsonify({"id": conversation.id, "status": "closed"})


@api.post("/conversations/<conversation_id>/rating")
def rate_conversation(conversation_id: str) -> Response:
    conversation = authorised(conversation_id)
    body = json_body()
    score = field(body, "score", int)
    if not 1 <= score <= 5:
        raise ApiError(400, "'score' must be between 1 and 5")
    comment = field(body, "comment", str, required=False, max_length=2000)
    fd().conversations.rate(conversation.id, score, comment)
    return jsonify({"ok": True})


@api.get("/conversations/<conversation_id>/transcript")
def transcript(conversation_id: str) -> Response:
    conversation = authorised(conversation_id)
    shop = fd().settings["shop"]["name"]
    lines = [f"{shop} — conversation {conversation.id}", ""]
    for message in fd().messages(conversation.id, limit=10_000):
        who = {"customer": "You", "bot": shop, "agent": (message.payload or {}).get("agent", {}).get("name", "Agent")}[message.role]
        lines.append(f"[{message.created_at:%Y-%m-%d %H:%M} UTC] {who}: {message.text}")
    response = Response("\n".join(lines) + "\n", mimetype="text/plain")
    response.headers["Content-Disposition"] = f'attachment; filename="conversation-{conversation.id[:8]}.txt"'
    return response


# --- WebSocket ------------------------------------------------------------------------------------

WS_PATH = "/conversations/<conversation_id>/ws"


@api.before_request
def refuse_bad_websocket() -> None:
    """Check token and origin before the WebSocket handshake, so a refusal is a plain 401/403."""
    if request.endpoint == "api.conversation_ws":
        authorised(request.view_args["conversation_id"])  # type: ignore[index]


@sock.route(WS_PATH, bp=api)
def conversation_ws(ws: Any, conversation_id: str) -> None:
    frontdesk = fd()
    after = int(request.args["after"]) if request.args.get("after", "").isdigit() else None
    with frontdesk.bus.subscribe(conversation_id) as subscription:
        sender = WebSocketSender(ws, subscription, frontdesk, conversation_id, after)
        sender.start()
        try:
            receive_loop(ws, frontdesk, conversation_id, subscription)
        finally:
            sender.stop()


def receive_loop(ws: Any, frontdesk: Frontdesk, conversation_id: str, subscription: Any) -> None:
    limits = current_app.extensions["frontdesk.limits"]
    max_length = int(frontdesk.settings["server"]["max_text_length"])
    while sender_alive(ws):
        raw = ws.receive(timeout=WS_POLL_SECONDS)
        if raw is None:
            continue
        try:
            event = parse_ws_event(raw, max_length)
            if event["type"] == "typing":
                frontdesk.publish(conversation_id, {"type": "typing", "role": "customer", "on": bool(event.get("on", True))})
                continue
            limits.message(conversation_id)
            frontdesk.engine.handle(conversation_id, event["text"], channel="web", client_id=event.get("client_id"))
        except (ApiError, ConversationError) as exc:
            subscription.put({"type": "error", "error": exc.message, "status": exc.status,
                              "client_id": event_client_id(raw)})


def sender_alive(ws: Any) -> bool:
    return bool(getattr(ws, "connected", True))


def event_client_id(raw: Any) -> str | None:
    try:
        value = json.loads(raw).get("client_id")
        return value if isinstance(value, str) else None
    except (ValueError, AttributeError, TypeError):
        return None


def parse_ws_event(raw: Any, max_length: int) -> dict[str, Any]:
    try:
        event = json.loads(raw)
    except (ValueError, TypeError):
        raise ApiError(400, "WebSocket messages must be JSON objects") from None
    if not isinstance(event, dict) or event.get("type") not in ("message", "typing"):
        raise ApiError(400, "WebSocket messages need a 'type' of 'message' or 'typing'")
    if event["type"] == "message":
        text = event.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "'text' must be a non-empty string")
        if len(text) > max_length:
            raise ApiError(413, f"'text' is longer than {max_length} characters")
        client_id = event.get("client_id")
        if client_id is not None and (not isinstance(client_id, str) or len(client_id) > MAX_CLIENT_ID):
            raise ApiError(400, "'client_id' must be a string of at most 100 characters")
    return event


class WebSocketSender(threading.Thread):
    """The only thread that writes to the socket: replays history after ``after``, then streams the bus."""

    def __init__(self, ws: Any, subscription: Any, frontdesk: Frontdesk, conversation_id: str, after: int | None) -> None:
        super().__init__(daemon=True, name=f"ws-{conversation_id[:8]}")
        self.ws, self.subscription, self.fd = ws, subscription, frontdesk
        self.conversation_id, self.after = conversation_id, after
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=2)

    def run(self) -> None:
        last_sent = 0
        try:
            if self.after is not None:
                for message in self.fd.messages(self.conversation_id, after=self.after):
                    self.ws.send(json.dumps({"type": "message", "message": message.to_api()}))
                    last_sent = message.id
            # Sent after subscribing: the client learns the current status (a person may have taken over),
            # and knows from here on that it misses nothing.
            self.ws.send(json.dumps(self.fd.status_event(self.fd.conversations.get(self.conversation_id))))
            while not self._stopped.is_set():
                event = self.subscription.get(timeout=0.5)
                if event is None:
                    continue
                if event.get("type") == "message" and event["message"]["id"] <= last_sent:
                    continue  # already replayed from history
                # a copy: the bus hands the same dict to every subscriber (the inbox needs conversation_id)
                self.ws.send(json.dumps({k: v for k, v in event.items() if k != "conversation_id"}))
        except Exception:  # the socket closed under us; the receive loop notices and ends
            try:
                self.ws.close()
            except Exception:
                pass
