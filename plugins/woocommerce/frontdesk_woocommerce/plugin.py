"""The Frontdesk hooks: commerce back end, webhook blueprint, ``frontdesk woocommerce check``, config checks."""

from __future__ import annotations

from typing import Any, Callable

from frontdesk import hookimpl
from frontdesk.registry import CommerceBackendFactory
from frontdesk_woocommerce import backend, check, config, webhooks

NAME = "woocommerce"


def _table(settings: dict[str, Any]) -> dict[str, Any]:
    return (settings.get("plugins") or {}).get(NAME) or {}


@hookimpl
def register_commerce_backends(register: Callable[[CommerceBackendFactory], None]) -> None:
    register(CommerceBackendFactory(name=NAME, factory=backend.build))


@hookimpl
def register_blueprints(register: Callable[[Any], None], frontdesk: Any) -> None:
    def secret() -> str:
        return str(_table(getattr(frontdesk, "settings", {}) or {}).get("webhook_secret") or "")

    register(webhooks.make_blueprint(frontdesk, secret))


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
        return ["[commerce] backend is \"woocommerce\" but there is no [plugins.woocommerce] table"]
    return config.problems(table) or None
