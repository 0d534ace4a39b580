"""The engine and the unit of work.

SQLite gets WAL, a busy timeout and foreign keys on every connection, and write transactions
take the lock at their start (BEGIN IMMEDIATE) so concurrent writers wait instead of failing
with "database is locked". PostgreSQL gets a pre-pinged pool so a restart heals by itself.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata
P = ParamSpec("P")
R = TypeVar("R")

# Set for requests that may write; read-only transactions stay deferred so readers never queue.
_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=True)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_pre_ping=False,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself, so we can choose IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # Straight to the driver: through exec_driver_sql the BEGIN of every request cost
        # 30 µs of SQLAlchemy's execution machinery.
        driver = connection.connection.driver_connection
        driver.execute("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


@contextmanager
def unit_of_work(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One session, one transaction: committed when the block ends without an error."""
    token = _write_intent.set(write)
    try:
        with Session(engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    finally:
        _write_intent.reset(token)


def set_write_intent(write: bool) -> contextvars.Token[bool]:
    return _write_intent.set(write)


def reset_write_intent(token: contextvars.Token[bool]) -> None:
    _write_intent.reset(token)


def atomic(change: Callable[P, R]) -> Callable[P, R]:
    """A service function that changes state happens whole or not at all.

    It runs in a SAVEPOINT of the request's transaction. When it raises (a DomainError or
    anything else) what it wrote is undone and the session's objects are expired, so the page
    that shows the refusal reads what is stored; the request still commits or rolls back once,
    at its end (`web.guards.endpoint`). Routes never roll back by hand."""

    @functools.wraps(change)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        db = args[0] if args else kwargs["db"]
        assert isinstance(db, Session)
        savepoint = db.begin_nested()
        try:
            result = change(*args, **kwargs)
        except BaseException:
            if savepoint.is_active:
                savepoint.rollback()
            db.expire_all()
            raise
        if savepoint.is_active:
            savepoint.commit()
        return result

    return run
