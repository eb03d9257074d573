"""docs/openapi.yaml against the app: every public route documented (and nothing else), real responses valid.

The app is the real one (``create_app`` on the demo settings, every installed plugin loaded); responses
come from Flask's test client and are validated with jsonschema against the document's own schemas
(OpenAPI 3.1 schemas are JSON Schema 2020-12).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.test import TestResponse

from frontdesk.testing import demo_settings
from frontdesk.web import create_app
from frontdesk.web.api import parse_ws_event
from frontdesk.web.errors import ApiError

REPO = Path(__file__).resolve().parents[1]
SPEC = yaml.safe_load((REPO / "docs" / "openapi.yaml").read_text(encoding="utf-8"))
SPEC_URI = "urn:frontdesk:openapi"
REGISTRY = Registry().with_resource(SPEC_URI, Resource.from_contents(SPEC, default_specification=DRAFT202012))
# The public API this document covers; plugin blueprints (/admin, /demo-store, /voice, …) are not part of it.
PUBLIC = re.compile(r"^(/api/v1/|/healthz$|/-/plugins\.json$|/widget\.js$|/static/)")
ORIGIN = "http://shop.test"  # the origin demo_settings allows
PRODUCT_QUESTION = "do you have the Trail Runner GTX?"
HANDSHAKE = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
             "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}  # RFC 6455 §1.3's sample key


# --- helpers --------------------------------------------------------------------------------------


def pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def schema_validator(json_pointer: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"{SPEC_URI}#/{json_pointer}"}, registry=REGISTRY)


def component(name: str) -> Draft202012Validator:
    return schema_validator(pointer("components", "schemas", name))


def response_spec(path: str, method: str, status: int) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The documented response and where it is, following a ``$ref`` to components/responses."""
    responses = SPEC["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} answered {status}, which is not documented"
    response = responses[str(status)]
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[1]
        return ("components", "responses", name), SPEC["components"]["responses"][name]
    return ("paths", path, method, "responses", str(status)), response


def check(response: TestResponse, path: str, method: str, status: int) -> Any:
    """Assert ``response`` has ``status`` and matches the document; return its JSON body (or text)."""
    assert response.status_code == status, response.get_data(as_text=True)
    where, documented = response_spec(path, method, status)
    for header in documented.get("headers", {}):
        assert header in response.headers, f"documented header {header} missing"
    content = documented.get("content", {})
    if not content:
        return None
    media = response.mimetype
    assert media in content or "*/*" in content, f"{media} not documented for {method.upper()} {path} {status}"
    if media != "application/json":
        return response.get_data(as_text=True)
    body = response.get_json()
    schema_validator(pointer(*where, "content", "application/json", "schema")).validate(body)
    return body


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(demo_settings(tmp_path_factory.mktemp("openapi")))
    yield app
    app.extensions["frontdesk"].close_resources()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def new_conversation(client: FlaskClient) -> tuple[str, dict[str, str]]:
    body = check(client.post("/api/v1/conversations", json={"site": "demo"}),
                 "/api/v1/conversations", "post", 201)
    return body["id"], {"Authorization": f"Bearer {body['token']}"}


# --- the document itself --------------------------------------------------------------------------


def test_document_is_valid_openapi_3_1() -> None:
    validate_spec(SPEC)
    assert SPEC["openapi"].startswith("3.1")
    for schema in SPEC["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def nulls(node: Any, where: str = "") -> Iterator[str]:
    if node is None:
        yield where
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from nulls(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from nulls(value, f"{where}/{index}")


def test_document_has_no_yaml_accidents() -> None:
    """An unquoted ", " or " #" in a YAML flow mapping silently makes keys with null values."""
    assert list(nulls(SPEC)) == []


def test_every_public_route_is_documented_and_nothing_else(app: Flask) -> None:
    routes = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        if PUBLIC.match(path):
            routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, item in SPEC["paths"].items()
                  for method in item if method in ("get", "post", "put", "patch", "delete")}
    assert all(PUBLIC.match(path) for path, _ in documented)
    assert routes - documented == set(), "routes missing from docs/openapi.yaml"
    assert documented - routes == set(), "documented routes the app does not have"


# --- real responses -------------------------------------------------------------------------------


def test_conversation_lifecycle_matches_the_schemas(client: FlaskClient) -> None:
    conversation_id, auth = new_conversation(client)
    messages = f"/api/v1/conversations/{conversation_id}/messages"
    doc = "/api/v1/conversations/{conversation_id}"

    replies = check(client.post(messages, json={"text": PRODUCT_QUESTION, "client_id": "c1"}, headers=auth),
                    f"{doc}/messages", "post", 200)["messages"]
    assert replies and all(m["role"] == "bot" for m in replies)
    assert any(m["cards"] for m in replies), replies  # so the Card schema is really exercised
    again = check(client.post(messages, json={"text": PRODUCT_QUESTION, "client_id": "c1"}, headers=auth),
                  f"{doc}/messages", "post", 200)["messages"]
    assert [m["id"] for m in again] == [m["id"] for m in replies]  # a retried client_id is not answered twice

    history = check(client.get(messages, headers=auth), f"{doc}/messages", "get", 200)
    assert history["status"] == "open"
    assert {k: history["messages"][0][k] for k in ("role", "client_id")} == {"role": "customer", "client_id": "c1"}
    later = check(client.get(f"{messages}?after={history['messages'][0]['id']}", headers=auth), f"{doc}/messages", "get", 200)
    assert [m["id"] for m in later["messages"]] == [m["id"] for m in history["messages"][1:]]

    transcript = check(client.get(f"/api/v1/conversations/{conversation_id}/transcript", headers=auth),
                       f"{doc}/transcript", "get", 200)
    assert f"You: {PRODUCT_QUESTION}" in transcript
    check(client.post(f"/api/v1/conversations/{conversation_id}/rating", json={"score": 5}, headers=auth),
          f"{doc}/rating", "post", 200)
    closed = check(client.post(f"/api/v1/conversations/{conversation_id}/close", headers=auth), f"{doc}/close", "post", 200)
    assert closed == {"id": conversation_id, "status": "closed"}
    check(client.post(messages, json={"text": "hello?"}, headers=auth), f"{doc}/messages", "post", 409)


def test_site_endpoints_match_the_schemas(client: FlaskClient) -> None:
    config = check(client.get("/api/v1/sites/demo/config", headers={"Origin": ORIGIN}), "/api/v1/sites/{key}/config", "get", 200)
    assert config["site"] == "demo"
    check(client.get("/api/v1/sites/nope/config"), "/api/v1/sites/{key}/config", "get", 404)
    check(client.post("/api/v1/sites/demo/messages", json={"email": "ada@example.com", "text": "Size 12?"}),
          "/api/v1/sites/{key}/messages", "post", 201)
    check(client.post("/api/v1/sites/demo/messages", json={"email": "not an address", "text": "hi"}),
          "/api/v1/sites/{key}/messages", "post", 400)


def test_meta_endpoints_match_the_schemas(client: FlaskClient) -> None:
    assert check(client.get("/healthz"), "/healthz", "get", 200)["status"] == "ok"
    plugins = check(client.get("/-/plugins.json"), "/-/plugins.json", "get", 200)
    assert any(p["name"] == "builtin_intents" and p["builtin"] for p in plugins)
    assert check(client.get("/widget.js"), "/widget.js", "get", 200)
    check(client.get("/static/no-such-file.js"), "/static/{filename}", "get", 404)


@pytest.mark.parametrize("method, path, body, token, origin, status", [
    ("post", "/messages", {"data": "hello"}, "good", None, 400),  # not JSON
    ("post", "/messages", {"json": {"client_id": "x"}}, "good", None, 400),  # no text
    ("post", "/messages", {"json": {"text": "   "}}, "good", None, 400),
    ("post", "/messages", {"json": {"text": "a" * 2001}}, "good", None, 413),
    ("post", "/messages", {"json": {"text": "hi"}}, "wrong", None, 401),
    ("get", "/messages", {}, None, None, 401),
    ("get", "/messages?after=-1", {}, "good", None, 400),
    ("get", "/messages", {}, "good", "https://evil.example", 403),
    ("post", "/rating", {"json": {"score": 9}}, "good", None, 400),
    ("post", "/close", {}, "wrong", None, 401),
    ("get", "/transcript", {}, None, None, 401),
    ("get", "/ws", {}, None, None, 401),  # refused before the WebSocket handshake
    ("get", "/ws", {}, "good", "https://evil.example", 403),
])
def test_errors_match_the_error_shape(client: FlaskClient, method: str, path: str, body: dict[str, Any],
                                      token: str | None, origin: str | None, status: int) -> None:
    conversation_id, auth = new_conversation(client)
    headers = {"good": auth, "wrong": {"Authorization": "Bearer wrong"}, None: {}}[token]
    if origin:
        headers = headers | {"Origin": origin}
    if path == "/ws":
        headers = headers | HANDSHAKE
    response = client.open(f"/api/v1/conversations/{conversation_id}{path}", method=method.upper(), headers=headers, **body)
    error = check(response, "/api/v1/conversations/{conversation_id}" + path.split("?")[0], method, status)
    assert error["status"] == status and error["error"]


def test_create_conversation_errors(client: FlaskClient) -> None:
    path = "/api/v1/conversations"
    check(client.post(path, json={"site": "nope"}), path, "post", 404)
    check(client.post(path, json=["demo"]), path, "post", 400)
    check(client.post(path, json={"site": "demo"}, headers={"Origin": "https://evil.example"}), path, "post", 403)
    bad_identity = {"site": "demo", "identity": {"email": "ada@example.com", "signature": "0" * 64}}
    check(client.post(path, json=bad_identity), path, "post", 401)


def test_rate_limit_answers_429_with_retry_after(client: FlaskClient) -> None:
    path = "/api/v1/conversations"
    for _ in range(200):  # new conversations per hour per IP are limited (60 by default)
        response = client.post(path, json={"site": "demo"}, environ_base={"REMOTE_ADDR": "192.0.2.77"})
        if response.status_code != 201:
            break
    body = check(response, path, "post", 429)
    assert int(response.headers["Retry-After"]) >= 1 and body["status"] == 429


def test_websocket_handshake_needs_an_upgrade(client: FlaskClient) -> None:
    conversation_id, auth = new_conversation(client)
    response = client.get(f"/api/v1/conversations/{conversation_id}/ws", headers=auth)
    assert response.status_code == 400  # a plain GET with a good token is not a WebSocket handshake
    assert "400" in SPEC["paths"]["/api/v1/conversations/{conversation_id}/ws"]["get"]["responses"]


# --- the WebSocket envelope -----------------------------------------------------------------------


def test_live_events_match_the_server_event_schema(app: Flask, client: FlaskClient) -> None:
    """The events a WebSocket relays are the bus's events minus ``conversation_id`` (see WebSocketSender)."""
    conversation_id, auth = new_conversation(client)
    frontdesk = app.extensions["frontdesk"]
    with frontdesk.bus.subscribe(conversation_id) as subscription:
        client.post(f"/api/v1/conversations/{conversation_id}/messages", json={"text": PRODUCT_QUESTION}, headers=auth)
        frontdesk.request_handoff(conversation_id, "customer_asked")
        frontdesk.post_agent_message(conversation_id, "Hi, Sam here.", "Sam")
        events = []
        while (event := subscription.get(timeout=0.5)) is not None:
            event.pop("conversation_id")
            events.append(event)
    validator = component("ServerEvent")
    for event in events:
        validator.validate(event)
    assert {e["type"] for e in events} == {"typing", "message", "status"}
    assert any(e["type"] == "message" and e["message"]["role"] == "agent" for e in events)


@pytest.mark.parametrize("frame", [
    {"type": "message", "text": "hello", "client_id": "c-1"},
    {"type": "message", "text": "hello"},
    {"type": "typing", "on": False},
    {"type": "typing"},
])
def test_documented_client_frames_are_accepted(frame: dict[str, Any]) -> None:
    component("ClientEvent").validate(frame)
    assert parse_ws_event(json.dumps(frame), max_length=2000) == frame


@pytest.mark.parametrize("frame", [
    {"type": "message", "text": ""},
    {"type": "message"},
    {"type": "message", "text": "hi", "client_id": "x" * 101},
    {"type": "shout", "text": "hi"},
    {"text": "hi"},
])
def test_undocumented_client_frames_are_refused(frame: dict[str, Any]) -> None:
    assert not component("ClientEvent").is_valid(frame)
    with pytest.raises(ApiError) as refused:
        parse_ws_event(json.dumps(frame), max_length=2000)
    component("ServerEvent").validate({"type": "error", "error": refused.value.message,
                                       "status": refused.value.status, "client_id": None})
