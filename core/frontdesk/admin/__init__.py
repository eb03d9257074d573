"""The owner's side: server-rendered admin pages under /admin (inbox and takeover, settings, dashboard, privacy).

``create_blueprint()`` builds the Flask blueprint; ``frontdesk.default_plugins.admin``
registers it, the ``frontdesk admin`` commands and the start-up work.
"""

from frontdesk.admin.blueprint import create_blueprint

__all__ = ["create_blueprint"]
