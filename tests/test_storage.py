"""Storage: Alembic migrations and a whole conversation on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import inspect

from frontdesk.testing import free_port
from frontdesk.app_state import Frontdesk
from frontdesk.storage import Database
from frontdesk.testing import Bot, demo_settings

TABLES = {"conversations", "messages", "contacts", "events", "alembic_version"}


def test_sqlite_migrations_are_idempotent(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'fd.db'}")
    database.upgrade()
    database.upgrade()
    assert TABLES <= set(inspect(database.engine).get_table_names())


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise AssertionError("PostgreSQL is not installed: `make test` installs it (apt-get install postgresql)")
    return found[-1].parent


def as_postgres(*command: str) -> list[str]:
    # PostgreSQL refuses to run as root; CI runs as root, a developer usually does not.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    bin_dir, port = postgres_bin(), free_port()
    # Not under pytest's tmp dir: that is private to the user running the tests, not readable by "postgres".
    data = Path(tempfile.mkdtemp(prefix="frontdesk-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    subprocess.run(as_postgres(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "frontdesk"),
                   check=True, capture_output=True)
    subprocess.run(as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(data / "log"), "-o",
                               f"-p {port} -k {data} -c listen_addresses=127.0.0.1", "start"), check=True, capture_output=True)
    try:
        deadline = time.time() + 30
        while subprocess.run(as_postgres(str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)),
                             capture_output=True).returncode != 0:
            assert time.time() < deadline, "PostgreSQL did not start"
            time.sleep(0.2)
        yield f"postgresql+psycopg://frontdesk@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"), capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


def test_postgresql_conversation_survives_a_restart(tmp_path, postgres_url):
    settings = demo_settings(tmp_path, {"database": {"url": postgres_url}})
    first = Frontdesk(settings)
    assert TABLES <= set(inspect(first.db.engine).get_table_names())
    customer = Bot(first)
    customer.say("where is my order 1002")
    for attempt in range(2):
        customer.new_customer().say(f"where is my order 1002? wrong{attempt}@example.com")
    first.close_resources()

    second = Frontdesk(settings)
    replies = second.engine.handle(customer.conversation.id, "grace@example.com", client_id="pg-1")
    assert "hasn't shipped yet" in replies[0].text
    assert [m.id for m in second.engine.handle(customer.conversation.id, "grace@example.com", client_id="pg-1")] == \
        [m.id for m in replies]
    assert second.verifier._failures("other", "x") == 0
    second.close_resources()
