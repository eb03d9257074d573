"""The ``frontdesk`` command line. Plugins add commands through the ``register_commands`` hook."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from frontdesk import __version__
from frontdesk.plugins import PluginManager
from frontdesk.settings import ConfigError, deep_merge, demo_config, load_settings

DEMO_HOME_PAGE = Path(__file__).resolve().parents[2] / "examples" / "demo-shop" / "index.html"

INIT_TEMPLATE = '''# Frontdesk configuration. Secrets never go here: name the environment variable instead (*_env keys).
# Any value can also be overridden from the environment: FRONTDESK__SHOP__NAME="My shop".

data_dir = "./var"                 # where the SQLite database and plugin data live

[database]
url = ""                           # empty: SQLite in data_dir; or "postgresql+psycopg://user@host/frontdesk"

[server]
host = "127.0.0.1"
port = 8000
threads = 32                       # simultaneous requests/WebSockets handled by the one worker process
trust_proxy = false                # true behind nginx/Caddy so client IPs come from X-Forwarded-For

[shop]
name = "My shop"
public_url = "https://help.example.com"   # where customers reach this server
timezone = "Europe/London"
greeting = "Hi! I can check an order, find a product, or get you a person."
persona = "friendly"               # the bot's tone: friendly, formal, playful or concise
address = ""
phone = ""
email = ""
agent_reply_time = "usually within an hour during opening hours"

[shop.hours]                       # "HH:MM-HH:MM", several ranges separated by commas, or "closed"
mon = "09:00-17:00"
tue = "09:00-17:00"
wed = "09:00-17:00"
thu = "09:00-17:00"
fri = "09:00-17:00"
sat = "closed"
sun = "closed"

[policies]                         # the built-in intents answer from these texts; empty = offer a person
shipping = ""
returns = ""
payment_methods = ""
account = ""

[phrases]                          # optional: reword any of the bot's own phrases (core/frontdesk/phrases/en.yaml)
# goodbye = "Thanks for visiting {shop}!"

[commerce]
backend = ""                       # "shopify", "woocommerce", "demo" … (needs the plugin installed)

[[sites]]                          # one per website that embeds the widget
key = "main"
origins = ["https://www.example.com"]
secret_env = "FRONTDESK_MAIN_SITE_SECRET"   # HMAC secret for signed customer identities

[limits]
messages_per_minute_per_conversation = 30
requests_per_minute_per_ip = 240
verification_failures = 5          # wrong order-number/email pairs before lookups pause
verification_window_minutes = 15
'''


class FrontdeskGroup(click.Group):
    """Loads plugin commands lazily, so a broken plugin cannot break ``frontdesk --help``."""

    _plugins_loaded = False

    def _load_plugin_commands(self) -> None:
        if not self._plugins_loaded:
            self._plugins_loaded = True
            PluginManager().call_each("register_commands", cli=self)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None:
            self._load_plugin_commands()
            command = super().get_command(ctx, name)
        return command


@click.group(cls=FrontdeskGroup)
@click.version_option(__version__, prog_name="frontdesk")
def cli() -> None:
    """Frontdesk: a self-hosted front desk for your shop's website and phone line."""


def settings_or_exit(config: str | None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    try:
        return load_settings(config, overrides=overrides)
    except ConfigError as exc:
        click.echo(f"Configuration error: {exc}", err=True)
        sys.exit(2)


def build_app_or_exit(settings: dict[str, Any]) -> Any:
    """The app, not yet started: the server starts it in its worker process (see ``frontdesk.server``)."""
    from frontdesk.web import create_app

    try:
        return create_app(settings, start=False)
    except ConfigError as exc:
        click.echo(f"Configuration error: {exc}", err=True)
        sys.exit(2)


@cli.command()
@click.option("--config", "-c", type=click.Path(dir_okay=False), required=True, help="TOML config file.")
@click.option("--host", default=None, help="Overrides [server] host.")
@click.option("--port", type=int, default=None, help="Overrides [server] port.")
def serve(config: str, host: str | None, port: int | None) -> None:
    """Run a shop's Frontdesk under gunicorn (threaded, WebSockets supported)."""
    from frontdesk.server import serve as run

    settings = settings_or_exit(config)
    host = host or settings["server"]["host"]
    port = port or int(settings["server"]["port"])
    app = build_app_or_exit(settings)
    click.echo(f"Frontdesk {__version__} serving on http://{host}:{port}", err=True)
    run(app, host, port, threads=int(settings["server"]["threads"]))


def demo_settings(host: str, port: int, data_dir: str | None) -> dict[str, Any]:
    demo = demo_config()
    addresses = {f"http://{host}:{port}", f"http://127.0.0.1:{port}", f"http://localhost:{port}"}
    for site in demo["sites"]:
        site["origins"] = sorted(set(site.get("origins", [])) | addresses)
        site.setdefault("secret", "demo-secret-not-for-production")
    demo["shop"]["public_url"] = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    demo.setdefault("server", {})["home_page"] = str(DEMO_HOME_PAGE)
    if data_dir:
        demo["data_dir"] = data_dir
    return demo


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--data-dir", default=None, help="Where the demo keeps its databases (default ./var/demo).")
def demo(host: str, port: int, data_dir: str | None) -> None:
    """Run the demo shop, the widget and every installed channel locally, with no outside service."""
    from frontdesk.server import serve as run

    settings = settings_or_exit(None, overrides=demo_settings(host, port, data_dir))
    app = build_app_or_exit(settings)
    click.echo(f"Frontdesk demo: open http://{host}:{port}/ and click “Open chat”. "
               "Try: where is my order 1001 (email ada@example.com).", err=True)
    run(app, host, port, threads=int(settings["server"]["threads"]))


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False), default="frontdesk.toml")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: str, force: bool) -> None:
    """Write a commented starting config to PATH (default frontdesk.toml)."""
    target = Path(path)
    if target.exists() and not force:
        click.echo(f"{target} already exists; use --force to overwrite it.", err=True)
        sys.exit(1)
    target.write_text(INIT_TEMPLATE, encoding="utf-8")
    click.echo(f"Wrote {target}. Edit it, set the secrets it names, then: frontdesk serve --config {target}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def plugins(as_json: bool) -> None:
    """List installed plugins: version, hooks, registrations, errors."""
    from frontdesk.app_state import Frontdesk

    settings = settings_or_exit(None, overrides={"data_dir": str(Path.home() / ".cache" / "frontdesk-plugins"),
                                                "database": {"url": "sqlite://"}})
    infos = Frontdesk(settings).plugins.infos_list()
    if as_json:
        click.echo(json.dumps([info.to_dict() for info in infos], indent=2))
        return
    for info in infos:
        state = "ok" if info.enabled else f"DISABLED: {info.error}"
        dist = f"{info.distribution} {info.version}".strip()
        click.echo(f"{info.name}  ({dist or info.module})  {state}")
        click.echo(f"  hooks: {', '.join(sorted(info.hooks)) or '-'}")
        for kind, ids in sorted(info.registrations.items()):
            click.echo(f"  {kind}: {', '.join(sorted(ids))}")


@cli.group()
def nlu() -> None:
    """Inspect the offline NLU."""


@nlu.command("parse")
@click.option("--config", "-c", type=click.Path(dir_okay=False), default=None)
@click.option("--language", default="en", show_default=True)
def nlu_parse(config: str | None, language: str) -> None:
    """Read one utterance per line on stdin; write one JSON object per line."""
    from frontdesk.app_state import Frontdesk

    overrides = None if config else deep_merge(demo_config(), {"database": {"url": "sqlite://"}})
    frontdesk = Frontdesk(settings_or_exit(config, overrides=overrides))
    for line in sys.stdin:
        text = line.rstrip("\n")
        if not text.strip():
            continue
        result = frontdesk.parse(text, language=language)
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, default=str))


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@click.option("--config", "-c", type=click.Path(dir_okay=False), required=True)
def db_upgrade(config: str) -> None:
    """Apply database migrations (serve does this on start-up too)."""
    from frontdesk.settings import database_url
    from frontdesk.storage import Database

    database = Database(database_url(settings_or_exit(config)))
    database.upgrade()
    click.echo("Database is up to date.")
