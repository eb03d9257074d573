"""``frontdesk woocommerce check``: are the keys good, may they write, is Shipment Tracking there?"""

from __future__ import annotations

from typing import Any

import click

from frontdesk.backend_settings import plugin_table
from frontdesk.commerce import BackendUnavailable
from frontdesk_woocommerce import config as config_module
from frontdesk_woocommerce.backend import WooCommerceBackend


def run_check(table: dict[str, Any], echo: Any = click.echo) -> bool:
    """Print a report; True when everything needed is there."""
    problems = config_module.problems(table)
    if problems:
        for problem in problems:
            echo(f"✗ {problem}")
        return False
    config = config_module.load(table)
    auth = "OAuth 1.0a signatures (plain http)" if config.uses_oauth else "HTTP Basic over https"
    echo(f"WooCommerce shop {config.url} (REST wc/v3, {auth})")
    try:
        found = WooCommerceBackend(config).check()
    except BackendUnavailable as error:
        echo(f"✗ could not use the keys: {error}")
        return False
    echo(f"✓ keys accepted; products and orders readable (currency {found['currency']})")
    ok = True
    if found["writable"]:
        echo("✓ write permission (checkout links, cancelling, address changes, refund requests)")
    elif config.order_changes:
        echo("✗ write permission is missing: needed for checkout links (pending orders), cancelling, address "
             "changes and refund requests. Edit the key in WooCommerce → Settings → Advanced → REST API and "
             "choose Read/Write.")
        ok = False
    if found["shipment_tracking"]:
        echo("✓ Shipment Tracking extension found (tracking numbers and links)")
    else:
        echo("• Shipment Tracking extension not found: tracking numbers are read from customer order notes")
    echo("All good: Frontdesk can use this shop." if ok else "Fix the items marked ✗ and run this again.")
    return ok


def register(cli: click.Group) -> None:
    @cli.group(name="woocommerce")
    def woocommerce_group() -> None:
        """WooCommerce back end."""

    @woocommerce_group.command(name="check")
    @click.option("--config", "-c", "config_path", type=click.Path(dir_okay=False), envvar="FRONTDESK_CONFIG",
                  help="Frontdesk config file (TOML).")
    @click.pass_context
    def check(ctx: click.Context, config_path: str | None) -> None:
        """Verify the WooCommerce keys and their permissions; exit 1 if anything is missing."""
        from frontdesk.settings import ConfigError, load_settings

        try:
            settings = load_settings(config_path)
        except ConfigError as error:
            raise click.ClickException(str(error)) from error
        table = plugin_table(settings, "woocommerce")
        if not table:
            click.echo("✗ no [plugins.woocommerce] table in the config")
            ctx.exit(1)
        ctx.exit(0 if run_check(table) else 1)
