"""A back-end plugin's ``[plugins.<name>]`` table: finding it, checking it, and the usual client knobs.

Shop and calendar plugins that talk to a remote API share the same shape of settings: their own
table under ``[plugins]``, chosen by ``[commerce] backend = "<name>"``, plus HTTP client knobs
(timeouts, retries, catalogue caching). These helpers read and check those the same way in every
plugin, so an owner sees the same messages whichever shop they connect.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

# Client knobs → default; seconds may be fractional, retries are a count.
SECONDS_DEFAULTS = {"timeout": 10.0, "retry_base_delay": 0.5, "max_retry_wait": 10.0, "catalog_cache_seconds": 60.0}
RETRIES_DEFAULT = 3


def plugin_table(settings: Mapping[str, Any], name: str) -> dict[str, Any]:
    """``settings["plugins"][name]``, or ``{}`` when it is missing or empty."""
    return (settings.get("plugins") or {}).get(name) or {}


def commerce_table_problems(settings: Mapping[str, Any], name: str,
                            problems: Callable[[dict[str, Any]], list[str]]) -> list[str] | None:
    """The ``validate_config`` answer for commerce back end ``name``; ``problems(table)`` checks the table.

    Nothing to say (None) when the back end is neither chosen nor configured; chosen without a
    table is a problem; otherwise whatever ``problems`` finds (None when it finds nothing).
    """
    table = plugin_table(settings, name)
    chosen = (settings.get("commerce") or {}).get("backend") == name
    if not chosen and not table:
        return None
    if chosen and not table:
        return [f"[commerce] backend is \"{name}\" but there is no [plugins.{name}] table"]
    return problems(table) or None


def client_problems(table: Mapping[str, Any], name: str) -> list[str]:
    """Human-readable problems with the client knobs in ``[plugins.<name>]`` (empty when they are usable)."""
    found = []
    for key in SECONDS_DEFAULTS:
        if key in table and not (isinstance(table[key], (int, float)) and table[key] >= 0):
            found.append(f"[plugins.{name}] {key} must be a number of seconds")
    if "max_retries" in table and not (isinstance(table["max_retries"], int) and table["max_retries"] >= 0):
        found.append(f"[plugins.{name}] max_retries must be a whole number")
    return found


def client_settings(table: Mapping[str, Any]) -> dict[str, Any]:
    """The client knobs from a checked table, defaults filled in, typed: keyword arguments for a config."""
    knobs: dict[str, Any] = {key: float(table.get(key, default)) for key, default in SECONDS_DEFAULTS.items()}
    knobs["max_retries"] = int(table.get("max_retries", RETRIES_DEFAULT))
    return knobs
