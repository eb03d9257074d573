"""Owner-edited settings: stored in the database, applied over the file config at start-up and on save.

Plain settings live in ``admin_settings`` as dotted keys (``policies.returns``,
``shop.hours.mon``, ``sites.demo.origins``). Plugin credentials live in
``admin_secrets``, encrypted with Fernet under a key derived from the
``FRONTDESK_SECRET_KEY`` environment variable, and are only ever shown back as
their last two characters.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select

from frontdesk.admin.models import AdminSecret, AdminSetting
from frontdesk.hours import WEEKDAYS
from frontdesk.storage import Database

log = logging.getLogger("frontdesk.admin")

SECRET_ENV = "FRONTDESK_SECRET_KEY"
KEY_FILE = "admin-secret.key"


@dataclass(frozen=True)
class Field:
    key: str          # dotted path in settings; "sites.*.x" is expanded per site
    label: str
    kind: str = "text"  # text | textarea | colour | select | lines | number
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[Field, ...] = field(default_factory=tuple)


DAY_LABELS = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")))

SECTIONS = (
    Section("Shop and greeting", (
        Field("shop.name", "Shop name"),
        Field("shop.greeting", "Greeting", "textarea", help="The first thing the widget says."),
        Field("shop.persona", "Persona and tone", "select", ("friendly", "formal", "playful", "concise")),
        Field("shop.agent_reply_time", "How soon a person replies", help="Told to customers when they ask for a person."),
        Field("shop.address", "Address"),
        Field("shop.phone", "Phone"),
        Field("shop.email", "Email"),
    )),
    Section("Policy texts", (
        Field("policies.shipping", "Shipping", "textarea"),
        Field("policies.returns", "Returns", "textarea"),
        Field("policies.refunds", "Refunds", "textarea"),
        Field("policies.payment_methods", "Payment methods", "textarea"),
        Field("policies.account", "Customer accounts", "textarea"),
    )),
    Section("Opening hours", tuple(
        Field(f"shop.hours.{day}", label, help='"09:00-17:30", several ranges separated by commas, or "closed"')
        for day, label in DAY_LABELS.items())),
    Section("Voice line", (
        Field("plugins.voice.greeting", "Voice greeting", "textarea"),
        Field("plugins.voice.voice", "Voice", help="The Piper voice name, e.g. en_GB-alba-medium."),
        Field("plugins.voice.transfer_number", "Transfer calls to", help="A phone number in E.164 form."),
    )),
    Section("Privacy", (
        Field("admin.retention_days", "Delete transcripts after (days)", "number",
              help="0 keeps them forever. Older conversations are deleted at start-up and by `frontdesk admin purge`."),
    )),
)

SITE_FIELDS = (
    Field("greeting", "Greeting on this site", "textarea"),
    Field("origins", "Allowed origins", "lines", help="One per line, e.g. https://www.example.com"),
    Field("colour", "Widget colour", "colour"),
    Field("position", "Widget position", "select", ("right", "left")),
)


# --- paths in the settings dict ----------------------------------------------------------


def get_path(settings: dict[str, Any], key: str) -> Any:
    parts = key.split(".")
    if parts[0] == "sites":
        site = next((s for s in settings.get("sites", []) if s.get("key") == parts[1]), None)
        return None if site is None else site.get(parts[2])
    node: Any = settings
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def set_path(settings: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` inside ``settings`` in place (the running Frontdesk reads this very dict)."""
    parts = key.split(".")
    if parts[0] == "sites":
        for site in settings.get("sites", []):
            if site.get("key") == parts[1]:
                site[parts[2]] = value
        return
    node = settings
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def parse_value(spec: Field, raw: str) -> Any:
    raw = raw.replace("\r\n", "\n").strip()
    if spec.kind == "lines":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if spec.kind == "number":
        if not raw.isdigit():
            raise ValueError(f"{spec.label}: enter a whole number")
        return int(raw)
    if spec.kind == "select" and raw not in spec.choices:
        raise ValueError(f"{spec.label}: choose one of {', '.join(spec.choices)}")
    if spec.kind == "colour" and not (len(raw) == 7 and raw.startswith("#")
                                      and all(c in "0123456789abcdefABCDEF" for c in raw[1:])):
        raise ValueError(f"{spec.label}: use a colour like #1f6feb")
    if spec.key.startswith("shop.hours.") and raw and raw.lower() != "closed":
        from frontdesk.hours import _ranges

        try:
            _ranges(raw)
        except ValueError:
            raise ValueError(f"{spec.label}: write hours like 09:00-17:30, or closed") from None
    return raw


def all_fields(settings: dict[str, Any]) -> dict[str, Field]:
    fields = {f.key: f for section in SECTIONS for f in section.fields}
    for site in settings.get("sites", []):
        for spec in SITE_FIELDS:
            key = f"sites.{site['key']}.{spec.key}"
            fields[key] = Field(key, spec.label, spec.kind, spec.choices, spec.help)
    return fields


# --- the store ---------------------------------------------------------------------------------


class ConfigStore:
    def __init__(self, db: Database, settings: dict[str, Any]) -> None:
        self.db = db
        self.settings = settings
        self._cipher: Fernet | None = None

    @property
    def _fernet(self) -> Fernet:
        # Made on first use: an install without stored credentials never needs the key.
        if self._cipher is None:
            self._cipher = Fernet(fernet_key(self.settings))
        return self._cipher

    def overrides(self) -> dict[str, Any]:
        with self.db.session() as session:
            return {row.key: row.value.get("v") for row in session.scalars(select(AdminSetting))}

    def save(self, values: dict[str, Any], by: str) -> None:
        with self.db.session() as session:
            for key, value in values.items():
                row = session.get(AdminSetting, key)
                if row is None:
                    session.add(AdminSetting(key=key, value={"v": value}, updated_by=by))
                else:
                    row.value, row.updated_by = {"v": value}, by
        for key, value in values.items():
            set_path(self.settings, key, value)

    def apply(self) -> None:
        """Put every stored override and decrypted credential into the live settings."""
        for key, value in self.overrides().items():
            set_path(self.settings, key, value)
        for plugin, name, value in self.secrets():
            self.settings.setdefault("plugins", {}).setdefault(plugin, {})[name] = value

    # --- credentials ---

    def set_secret(self, plugin: str, name: str, value: str) -> None:
        token = self._fernet.encrypt(value.encode()).decode()
        hint = value[-2:] if len(value) >= 8 else ""
        with self.db.session() as session:
            row = session.scalar(select(AdminSecret).where(AdminSecret.plugin == plugin, AdminSecret.name == name))
            if row is None:
                session.add(AdminSecret(plugin=plugin, name=name, ciphertext=token, hint=hint))
            else:
                row.ciphertext, row.hint = token, hint
        self.settings.setdefault("plugins", {}).setdefault(plugin, {})[name] = value

    def delete_secret(self, plugin: str, name: str) -> None:
        with self.db.session() as session:
            row = session.scalar(select(AdminSecret).where(AdminSecret.plugin == plugin, AdminSecret.name == name))
            if row is not None:
                session.delete(row)
        self.settings.get("plugins", {}).get(plugin, {}).pop(name, None)

    def masked_secrets(self) -> list[dict[str, str]]:
        with self.db.session() as session:
            return [{"plugin": r.plugin, "name": r.name, "masked": "••••••" + r.hint}
                    for r in session.scalars(select(AdminSecret).order_by(AdminSecret.plugin, AdminSecret.name))]

    def secrets(self) -> list[tuple[str, str, str]]:
        found: list[tuple[str, str, str]] = []
        with self.db.session() as session:
            rows = list(session.scalars(select(AdminSecret)))
        for row in rows:
            try:
                found.append((row.plugin, row.name, self._fernet.decrypt(row.ciphertext.encode()).decode()))
            except InvalidToken:
                log.error("credential %s.%s cannot be decrypted: was %s changed?", row.plugin, row.name, SECRET_ENV)
        return found


def fernet_key(settings: dict[str, Any]) -> bytes:
    """A Fernet key derived from the env secret; without one, from a random key file in data_dir (0600)."""
    env_name = settings.get("admin", {}).get("secret_key_env", SECRET_ENV)
    secret = os.environ.get(env_name, "")
    if not secret:
        path = Path(settings.get("data_dir", "./var")) / KEY_FILE
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it a moment ago
                fd = None
            if fd is not None:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_urlsafe(48))
            log.warning("%s is not set; credentials are encrypted with a key kept in %s", env_name, path)
        secret = path.read_text().strip()
    return base64.urlsafe_b64encode(hashlib.sha256(b"frontdesk-admin-secrets\0" + secret.encode()).digest())
