"""The embedded database under concurrent writers, and the connection settings."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text
from sqlmodel import func, select

from placement import migrate
from placement.db import make_engine, unit_of_work
from placement.models import AuditEvent


def test_concurrent_read_then_write_transactions_never_fail_with_locked(tmp_path: Path):
    """Each writer reads, then writes: with deferred transactions two of them would deadlock
    and one would fail with "database is locked"; BEGIN IMMEDIATE makes them queue."""
    engine = make_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    migrate.upgrade(engine)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for step in range(25):
                with unit_of_work(engine) as db:
                    count = db.exec(select(func.count()).select_from(AuditEvent)).one()
                    db.add(AuditEvent(action="test.write", detail=f"{number}/{step}/{count}"))
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with unit_of_work(engine, write=False) as db:
        assert db.exec(select(func.count()).select_from(AuditEvent)).one() == 150
    engine.dispose()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    engine.dispose()


def test_postgresql_pools_are_pre_pinged():
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert engine.pool._pre_ping  # a restarted server costs errors only while it is down
    engine.dispose()
