"""A backup can be restored: the records written after it are gone, those before it are back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import Session, select

from placement import cli, migrate
from placement.db import make_engine
from placement.models import User
from tests.conftest import create_postgres_database, drop_postgres_database, requires_postgres


def _add_user(url: str, email: str) -> None:
    engine = make_engine(url)
    with Session(engine) as db:
        db.add(User(email=email, role="staff", name=email))
        db.commit()
    engine.dispose()


def _emails(url: str) -> set[str]:
    engine = make_engine(url)
    with Session(engine) as db:
        emails = set(db.exec(select(User.email)).all())
    engine.dispose()
    return emails


def _round_trip(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PLACEMENT_ENV", "test")
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    _add_user(url, "kept@school.example")
    target = tmp_path / "nightly.backup"
    assert cli.main(["backup", str(target)]) == 0
    assert cli.main(["backup", str(target)]) == 1  # never overwrites an earlier backup
    _add_user(url, "later@school.example")
    assert cli.main(["restore", str(target)]) == 2  # asks for --yes first
    assert _emails(url) == {"kept@school.example", "later@school.example"}
    assert cli.main(["restore", str(target), "--yes"]) == 0
    assert _emails(url) == {"kept@school.example"}


def test_a_sqlite_backup_restores(tmp_path, monkeypatch):
    _round_trip(f"sqlite:///{tmp_path / 'live.db'}", tmp_path, monkeypatch)


def test_a_damaged_sqlite_backup_is_refused(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    broken = tmp_path / "broken.backup"
    broken.write_bytes(b"not a database at all" * 100)
    assert cli.main(["restore", str(broken), "--yes"]) == 1
    assert "Restore failed" in capsys.readouterr().err


@requires_postgres
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump is not installed")
def test_a_postgresql_backup_restores(tmp_path, monkeypatch):
    url = create_postgres_database("placement_backup")
    try:
        _round_trip(url, tmp_path, monkeypatch)
    finally:
        drop_postgres_database(url)
