"""Loading plugins and calling their hooks without letting one plugin take the server down.

Every plugin, built-in or third-party, comes from the ``frontdesk`` entry-point
group. Hooks are called one implementation at a time so that (a) each
registration is stamped with the plugin that made it and (b) a plugin that
raises is disabled and reported, while the others carry on.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Callable, Iterable

import pluggy

from frontdesk import hookspecs
from frontdesk.registry import RegistrationError

log = logging.getLogger("frontdesk.plugins")

ENTRY_POINT_GROUP = "frontdesk"


@dataclass
class PluginInfo:
    name: str
    module: str
    distribution: str = ""
    version: str = ""
    hooks: list[str] = field(default_factory=list)
    registrations: dict[str, list[str]] = field(default_factory=dict)
    error: str | None = None
    builtin: bool = False

    @property
    def enabled(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "module": self.module,
            "distribution": self.distribution,
            "version": self.version,
            "enabled": self.enabled,
            "builtin": self.builtin,
            "hooks": sorted(self.hooks),
            "registrations": {k: sorted(v) for k, v in sorted(self.registrations.items())},
            "error": self.error,
        }


class Registry:
    """Everything plugins registered, by kind and id, each stamped with its plugin."""

    def __init__(self) -> None:
        self._items: dict[str, dict[str, Any]] = {}

    def add(self, kind: str, item_id: str, item: Any) -> None:
        bucket = self._items.setdefault(kind, {})
        if item_id in bucket:
            owner = getattr(bucket[item_id], "plugin", "?")
            new_owner = getattr(item, "plugin", "?")
            raise RegistrationError(
                f"{kind} {item_id!r} registered by plugin {new_owner!r} is already registered by plugin {owner!r}"
            )
        bucket[item_id] = item

    def all(self, kind: str) -> list[Any]:
        return list(self._items.get(kind, {}).values())

    def get(self, kind: str, item_id: str) -> Any | None:
        return self._items.get(kind, {}).get(item_id)

    def remove_plugin(self, plugin: str) -> None:
        for bucket in self._items.values():
            for item_id in [i for i, item in bucket.items() if getattr(item, "plugin", None) == plugin]:
                del bucket[item_id]


class PluginManager:
    """A pluggy manager that loads entry points defensively and calls hooks per plugin."""

    def __init__(self, *, disabled: Iterable[str] = (), load_entry_points: bool = True) -> None:
        self.pm = pluggy.PluginManager("frontdesk")
        self.pm.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}
        self.disabled = set(disabled)
        if load_entry_points:
            for ep in entry_points(group=ENTRY_POINT_GROUP):
                self._load_entry_point(ep)

    # --- loading ---------------------------------------------------------------

    def _load_entry_point(self, ep: EntryPoint) -> None:
        dist = ep.dist
        info = PluginInfo(
            name=ep.name,
            module=ep.value,
            distribution=dist.name if dist else "",
            version=dist.version if dist else "",
            builtin=bool(dist and dist.name == "frontdesk"),
        )
        if ep.name in self.infos:
            log.error("two plugins are named %r (%s and %s); keeping the first", ep.name, self.infos[ep.name].module, ep.value)
            return
        self.infos[ep.name] = info
        if ep.name in self.disabled:
            info.error = "disabled in settings"
            return
        try:
            module = ep.load()
        except Exception as exc:  # a broken plugin must never stop the server
            info.error = f"failed to import: {type(exc).__name__}: {exc}"
            log.error("plugin %s %s", ep.name, info.error)
            return
        self.register(module, name=ep.name, info=info)

    def register(self, plugin: Any, *, name: str, info: PluginInfo | None = None) -> None:
        """Register a module or object as a plugin (used for entry points and by tests)."""
        if isinstance(plugin, str):
            plugin = importlib.import_module(plugin)
        info = info or self.infos.get(name) or PluginInfo(name=name, module=getattr(plugin, "__name__", repr(plugin)))
        self.infos[name] = info
        try:
            self.pm.register(plugin, name=name)
        except Exception as exc:
            info.error = f"invalid hook implementation: {exc}"
            log.error("plugin %s %s", name, info.error)
            return
        info.hooks = [impl.name for impl in self.pm.get_hookcallers(plugin) or []]

    # --- calling ---------------------------------------------------------------

    def disable(self, name: str, error: str) -> None:
        info = self.infos.get(name)
        if info is not None and info.error is None:
            info.error = error
        plugin = self.pm.get_plugin(name)
        if plugin is not None:
            self.pm.unregister(plugin)
        log.error("plugin %s disabled: %s", name, error)

    def call_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call every implementation of ``hook_name``; a raising plugin is disabled, the rest carry on.

        Returns ``(plugin_name, result)`` pairs for results that are not None.
        """
        results: list[tuple[str, Any]] = []
        caller = getattr(self.pm.hook, hook_name)
        for impl in caller.get_hookimpls():  # registration order: built-ins and earlier plugins first
            name = impl.plugin_name
            try:
                result = impl.function(*(kwargs[arg] for arg in impl.argnames))
            except Exception as exc:
                self.disable(name, f"{hook_name} raised {type(exc).__name__}: {exc}")
                continue
            if result is not None:
                results.append((name, result))
        return results

    def collect(self, hook_name: str, kind: str, registry: Registry, id_of: Callable[[Any], str],
                validate: Callable[[Any], None] | None = None, **kwargs: Any) -> None:
        """Run a registration hook, stamping each record with its plugin and adding it to ``registry``.

        A plugin that registers something invalid is disabled and its earlier registrations removed;
        a *duplicate* id is a configuration error that must be fixed, so it is raised.
        """
        caller = getattr(self.pm.hook, hook_name)
        for impl in caller.get_hookimpls():
            name = impl.plugin_name
            info = self.infos.setdefault(name, PluginInfo(name=name, module=name))

            def register(item: Any, _plugin: str = name, _info: PluginInfo = info) -> None:
                if dataclasses.is_dataclass(item) and hasattr(item, "plugin"):
                    item = dataclasses.replace(item, plugin=_plugin)
                if validate is not None:
                    validate(item)
                item_id = id_of(item)
                registry.add(kind, item_id, item)
                _info.registrations.setdefault(kind, []).append(item_id)

            call_kwargs = {**kwargs, "register": register}
            try:
                impl.function(*(call_kwargs[arg] for arg in impl.argnames))
            except RegistrationError as exc:
                if "already registered" in str(exc):
                    raise
                registry.remove_plugin(name)
                self.disable(name, f"{hook_name}: {exc}")
            except Exception as exc:
                registry.remove_plugin(name)
                self.disable(name, f"{hook_name} raised {type(exc).__name__}: {exc}")

    def infos_list(self) -> list[PluginInfo]:
        return sorted(self.infos.values(), key=lambda info: (not info.builtin, info.name))
