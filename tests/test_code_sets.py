"""A set of codes is stored one way: sorted, without repeats, joined by commas; a named CHECK
keeps the shape on SQLite and PostgreSQL, and the migration rewrote older values so."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from placement import migrate
from placement.db import make_engine
from placement.models import join_codes, split_codes
from tests import factories
from tests.conftest import create_postgres_database, drop_postgres_database, requires_postgres
from tests.test_migrations import _one_row_in_every_table

CODE_SETS = (
    ("graduate", "settings"),
    ("graduate", "employment_types"),
    ("graduate", "availability"),
    ("position", "shifts"),
)
REVISION = "c4d8e1f2a3b6"


def test_join_codes_writes_the_stored_form() -> None:
    assert join_codes(["pm", "am", "pm"]) == "am,pm"
    assert join_codes([]) == ""
    assert split_codes("am,pm") == ["am", "pm"] and split_codes("") == []


def test_each_code_set_column_has_its_named_check(db: Session) -> None:
    inspector = inspect(db.get_bind())
    for table, column in CODE_SETS:
        names = {check["name"] for check in inspector.get_check_constraints(table)}
        assert f"ck_{table}_{column}" in names, column


@pytest.mark.parametrize(("table", "column"), CODE_SETS)
def test_the_check_refuses_a_set_in_another_shape(db: Session, table: str, column: str) -> None:
    person = factories.graduate(db).graduate
    position = factories.position(db, factories.employer(db).employer.id)
    row_id = {"graduate": person.id, "position": position.id}[table]
    update = text(f'UPDATE "{table}" SET {column} = :value WHERE id = :id')
    for value in ("", "mon-am", "fri-pm,mon-am"):
        db.execute(update, {"value": value, "id": row_id})
    db.commit()
    for value in (",mon-am", "mon-am,", "fri-pm,,mon-am", "fri-pm, mon-am"):
        with pytest.raises(IntegrityError, match=f"ck_{table}_{column}"):
            db.execute(update, {"value": value, "id": row_id})
        db.rollback()


def test_the_migration_rewrites_older_sets_in_the_stored_form_on_sqlite(tmp_path: Path) -> None:
    _upgrade_older_sets(f"sqlite:///{tmp_path / 'old.db'}")


@requires_postgres
def test_the_migration_rewrites_older_sets_in_the_stored_form_on_postgresql() -> None:
    url = create_postgres_database("placement_code_sets")
    try:
        _upgrade_older_sets(url)
    finally:
        drop_postgres_database(url)


def _upgrade_older_sets(url: str) -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    before = script.get_revision(REVISION).down_revision
    assert isinstance(before, str)
    engine = make_engine(url)
    try:
        migrate.upgrade(engine, before)
        counts = _one_row_in_every_table(engine)
        assert {"graduate", "position"} <= set(counts)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE graduate SET settings = ' hospice,,hospital,hospice',"
                    " employment_types = 'part_time,full_time,', availability = ''"
                )
            )
            connection.execute(text("UPDATE position SET shifts = 'tue-am, mon-pm'"))
        migrate.upgrade(engine)
        with engine.connect() as connection:
            graduate = connection.execute(
                text("SELECT settings, employment_types, availability FROM graduate")
            ).one()
            shifts = connection.execute(text("SELECT shifts FROM position")).scalar_one()
        assert tuple(graduate) == ("hospice,hospital", "full_time,part_time", "")
        assert shifts == "mon-pm,tue-am"
    finally:
        engine.dispose()
