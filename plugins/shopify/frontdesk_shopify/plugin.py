"""The Frontdesk hooks: commerce back end, webhook blueprint, ``frontdesk shopify check``, config checks."""

from __future__ import annotations

from typing import Any, Callable

from frontdesk import hookimpl
from frontdesk.registry import CommerceBackendFactory
from frontdesk_shopify import backend, check, config, webhooks

NAME = "shopify"


def _table(settings: dict[str, Any]) -> dict[str, Any]:
    return (settings.get("plugins") or {}).get(NAME) or {}


@hookimpl
def register_commerce_backends(register: Callable[[CommerceBackendFactory], None]) -> None:
    register(CommerceBackendFactory(name=NAME, factory=backend.build))


@hookimpl
def register_blueprints(register: Callable[[Any], None], frontdesk: Any) -> None:
    built: dict[str, backend.ShopifyBackend] = {}

    def settings() -> dict[str, Any]:
        return _table(getattr(frontdesk, "settings", {}) or {})

    def secret() -> str:
        table = settings()
        return str(table.get("webhook_secret") or table.get("client_secret") or "")

    def shop_backend() -> backend.ShopifyBackend:
        if "backend" not in built:
            built["backend"] = backend.build(settings())
        return built["backend"]

    register(webhooks.make_blueprint(frontdesk, secret, shop_backend))


@hookimpl
def register_commands(cli: Any) -> None:
    check.register(cli)


@hookimpl
def validate_config(settings: dict[str, Any]) -> list[str] | None:
    table = _table(settings)
    chosen = (settings.get("commerce") or {}).get("backend") == NAME
    if not chosen and not table:
        return None
    if chosen and not table:
        return ["[commerce] backend is \"shopify\" but there is no [plugins.shopify] table"]
    return config.problems(table) or None
