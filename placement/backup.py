"""Backups and restores of the whole database, for the school's records.

SQLite through its online backup API (a consistent copy while the app keeps running);
PostgreSQL through pg_dump's custom format and pg_restore.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """The backup or restore could not be made; the message says why."""


def _sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def _libpq_url(database_url: str) -> str:
    """pg_dump speaks libpq URLs: no `+psycopg` driver suffix."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def backup(database_url: str, target: Path) -> Path:
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    if database_url.startswith("sqlite"):
        source = _sqlite_path(database_url)
        if not source.exists():
            raise BackupError(f"There is no database at {source}.")
        with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
            live.backup(copy)
        return target
    _run(
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--file",
            str(target),
            _libpq_url(database_url),
        ]
    )
    return target


def restore(database_url: str, source: Path) -> None:
    """Replace the database's contents with the backup's. Stop the app first."""
    if not source.is_file():
        raise BackupError(f"There is no backup at {source}.")
    if database_url.startswith("sqlite"):
        with sqlite3.connect(source) as copy:
            try:
                intact = copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            except sqlite3.DatabaseError:
                intact = False
            if not intact:
                raise BackupError(f"{source} is not an intact SQLite database.")
            with sqlite3.connect(_sqlite_path(database_url)) as live:
                copy.backup(live)
        return
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            _libpq_url(database_url),
            str(source),
        ]
    )


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{command[0]} failed ({result.returncode}).")
