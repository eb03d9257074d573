"""``frontdesk shopify check``: are the credentials good, and do they carry every scope Frontdesk uses?"""

from __future__ import annotations

from typing import Any

import click

from frontdesk.backend_settings import plugin_table
from frontdesk.commerce import BackendUnavailable
from frontdesk_shopify import config as config_module
from frontdesk_shopify.backend import ShopifyBackend

# scope → what the customer loses without it
SCOPES = {
    "read_products": "product search, prices and product cards",
    "read_inventory": "stock levels and back-in-stock messages",
    "read_orders": "order status after verification",
    "write_draft_orders": "checkout links (draftOrderCreate → invoiceUrl)",
    "write_orders": "cancelling orders, changing addresses and refund requests",
}


def needed_scopes(config: config_module.ShopifyConfig) -> dict[str, str]:
    needed = dict(SCOPES)
    if config.checkout == "permalink":
        needed.pop("write_draft_orders")
    if not config.order_changes:
        needed.pop("write_orders")
    return needed


def run_check(table: dict[str, Any], echo: Any = click.echo) -> bool:
    """Print a report; True when everything needed is there."""
    problems = config_module.problems(table)
    if problems:
        for problem in problems:
            echo(f"✗ {problem}")
        return False
    config = config_module.load(table)
    auth = "client-credentials grant" if config.uses_client_credentials else "custom-app access token"
    echo(f"Shopify shop {config.shop} (Admin API {config.api_version}, {auth})")
    backend = ShopifyBackend(config)
    try:
        found = backend.check()
    except BackendUnavailable as error:
        echo(f"✗ could not use the credentials: {error}")
        return False
    echo(f"✓ credentials accepted by {found['shop']['name']} ({found['shop']['currencyCode']})")
    missing = []
    for scope, purpose in needed_scopes(config).items():
        if scope in found["scopes"]:
            echo(f"✓ {scope}")
        else:
            echo(f"✗ {scope} is missing: needed for {purpose}")
            missing.append(scope)
    if missing:
        echo(f"Missing scopes: {', '.join(missing)}. Add them to the app's access scopes (Shopify admin → "
             "Apps → your app → Configuration, or the Dev Dashboard), release/reinstall, then run this again.")
        return False
    echo("All good: Frontdesk can use this shop.")
    return True


def register(cli: click.Group) -> None:
    @cli.group(name="shopify")
    def shopify_group() -> None:
        """Shopify back end."""

    @shopify_group.command(name="check")
    @click.option("--config", "-c", "config_path", type=click.Path(dir_okay=False), envvar="FRONTDESK_CONFIG",
                  help="Frontdesk config file (TOML).")
    @click.pass_context
    def check(ctx: click.Context, config_path: str | None) -> None:
        """Verify the Shopify credentials and access scopes; exit 1 if anything is missing."""
        settings = _settings(ctx, config_path)
        table = plugin_table(settings, "shopify")
        if not table:
            click.echo("✗ no [plugins.shopify] table in the config")
            ctx.exit(1)
        ctx.exit(0 if run_check(table) else 1)


def _settings(ctx: click.Context, config_path: str | None) -> dict[str, Any]:
    """Settings from --config, or what the core CLI already loaded into ``ctx.obj``."""
    from frontdesk.settings import ConfigError, load_settings

    if config_path is None:
        obj = ctx.find_root().obj
        for candidate in (getattr(obj, "settings", None), obj.get("settings") if isinstance(obj, dict) else None):
            if isinstance(candidate, dict):
                return candidate
    try:
        return load_settings(config_path)
    except ConfigError as error:
        raise click.ClickException(str(error)) from error
