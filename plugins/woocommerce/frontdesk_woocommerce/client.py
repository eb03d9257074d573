"""Talking to WooCommerce REST ``wc/v3`` through the official ``WooCommerce`` client, politely.

The client signs requests itself: HTTP Basic over https, OAuth 1.0a (HMAC-SHA256) over plain http.
This module adds retries with backoff for timeouts, 5xx and 429 (``Retry-After``), ``X-WP-TotalPages``
pagination, and turns "the shop can't answer now" into ``BackendUnavailable``.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable

import requests
from woocommerce import API

from frontdesk.commerce import BackendUnavailable
from frontdesk_woocommerce.config import WooConfig

log = logging.getLogger("frontdesk.plugins.woocommerce")

TRACKING_API = "wc-shipment-tracking/v3"


class WooError(Exception):
    """WooCommerce refused a request on its merits (400/404…): ``code`` and ``message`` are Woo's."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class WooAuthError(BackendUnavailable):
    """The keys were refused (wrong key, wrong signature, or not enough permission)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"WooCommerce refused the API keys: {message}")
        self.code = code
        self.message = message


class WooClient:
    def __init__(self, config: WooConfig, *, sleep: Callable[[float], None] = time.sleep):
        self.config = config
        self._sleep = sleep
        self.apis = {version: API(url=config.url, consumer_key=config.consumer_key,
                                  consumer_secret=config.consumer_secret, version=version, timeout=config.timeout,
                                  verify_ssl=config.verify_ssl)
                     for version in ("wc/v3", TRACKING_API)}

    def request(self, method: str, endpoint: str, *, params: dict[str, Any] | None = None,
                data: Any = None, version: str = "wc/v3") -> tuple[Any, Any]:
        """``(json, headers)``; raises ``WooError`` for 4xx answers and ``BackendUnavailable`` past retries."""
        api = self.apis[version]
        attempts = self.config.max_retries + 1
        problem = "no attempt made"
        for attempt in range(attempts):
            wait = self.config.retry_base_delay * (2 ** attempt)
            try:
                if method == "GET":
                    response = api.get(endpoint, params=dict(params or {}))
                elif method == "POST":
                    response = api.post(endpoint, data, params=dict(params or {}))
                elif method == "PUT":
                    response = api.put(endpoint, data, params=dict(params or {}))
                else:
                    raise ValueError(method)
            except requests.exceptions.SSLError as error:
                raise BackendUnavailable(f"WooCommerce's TLS certificate was not accepted: {error}") from error
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as error:
                problem = f"unreachable ({type(error).__name__})"
            else:
                status = response.status_code
                if status < 400:
                    try:
                        return response.json(), response.headers
                    except ValueError as error:
                        raise BackendUnavailable("WooCommerce answered with something that is not JSON "
                                                 "(is the REST API enabled and the URL right?)") from error
                body = _json(response)
                code, message = str(body.get("code", "")), str(body.get("message", response.reason))
                if status in (401, 403):
                    log.error("woocommerce refused the keys: %s %s", code, message)
                    raise WooAuthError(code, message)
                if status == 429:
                    wait = _retry_after(response.headers.get("Retry-After"), wait)
                    problem = "rate limited (429)"
                elif status >= 500:
                    problem = f"HTTP {status}"
                else:
                    raise WooError(status, code, message)
            if attempt + 1 < attempts:
                log.info("woocommerce %s; retrying in %.2f s", problem, wait)
                self._sleep(min(wait, self.config.max_retry_wait))
        log.warning("woocommerce unavailable after %d attempts: %s", attempts, problem)
        raise BackendUnavailable(f"WooCommerce did not answer after {attempts} attempts ({problem})")

    def get(self, endpoint: str, **params: Any) -> Any:
        return self.request("GET", endpoint, params=params)[0]

    def get_all(self, endpoint: str, limit: int = 5000, **params: Any) -> list[Any]:
        """Every page (``page``/``per_page`` ≤ 100, ``X-WP-TotalPages``) up to ``limit`` items."""
        items: list[Any] = []
        page = 1
        while len(items) < limit:
            batch, headers = self.request("GET", endpoint, params={**params, "page": page, "per_page": 100})
            items.extend(batch)
            if page >= int(headers.get("X-WP-TotalPages") or 1) or not batch:
                break
            page += 1
        return items[:limit]


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
        return body if isinstance(body, dict) else {}
    except ValueError:
        return {}


def _retry_after(value: str | None, default: float) -> float:
    try:
        return max(float(value), 0.0) if value else default
    except ValueError:
        return default
