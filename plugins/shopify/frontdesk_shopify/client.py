"""Talking to the Shopify GraphQL Admin API through ``shopify.GraphQL()``, politely.

The ShopifyAPI library builds the endpoint and headers from the active session; this module
adds what the library leaves to the app:

* access tokens from the client-credentials grant (about 24 h), refreshed before they expire
  and once more if Shopify answers 401 (the library does not refresh);
* retries with backoff for timeouts, 5xx, HTTP 429 (``Retry-After``) and GraphQL ``THROTTLED``
  (waiting what ``extensions.cost.throttleStatus`` says is needed);
* waiting *before* a query when the last ``throttleStatus`` says the bucket is nearly empty;
* one exception for everything that means "the shop can't answer now": ``BackendUnavailable``.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable

import shopify

from frontdesk.commerce import BackendUnavailable
from frontdesk_shopify.config import ShopifyConfig

log = logging.getLogger("frontdesk.plugins.shopify")

TOKEN_REFRESH_MARGIN = 300.0
"""Refresh a client-credentials token this many seconds before Shopify says it expires."""


class ShopifyAccessDenied(BackendUnavailable):
    """The token lacks an access scope a query needs (``ACCESS_DENIED``)."""

    def __init__(self, message: str, scope: str = ""):
        super().__init__(message)
        self.scope = scope


class ShopifyQueryError(BackendUnavailable):
    """Shopify rejected the query itself (a bug or an unsupported API version), not a passing outage."""


@dataclass
class _Token:
    value: str
    expires_at: float | None  # monotonic seconds; None for a custom app's permanent token


class _GraphQL(shopify.GraphQL):
    """``shopify.GraphQL`` with a timeout and response headers.

    The library's ``execute`` calls ``urlopen`` without a timeout (a hung shop would hang the
    conversation) and prints error bodies to stdout; the endpoint and headers still come from
    the library's active session.
    """

    def execute_with_headers(self, query: str, variables: dict[str, Any] | None, timeout: float) -> tuple[str, Any]:
        headers = self.merge_headers({"Accept": "application/json", "Content-Type": "application/json"}, self.headers)
        data = json.dumps({"query": query, "variables": variables}).encode("utf-8")
        request = urllib.request.Request(self.endpoint, data, headers)
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read().decode("utf-8"), response.headers


class ShopifyClient:
    def __init__(self, config: ShopifyConfig, *, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        self.config = config
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._token: _Token | None = (_Token(config.access_token, None) if config.access_token else None)
        self._throttle: dict[str, float] | None = None
        self._throttle_at = 0.0
        self._last_cost = 0.0
        self.last_cost: dict[str, Any] | None = None
        """``extensions.cost`` of the last answer (for ``frontdesk shopify check`` and tests)."""

    # --- auth ----------------------------------------------------------------------

    def access_token(self, *, force_refresh: bool = False) -> str:
        with self._lock:
            token = self._token
            fresh = token is not None and (token.expires_at is None or token.expires_at - self._clock() > TOKEN_REFRESH_MARGIN)
            if fresh and not force_refresh:
                return token.value  # type: ignore[union-attr]
            if not self.config.uses_client_credentials:
                if token is None:
                    raise BackendUnavailable("no Shopify access token is configured")
                return token.value
            self._token = self._client_credentials_grant()
            return self._token.value

    def _client_credentials_grant(self) -> _Token:
        """POST /admin/oauth/access_token with grant_type=client_credentials (form-encoded, as documented at
        https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/client-credentials-grant)."""
        form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": self.config.client_id,
                                       "client_secret": self.config.client_secret}).encode()
        request = urllib.request.Request(f"{self.config.base_url}/admin/oauth/access_token", form,
                                         {"Content-Type": "application/x-www-form-urlencoded",
                                          "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout) as response:
                payload = json.loads(response.read())
        except urllib.error.HTTPError as error:
            detail = _error_text(error)
            log.warning("shopify client-credentials grant refused: %s %s", error.code, detail)
            raise BackendUnavailable(f"Shopify refused the client credentials ({error.code}: {detail})") from error
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise BackendUnavailable(f"could not reach Shopify to get an access token: {error}") from error
        expires_in = float(payload.get("expires_in") or 86399)
        log.info("shopify access token obtained (expires in %.0f s, scopes %s)", expires_in, payload.get("scope"))
        return _Token(payload["access_token"], self._clock() + expires_in)

    def _session(self, token: str) -> shopify.Session:
        session = shopify.Session(self.config.shop, self.config.api_version, token)
        # Session() always builds https://<name>.myshopify.com; honour api_base_url (a proxy, or a local
        # FakeShopify in tests) by setting the two attributes Session.site is built from.
        base = urllib.parse.urlsplit(self.config.base_url)
        session.protocol = base.scheme
        session.url = base.netloc
        return session

    # --- queries ---------------------------------------------------------------------

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run a query; return ``data``. Raises ``BackendUnavailable`` once retries are used up."""
        attempts = self.config.max_retries + 1
        refreshed = False
        last_problem = "no attempt made"
        for attempt in range(attempts):
            self._wait_for_bucket()
            token = self.access_token()
            shopify.ShopifyResource.activate_session(self._session(token))
            try:
                text, _headers = _GraphQL().execute_with_headers(query, variables, self.config.timeout)
            except urllib.error.HTTPError as error:
                detail = _error_text(error)
                if error.code == 401 and self.config.uses_client_credentials and not refreshed:
                    refreshed = True
                    self.access_token(force_refresh=True)
                    continue
                if error.code in (401, 403):
                    log.error("shopify rejected the access token: %s", detail)
                    raise BackendUnavailable(f"Shopify rejected the access token ({error.code}: {detail})") from error
                if error.code == 429:
                    wait = _retry_after(error.headers.get("Retry-After"), self._backoff(attempt))
                    last_problem = "rate limited (429)"
                elif error.code >= 500 or error.code in (402, 423):
                    wait = self._backoff(attempt)
                    last_problem = f"HTTP {error.code}"
                else:
                    raise ShopifyQueryError(f"Shopify answered {error.code}: {detail}") from error
            except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as error:
                wait = self._backoff(attempt)
                last_problem = f"unreachable ({getattr(error, 'reason', error)})"
            else:
                answer = _parse(text)
                self._remember_cost(answer)
                errors = answer.get("errors") or []
                codes = {(e.get("extensions") or {}).get("code") for e in errors if isinstance(e, dict)}
                if "THROTTLED" in codes:
                    wait = self._throttled_wait(answer, attempt)
                    last_problem = "throttled"
                elif errors and answer.get("data") is None or "ACCESS_DENIED" in codes:
                    raise _query_error(errors)
                else:
                    if errors:
                        log.warning("shopify partial errors: %s", errors)
                    return answer.get("data") or {}
            if attempt + 1 < attempts:
                log.info("shopify %s; retrying in %.2f s", last_problem, wait)
                self._sleep(min(wait, self.config.max_retry_wait))
        log.warning("shopify unavailable after %d attempts: %s", attempts, last_problem)
        raise BackendUnavailable(f"Shopify did not answer after {attempts} attempts ({last_problem})")

    def paginate(self, query: str, path: str, variables: dict[str, Any] | None = None,
                 limit: int = 5000) -> list[dict[str, Any]]:
        """Follow ``pageInfo.endCursor`` of the connection at ``path`` (``"products"``) up to ``limit`` nodes."""
        nodes: list[dict[str, Any]] = []
        after = None
        while len(nodes) < limit:
            data = self.execute(query, {**(variables or {}), "after": after})
            connection = data[path]
            nodes.extend(connection["nodes"])
            if not connection["pageInfo"]["hasNextPage"]:
                break
            after = connection["pageInfo"]["endCursor"]
        return nodes[:limit]

    # --- rate limits -------------------------------------------------------------------

    def _backoff(self, attempt: int) -> float:
        return self.config.retry_base_delay * (2 ** attempt)

    def _remember_cost(self, answer: dict[str, Any]) -> None:
        cost = (answer.get("extensions") or {}).get("cost")
        if not isinstance(cost, dict):
            return
        self.last_cost = cost
        status = cost.get("throttleStatus") or {}
        if status:
            self._throttle = {k: float(status.get(k) or 0) for k in ("maximumAvailable", "currentlyAvailable", "restoreRate")}
            self._throttle_at = self._clock()
            self._last_cost = float(cost.get("requestedQueryCost") or 0)

    def _throttled_wait(self, answer: dict[str, Any], attempt: int) -> float:
        cost = (answer.get("extensions") or {}).get("cost") or {}
        status = cost.get("throttleStatus") or {}
        try:
            missing = float(cost["requestedQueryCost"]) - float(status["currentlyAvailable"])
            return max(missing / float(status["restoreRate"]), self._backoff(attempt))
        except (KeyError, TypeError, ValueError, ZeroDivisionError):
            return self._backoff(attempt)

    def _wait_for_bucket(self) -> None:
        """Sleep if the bucket (as last reported, plus what has leaked back since) can't cover a query like the last."""
        status = self._throttle
        if not status or not status["restoreRate"]:
            return
        available = min(status["maximumAvailable"],
                        status["currentlyAvailable"] + (self._clock() - self._throttle_at) * status["restoreRate"])
        if available < self._last_cost:
            self._sleep(min((self._last_cost - available) / status["restoreRate"], self.config.max_retry_wait))


def _parse(text: str) -> dict[str, Any]:
    try:
        answer = json.loads(text)
    except ValueError as error:
        raise BackendUnavailable("Shopify answered with something that is not JSON") from error
    if not isinstance(answer, dict):
        raise BackendUnavailable("Shopify answered with an unexpected shape")
    return answer


def _query_error(errors: list[Any]) -> BackendUnavailable:
    messages = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors)
    for e in errors:
        ext = (e.get("extensions") or {}) if isinstance(e, dict) else {}
        if ext.get("code") == "ACCESS_DENIED":
            scope = str(ext.get("requiredAccess", "")).split("`")[1] if "`" in str(ext.get("requiredAccess", "")) else ""
            log.error("shopify access denied: %s", messages)
            return ShopifyAccessDenied(messages, scope)
    log.error("shopify query failed: %s", messages)
    return ShopifyQueryError(messages)


def _retry_after(value: str | None, default: float) -> float:
    try:
        return max(float(value), 0.0) if value else default
    except ValueError:
        return default


def _error_text(error: urllib.error.HTTPError) -> str:
    try:
        body = error.read().decode("utf-8", "replace")
    except Exception:
        return error.reason or ""
    try:
        parsed = json.loads(body)
        if isinstance(parsed, dict):
            return str(parsed.get("errors") or parsed.get("error_description") or parsed.get("error") or body)
    except ValueError:
        pass
    return body[:200]
