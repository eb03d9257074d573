"""The hook implementations: what Frontdesk loads through the ``frontdesk`` entry point ``booking``."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any, Callable

import click
from frontdesk.hookspecs import hookimpl
from frontdesk.nlu.loader import load_intents
from frontdesk.registry import Action, EntityExtractor, Intent

from frontdesk_booking import actions, entities
from frontdesk_booking.config import ConfigError, config_problems, load_config

log = logging.getLogger("frontdesk.booking")
INTENTS_DIR = Path(__file__).resolve().parent / "intents"
LABELS = {"booking.create": "Book an appointment", "booking.availability": "Check free times",
          "booking.reschedule": "Change my appointment", "booking.cancel": "Cancel my appointment"}


@hookimpl
def validate_config(settings: dict[str, Any]) -> list[str] | None:
    problems = config_problems(settings)
    if not problems:
        # Extractors and intent lists need the shop's services and staff; this hook runs just before registration.
        entities.set_current_config(load_config(settings))
    return problems or None


@hookimpl
def register_intents(register: Callable[[Intent], None], language: str) -> None:
    path = INTENTS_DIR / f"{language}.yaml"
    if not path.exists():
        return
    config = entities.current_config()
    services = [n.lower() for s in config.services for n in (s.name, *s.aliases)]
    staff = [n.lower() for n in config.staff]
    for intent in load_intents(path, language):
        lists = dict(intent.lists)
        if "service" in lists:
            lists["service"] = tuple(dict.fromkeys((*lists["service"], *services)))
        if "staff" in lists:
            lists["staff"] = tuple(dict.fromkeys((*lists["staff"], *staff)))
        register(dataclasses.replace(intent, lists=lists, label=LABELS.get(intent.name, "")))


@hookimpl
def register_actions(register: Callable[[Action], None]) -> None:
    for intent, handler in actions.HANDLERS.items():
        register(Action(intent=intent, handler=handler))


@hookimpl
def register_entity_extractors(register: Callable[[EntityExtractor], None]) -> None:
    register(EntityExtractor("booking_service", ("booking_service",), entities.extract_services))
    register(EntityExtractor("booking_staff", ("booking_staff",), entities.extract_staff))
    register(EntityExtractor("booking_reference", ("booking_reference",), entities.extract_references))


@hookimpl
def register_blueprints(register: Callable[[Any], None], frontdesk: Any) -> None:
    from frontdesk_booking.web import make_blueprint

    register(make_blueprint())


@hookimpl
def startup(frontdesk: Any) -> None:
    from frontdesk_booking.reminders import ReminderThread
    from frontdesk_booking.runtime import runtime_for

    runtime = runtime_for(frontdesk)  # starts the embedded Radicale when no calendar URL is configured
    plugin = (frontdesk.settings.get("plugins") or {}).get("booking") or {}
    interval = float(plugin.get("reminder_check_seconds", 60))
    if interval > 0 and runtime.reminder_thread is None:
        runtime.reminder_thread = ReminderThread(frontdesk, runtime, interval)
        runtime.reminder_thread.start()


@hookimpl
def register_commands(cli: click.Group) -> None:
    @cli.group(name="booking")
    def booking_group() -> None:
        """Appointments: reminders and the embedded calendar."""

    @booking_group.command(name="send-reminders")
    @click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help="frontdesk.toml")
    def send_reminders(config_path: str | None) -> None:
        """Send the reminders that are due now (run it from cron if the server's thread is off)."""
        from frontdesk.app_state import Frontdesk
        from frontdesk.settings import load_settings

        from frontdesk_booking.reminders import send_due_reminders
        from frontdesk_booking.runtime import runtime_for

        try:
            frontdesk = Frontdesk(load_settings(config_path))
        except (ConfigError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
        sent = send_due_reminders(frontdesk, runtime_for(frontdesk))
        click.echo(f"{len(sent)} reminder(s) sent" + (f": {', '.join(sent)}" if sent else ""))
