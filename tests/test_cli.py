"""The `placement` command: migrate twice, create users, deterministic seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session, SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

from placement import cli
from placement.db import make_engine
from placement.models import User


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PLACEMENT_ENV", "test")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    return url


def test_migrate_is_safe_to_run_twice(cli_env, capsys):
    assert cli.main(["migrate"]) == 0
    assert cli.main(["migrate"]) == 0
    assert "latest revision" in capsys.readouterr().out


def test_create_user_makes_a_staff_account_once(cli_env, capsys):
    cli.main(["migrate"])
    args = [
        "create-user",
        "--role",
        "staff",
        "--email",
        "Kim@School.example",
        "--password",
        "a long staff passphrase",
    ]
    assert cli.main(args) == 0
    assert cli.main(args) == 1  # the e-mail is taken now
    engine = make_engine(cli_env)
    with Session(engine) as db:
        user = db.execute(select(User)).scalar_one()
        assert user.email == "kim@school.example" and user.role == "staff"
    engine.dispose()


def test_create_user_refuses_a_short_password(cli_env, capsys):
    cli.main(["migrate"])
    assert (
        cli.main(
            ["create-user", "--role", "admin", "--email", "a@b.example", "--password", "short"]
        )
        == 2
    )
    assert "at least 12" in capsys.readouterr().err


# Moments of the seeding itself (row creation, a salted hash, a random file name) differ
# between two runs; every other value must come from the seed.
_WALL_CLOCK = {"password_hash", "document_file"}


def _snapshot(url: str) -> dict[str, list[tuple]]:
    engine = make_engine(url)
    tables: dict[str, list[tuple]] = {}
    with Session(engine) as db:
        for table in SQLModel.metadata.sorted_tables:
            columns = [
                column
                for column in table.columns
                if column.name not in _WALL_CLOCK and not isinstance(column.type, UTCDateTime)
            ]
            query = select(*columns).order_by(*table.primary_key.columns)
            tables[table.name] = [tuple(row) for row in db.execute(query).all()]
    engine.dispose()
    return tables


def test_seed_is_deterministic(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PLACEMENT_ENV", "test")
    snapshots = []
    for name in ("one", "two"):
        url = f"sqlite:///{tmp_path / name}.db"
        monkeypatch.setenv("DATABASE_URL", url)
        assert (
            cli.main(["seed", "--graduates", "60", "--positions", "12", "--seed", "7", "--quiet"])
            == 0
        )
        snapshots.append(_snapshot(url))
    counts = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert counts["graduates"] == 60
    one, two = snapshots
    # Every table the seed fills: people, cards and their renewals, applications, events,
    # placements, referrals, the audit ledger, conversations.
    for name in (
        "user",
        "graduate",
        "graduate_credential",
        "credential_version",
        "application",
        "application_event",
        "placement",
        "referral",
        "audit_event",
        "position",
    ):
        assert one[name], name
    for name in one:
        assert one[name] == two[name], name
