"""The models and the migrations agree, on SQLite and PostgreSQL; migrate is safe twice."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from placement import migrate
from placement.db import make_engine, metadata
from tests.conftest import create_postgres_database, drop_postgres_database, requires_postgres


def _upgrade_twice_and_check(url: str) -> None:
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        migrate.upgrade(engine)  # a second run changes nothing and does not fail
        migrate.check(engine)  # raises when autogenerate would find a difference
        tables = set(inspect(engine).get_table_names())
        assert set(metadata.tables) <= tables
    finally:
        engine.dispose()


def test_models_and_migrations_agree_on_sqlite(tmp_path: Path):
    _upgrade_twice_and_check(f"sqlite:///{tmp_path / 'check.db'}")


@requires_postgres
def test_models_and_migrations_agree_on_postgresql():
    url = create_postgres_database("placement_migrations")
    try:
        _upgrade_twice_and_check(url)
    finally:
        drop_postgres_database(url)


def test_there_is_one_head():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
