"""The models and the migrations agree, on SQLite and PostgreSQL; migrate is safe twice."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    inspect,
    text,
)
from sqlalchemy.exc import IntegrityError

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


def _revisions_that_rebuild(table: str) -> list[str]:
    """Revisions whose upgrade batch-alters `table` (on SQLite: copy, drop, rename)."""
    pattern = re.compile(rf"batch_alter_table\(\s*[\"']{table}[\"']")
    found = []
    for path in sorted((migrate.MIGRATIONS_DIR / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        upgrade_part = source.split("def downgrade", 1)[0]
        first = re.search(r"^down_revision[^=]*=\s*None", source, re.M)
        if pattern.search(upgrade_part) and not first:
            revision = re.search(r"^revision(?::\s*str)?\s*=\s*[\"']([0-9a-f]+)[\"']", source, re.M)
            assert revision
            found.append(revision.group(1))
    return found


def _dummy(column) -> object:
    kind = column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 1
    if isinstance(kind, Float | Numeric):
        return 1.0
    if isinstance(kind, DateTime):
        return datetime(2026, 1, 1, 12)
    if isinstance(kind, Date):
        return date(2026, 1, 1)
    if isinstance(kind, JSON):
        return "{}"
    if isinstance(kind, LargeBinary):
        return b"x"
    return "x"


def _model_default(table: str, name: str, column) -> object:
    """The model's own default where it has a plain one (a status keeps to its CHECK), else a
    dummy of the column's type."""
    model_table = metadata.tables.get(table)
    model_column = model_table.columns.get(name) if model_table is not None else None
    default = model_column.default if model_column is not None else None
    if default is not None and default.is_scalar:
        return default.arg
    return _dummy(column)


def _one_row_in_every_table(engine) -> dict[str, int]:
    """A row in every table that takes one, each pointing at row 1 of what it refers to."""
    reflected = MetaData()
    reflected.reflect(engine)
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        for table in reflected.sorted_tables:
            if table.name == "alembic_version" or table.name.startswith(
                ("position_search", "position_fts")
            ):
                continue
            values = {}
            for column in table.columns:
                if column.foreign_keys or column.primary_key and isinstance(column.type, Integer):
                    values[column.name] = 1
                elif not column.nullable and column.server_default is None:
                    values[column.name] = _model_default(table.name, column.name, column)
            try:
                with connection.begin_nested():
                    connection.execute(table.insert().values(**values))
            except IntegrityError:
                continue  # a CHECK or unique rule the dummy values break: not counted
            counts[table.name] = 1
    return counts


@pytest.mark.parametrize("revision", _revisions_that_rebuild("graduate"))
def test_rebuilding_the_graduate_table_keeps_every_row_that_refers_to_it(
    tmp_path: Path, revision: str
):
    """An upgrade through a revision that rebuilds `graduate` on SQLite used to delete every
    application, credential and placement (the old table's drop cascaded)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    before = script.get_revision(revision).down_revision
    assert isinstance(before, str)
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        migrate.upgrade(engine, before)
        counts = _one_row_in_every_table(engine)
        assert {"graduate", "application"} <= set(counts)
        migrate.upgrade(engine)
        with engine.connect() as connection:
            kept = {
                name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                for name in counts
            }
        assert kept == counts
    finally:
        engine.dispose()
