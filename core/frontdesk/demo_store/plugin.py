"""Registers the demo shop exactly like a third-party plugin would (entry point ``demo_store``)."""

from __future__ import annotations

import threading
from typing import Any, Callable

from frontdesk.demo_store.backend import DemoStore
from frontdesk.demo_store.views import create_blueprint
from frontdesk.hookspecs import hookimpl
from frontdesk.registry import CommerceBackendFactory


@hookimpl
def register_commerce_backends(register: Callable[[CommerceBackendFactory], None]) -> None:
    register(CommerceBackendFactory(name="demo", factory=DemoStore.from_settings))


def store_for(frontdesk: Any) -> Callable[[], DemoStore]:
    """The DemoStore the pages read: the running commerce back end if it is the demo store, else one of our own."""
    own: list[DemoStore] = []
    lock = threading.Lock()

    def get() -> DemoStore:
        try:
            backend = getattr(frontdesk, "commerce", None)
        except Exception:  # a shop that is not configured must not break the demo pages
            backend = None
        if isinstance(backend, DemoStore):
            return backend
        with lock:
            if not own:
                own.append(DemoStore.from_settings(getattr(frontdesk, "settings", None) or {}))
            return own[0]

    return get


@hookimpl
def register_blueprints(register: Callable[[Any], None], frontdesk: Any) -> None:
    register(create_blueprint(store_for(frontdesk)))
