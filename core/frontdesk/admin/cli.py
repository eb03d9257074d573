"""``frontdesk admin …``: create the owner's account, purge old transcripts."""

from __future__ import annotations

import sys
from typing import Any

import click

from frontdesk.admin import auth, privacy
from frontdesk.admin.config_store import ConfigStore


def database_for(config: str | None, data_dir: str | None) -> tuple[Any, dict[str, Any]]:
    from frontdesk.cli import settings_or_exit
    from frontdesk.settings import database_url
    from frontdesk.storage import Database

    if not config and not data_dir:
        click.echo("Give --config (your frontdesk.toml) or --data-dir.", err=True)
        sys.exit(2)
    settings = settings_or_exit(config, overrides={"data_dir": data_dir} if data_dir else None)
    database = Database(database_url(settings))
    database.upgrade()
    return database, settings


def add_commands(cli: click.Group) -> None:
    @cli.group()
    def admin() -> None:
        """The owner's side: accounts and data retention."""

    @admin.command("create-owner")
    @click.option("--email", required=True, help="The owner's email address (their sign-in name).")
    @click.option("--name", default="", help="Shown to customers when the owner answers.")
    @click.option("--config", "-c", type=click.Path(dir_okay=False), default=None, help="TOML config file.")
    @click.option("--data-dir", default=None, help="Instead of --config: the data directory (SQLite).")
    @click.password_option(help="Asked for when not given (never put it in shell history).")
    def create_owner(email: str, name: str, config: str | None, data_dir: str | None, password: str) -> None:
        """Create the owner's account. Default and weak passwords are refused."""
        database, _ = database_for(config, data_dir)
        try:
            auth.create_agent(database, email, password, name=name, role="owner")
        except auth.AuthError as exc:
            click.echo(f"Not created: {exc}", err=True)
            sys.exit(1)
        click.echo(f"Owner {email.strip().lower()} created. Sign in at /admin/login.")

    @admin.command("purge")
    @click.option("--config", "-c", type=click.Path(dir_okay=False), default=None, help="TOML config file.")
    @click.option("--data-dir", default=None, help="Instead of --config: the data directory (SQLite).")
    @click.option("--days", type=int, default=None, help="Override the retention period set in the admin pages.")
    def purge(config: str | None, data_dir: str | None, days: int | None) -> None:
        """Delete transcripts older than the retention period."""
        database, settings = database_for(config, data_dir)
        ConfigStore(database, settings).apply()
        retention = privacy.retention_days(settings) if days is None else days
        if retention <= 0:
            click.echo("No retention period set: nothing deleted.")
            return
        count = privacy.purge(database, retention)
        click.echo(f"Deleted {count} conversations untouched for more than {retention} days.")
