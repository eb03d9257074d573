"""Origin allow-lists, CORS and rate limits for the public API.

Browsers always send ``Origin`` on cross-origin requests and WebSocket
handshakes, so a request whose Origin is not on the site's list is refused
(403). Requests without an Origin (a shop's own server, curl) are not browser
requests and pass the origin check; tokens and rate limits still apply.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Response, request
from limits import RateLimitItemPerHour, RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from frontdesk.web.errors import ApiError


def origin_allowed(site: dict[str, Any], origin: str | None) -> bool:
    if not origin:
        return True
    allowed = [o.rstrip("/") for o in site.get("origins", [])]
    return "*" in allowed or origin.rstrip("/") in allowed


def check_origin(site: dict[str, Any]) -> None:
    origin = request.headers.get("Origin")
    if not origin_allowed(site, origin):
        raise ApiError(403, f"origin {origin} is not allowed for site {site.get('key')!r}")


def any_site_allows(settings: dict[str, Any], origin: str | None) -> bool:
    return any(origin_allowed(site, origin) for site in settings.get("sites", []))


def add_cors_headers(response: Response, settings: dict[str, Any]) -> Response:
    origin = request.headers.get("Origin")
    if origin and any_site_allows(settings, origin):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Max-Age"] = "600"
    return response


def client_ip() -> str:
    # Behind a reverse proxy the owner sets [server] trust_proxy = true and ProxyFix handles X-Forwarded-For.
    return request.remote_addr or "unknown"


class RateLimits:
    def __init__(self, limits: dict[str, Any]) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self.per_ip = RateLimitItemPerMinute(int(limits.get("requests_per_minute_per_ip", 240)))
        self.per_conversation = RateLimitItemPerMinute(int(limits.get("messages_per_minute_per_conversation", 30)))
        self.new_conversations = RateLimitItemPerHour(int(limits.get("conversations_per_hour_per_ip", 60)))

    def hit(self, item: Any, *keys: str) -> None:
        if not self._limiter.hit(item, *keys):
            reset = self._limiter.get_window_stats(item, *keys).reset_time
            retry = max(1, int(reset - time.time()))
            raise ApiError(429, "too many requests; slow down", headers={"Retry-After": str(retry)})

    def request(self) -> None:
        self.hit(self.per_ip, "ip", client_ip())

    def message(self, conversation_id: str) -> None:
        self.hit(self.per_conversation, "conversation", conversation_id)

    def conversation(self) -> None:
        self.hit(self.new_conversations, "new-conversation", client_ip())
