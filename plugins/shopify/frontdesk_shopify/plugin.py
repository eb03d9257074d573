"""The Frontdesk hooks: commerce back end, webhook blueprint, ``frontdesk shopify check``, config checks."""

from __future__ import annotations

from typing import Any, Callable

from frontdesk import hookimpl
from frontdesk.backend_settings import commerce_table_problems, plugin_table
from frontdesk.registry import CommerceBackendFactory
from frontdesk_shopify import backend, check, config, webhooks

NAME = "shopify"


@hookimpl
def register_commerce_backends(register: Callable[[CommerceBackendFactory], None]) -> None:
    register(CommerceBackendFactory(name=NAME, factory=backend.build))


@hookimpl
def register_blueprints(register: Callable[[Any], None], frontdesk: Any) -> None:
    built: dict[str, backend.ShopifyBackend] = {}

    def settings() -> dict[str, Any]:
        return plugin_table(getattr(frontdesk, "settings", {}) or {}, NAME)

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
    return commerce_table_problems(settings, NAME, config.problems)
