"""Frontdesk: a self-hosted, offline front desk for small shops.

Plugins import ``hookimpl`` from here::

    from frontdesk import hookimpl
"""

from frontdesk.hookspecs import hookimpl

__version__ = "0.1.0"
__all__ = ["hookimpl", "__version__"]
