"""Settings: a TOML config file, overridden by environment variables, merged over defaults.

Secrets never live in the file: a key ending in ``_env`` names the environment
variable that holds the value (``secret_env = "FRONTDESK_SITE_DEMO_SECRET"``).
Any setting can be overridden as ``FRONTDESK__SECTION__KEY=value`` (double
underscores separate levels; values are parsed as TOML scalars when they can be).
"""

from __future__ import annotations

import copy
import os
import tomllib
from pathlib import Path
from typing import Any, Mapping

ENV_PREFIX = "FRONTDESK__"

DEFAULTS: dict[str, Any] = {
    "shop": {
        "name": "Our shop",
        "public_url": "http://127.0.0.1:8000",
        "timezone": "UTC",
        "greeting": "Hi! I'm the shop's assistant. I can check an order, find a product, or get you a person.",
        "persona": "friendly",
        "address": "",
        "phone": "",
        "email": "",
        "hours": {},
        "holidays": [],
        "agent_reply_time": "usually within an hour during opening hours",
        "language": "en",
    },
    "policies": {
        "shipping": "",
        "returns": "",
        "payment_methods": "",
        "refunds": "",
        "invoices": "",
        "account": "",
        "newsletter": "",
    },
    "data_dir": "./var",
    "database": {"url": ""},
    "server": {"host": "127.0.0.1", "port": 8000, "threads": 32, "max_text_length": 2000},
    "sites": [],
    "commerce": {"backend": ""},
    "limits": {
        "messages_per_minute_per_conversation": 30,
        "requests_per_minute_per_ip": 240,
        "conversations_per_hour_per_ip": 60,
        "verification_failures": 5,
        "verification_window_minutes": 15,
    },
    "nlu": {"threshold": None},
    "phrases": {},
    "plugins": {},
    "logging": {"level": "INFO", "json": True},
}


DEMO_CONFIG = Path(__file__).resolve().parent / "demo_config.toml"


def demo_config() -> dict[str, Any]:
    """A fresh copy of the demo shop's settings (``demo_config.toml``), for ``frontdesk demo`` and tests."""
    return tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8"))


class ConfigError(ValueError):
    """The configuration is invalid; the message says what to fix."""


def deep_merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _parse_env_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        path = [part.lower() for part in name[len(ENV_PREFIX):].split("__") if part]
        node = overrides
        for part in path[:-1]:
            node = node.setdefault(part, {})
        if path:
            node[path[-1]] = _parse_env_value(raw)
    return overrides


def resolve_secrets(node: Any, environ: Mapping[str, str]) -> Any:
    """Replace ``foo_env = "VAR"`` by ``foo = environ["VAR"]`` (keeping ``foo_env``), recursively."""
    if isinstance(node, dict):
        resolved = {k: resolve_secrets(v, environ) for k, v in node.items()}
        for key, value in node.items():
            if key.endswith("_env") and isinstance(value, str) and value in environ:
                resolved.setdefault(key[: -len("_env")], environ[value])
        return resolved
    if isinstance(node, list):
        return [resolve_secrets(item, environ) for item in node]
    return node


def load_settings(path: str | os.PathLike[str] | None = None, *, overrides: Mapping[str, Any] | None = None,
                  environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Defaults ← config file ← ``overrides`` ← environment. Raises :class:`ConfigError`."""
    environ = os.environ if environ is None else environ
    settings = copy.deepcopy(DEFAULTS)
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise ConfigError(f"config file {file} does not exist (create one with `frontdesk init`)")
        try:
            settings = deep_merge(settings, tomllib.loads(file.read_text(encoding="utf-8")))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file}: {exc}") from exc
        settings["config_dir"] = str(file.resolve().parent)
    if overrides:
        settings = deep_merge(settings, overrides)
    settings = deep_merge(settings, env_overrides(environ))
    settings = resolve_secrets(settings, environ)
    check_core_settings(settings)
    return settings


def check_core_settings(settings: dict[str, Any]) -> None:
    problems: list[str] = []
    keys = [site.get("key") for site in settings.get("sites", []) if isinstance(site, dict)]
    if any(not key for key in keys):
        problems.append("every [[sites]] entry needs a key")
    if len(keys) != len(set(keys)):
        problems.append("two [[sites]] entries share a key")
    for site in settings.get("sites", []):
        if not isinstance(site.get("origins", []), list):
            problems.append(f"site {site.get('key')!r}: origins must be a list of URLs")
    from frontdesk.phrases import PERSONAS

    if settings["shop"].get("persona", "friendly") not in PERSONAS:
        problems.append(f"[shop] persona must be one of {', '.join(PERSONAS)}")
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(settings["shop"]["timezone"])
    except Exception:
        problems.append(f"[shop] timezone {settings['shop'].get('timezone')!r} is not a known IANA timezone")
    if problems:
        raise ConfigError("; ".join(problems))


def database_url(settings: dict[str, Any]) -> str:
    url = settings.get("database", {}).get("url") or ""
    if url:
        return url
    data_dir = Path(settings.get("data_dir", "./var"))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(data_dir / 'frontdesk.db').resolve()}"


def site_settings(settings: dict[str, Any], key: str) -> dict[str, Any] | None:
    for site in settings.get("sites", []):
        if site.get("key") == key:
            return site
    return None
