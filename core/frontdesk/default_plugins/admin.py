"""Registers the owner's admin pages (/admin), the ``frontdesk admin`` commands, and their start-up work."""

from __future__ import annotations

import logging
from typing import Any, Callable

from frontdesk.hookspecs import hookimpl

log = logging.getLogger("frontdesk.admin")


@hookimpl
def register_blueprints(register: Callable[[Any], None], frontdesk: Any) -> None:
    from frontdesk.admin import create_blueprint

    register(create_blueprint(frontdesk))


@hookimpl
def register_commands(cli: Any) -> None:
    from frontdesk.admin.cli import add_commands

    add_commands(cli)


@hookimpl
def startup(frontdesk: Any) -> None:
    """Apply the owner's saved settings, create the demo owner, purge old transcripts, relearn taught examples."""
    from frontdesk.admin import auth, privacy, teach
    from frontdesk.admin.config_store import ConfigStore

    ConfigStore(frontdesk.db, frontdesk.settings).apply()
    if frontdesk.settings.get("admin", {}).get("demo_owner"):
        auth.ensure_demo_owner(frontdesk.db)
    retention = privacy.retention_days(frontdesk.settings)
    if retention:
        deleted = privacy.purge(frontdesk.db, retention)
        if deleted:
            log.info("deleted %d conversations older than the %d-day retention period", deleted, retention)
    for language in frontdesk.nlu:
        if teach.examples(frontdesk, language):
            teach.retrain_in_background(frontdesk, language)
