"""The built-in demo shop ("Northwind Outfitters"): a SQLite-backed commerce back end with its own pages.

It is registered through the ``frontdesk`` entry point exactly like a third-party plugin
(see :mod:`frontdesk.demo_store.plugin`).
"""

from frontdesk.demo_store.backend import DemoStore

__all__ = ["DemoStore"]
