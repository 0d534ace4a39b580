"""The embedded database under concurrent writers, and the connection settings."""

from __future__ import annotations

import contextlib
import socket
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from placement import migrate
from placement.db import atomic, make_engine, unit_of_work
from placement.models import AuditEvent
from placement.services import DomainError
from tests.conftest import create_postgres_database, drop_postgres_database, requires_postgres


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


class TcpProxy:
    """A loopback TCP proxy in front of PostgreSQL that the test can cut and restore, to
    play a database restart without touching the real server."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = 0
        self.listener: socket.socket | None = None
        self.connections: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        with self.lock:
            if self.listener is not None:
                # shutdown() wakes the thread blocked in accept(); close() alone would not,
                # and the kernel would go on accepting connections.
                with contextlib.suppress(OSError):
                    self.listener.shutdown(socket.SHUT_RDWR)
                self.listener.close()
                self.listener = None
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self.connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            with self.lock:
                self.connections += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                target.shutdown(socket.SHUT_WR)


@requires_postgres
def test_the_app_answers_503_while_postgresql_is_down_and_recovers_by_itself():
    from sqlalchemy.engine import make_url

    from placement.app import create_app
    from placement.config import Settings
    from tests.conftest import Client

    url = create_postgres_database("placement_restart")
    proxy = TcpProxy((make_url(url).host or "127.0.0.1", make_url(url).port or 5432))
    proxy.start()
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    app = create_app(
        Settings(
            database_url=make_url(url).set(port=proxy.port).render_as_string(False),
            environment="test",
            base_url="http://testserver",
        )
    )
    client = Client(app)
    try:
        assert client.get("/positions").status_code == 200
        proxy.stop()  # the server "restarts": every pooled connection dies
        assert client.get("/positions").status_code == 503
        assert client.get("/healthz").status_code == 503
        proxy.start()  # it is back on the same port
        assert client.get("/positions").status_code == 200
        assert client.get("/healthz").status_code == 200
    finally:
        client.close()
        app.state.engine.dispose()
        proxy.stop()
        drop_postgres_database(url)


class TestAtomic:
    """A service function that changes state happens whole or not at all (routes never roll
    back by hand: the page that shows a refusal reads what is stored)."""

    def test_it_undoes_a_refused_change_and_keeps_what_came_before(self, db):
        db.add(AuditEvent(action="test.before"))
        db.flush()

        @atomic
        def change(session: Session) -> None:
            session.add(AuditEvent(action="test.refused"))
            session.flush()
            raise DomainError("Refused.")

        with pytest.raises(DomainError):
            change(db)
        actions = set(db.exec(select(AuditEvent.action)).all())
        assert "test.before" in actions
        assert "test.refused" not in actions

    def test_it_forgets_what_the_refused_change_set_in_memory(self, db):
        event = AuditEvent(action="test.stored", detail="stored")
        db.add(event)
        db.flush()

        @atomic
        def change(session: Session) -> None:
            event.detail = "half-done"
            raise DomainError("Refused.")

        with pytest.raises(DomainError):
            change(db)
        assert event.detail == "stored"

    def test_a_change_that_succeeds_is_kept_for_the_request_to_commit(self, db):
        @atomic
        def change(session: Session) -> int:
            session.add(AuditEvent(action="test.kept"))
            return 1

        assert change(db) == 1
        assert db.exec(select(AuditEvent.action).where(AuditEvent.action == "test.kept")).all()
