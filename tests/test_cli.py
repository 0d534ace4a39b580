"""The `placement` command: migrate twice, create users, deterministic seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from placement import cli
from placement.db import make_engine
from placement.models import Employer, Graduate, Position, User


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


def _snapshot(url: str) -> list[tuple]:
    engine = make_engine(url)
    with Session(engine) as db:
        rows = [
            *db.execute(select(User.email, User.role).order_by(User.id)).all(),
            *db.execute(select(Employer.name, Employer.zip, Employer.status)).all(),
            *db.execute(
                select(Graduate.student_id, Graduate.zip, Graduate.training_hours).order_by(
                    Graduate.id
                )
            ).all(),
            *db.execute(select(Position.title, Position.zip, Position.status)).all(),
        ]
    engine.dispose()
    return [tuple(row) for row in rows]


def test_seed_is_deterministic(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PLACEMENT_ENV", "test")
    snapshots = []
    for name in ("one", "two"):
        url = f"sqlite:///{tmp_path / name}.db"
        monkeypatch.setenv("DATABASE_URL", url)
        assert (
            cli.main(["seed", "--graduates", "30", "--positions", "12", "--seed", "7", "--quiet"])
            == 0
        )
        snapshots.append(_snapshot(url))
    counts = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert counts["graduates"] == 30
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0]) > 30
