"""The Frontdesk hooks: commerce back end, webhook blueprint, ``frontdesk woocommerce check``, config checks."""

from __future__ import annotations

from typing import Any, Callable

from frontdesk import hookimpl
from frontdesk.backend_settings import commerce_table_problems, plugin_table
from frontdesk.registry import CommerceBackendFactory
from frontdesk_woocommerce import backend, check, config, webhooks

NAME = "woocommerce"


@hookimpl
def register_commerce_backends(register: Callable[[CommerceBackendFactory], None]) -> None:
    register(CommerceBackendFactory(name=NAME, factory=backend.build))


@hookimpl
def register_blueprints(register: Callable[[Any], None], frontdesk: Any) -> None:
    def secret() -> str:
        return str(plugin_table(getattr(frontdesk, "settings", {}) or {}, NAME).get("webhook_secret") or "")

    register(webhooks.make_blueprint(frontdesk, secret))


@hookimpl
def register_commands(cli: Any) -> None:
    check.register(cli)


@hookimpl
def validate_config(settings: dict[str, Any]) -> list[str] | None:
    return commerce_table_problems(settings, NAME, config.problems)
