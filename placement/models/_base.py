"""What every table shares: UTC timestamps and the list columns stored as text."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import cast

from sqlalchemy import Table, inspect
from sqlmodel import SQLModel


def utcnow() -> datetime:
    """Aware UTC; SQLModel's UTCDateTime stores it the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC)


def split_codes(value: str | None) -> list[str]:
    return [code for code in (value or "").split(",") if code]


def join_codes(codes: list[str] | tuple[str, ...] | set[str] | frozenset[str]) -> str:
    return ",".join(sorted(set(codes)))


def one_of(column: str, values: type[StrEnum]) -> str:
    """The SQL of a CHECK constraint that keeps `column` to the members of a StrEnum."""
    return f"{column} IN ({', '.join(repr(value.value) for value in values)})"


def core_table(model: type[SQLModel]) -> Table:
    """The Core `Table` behind a table model, typed (SQLModel does not declare `__table__`)."""
    return cast(Table, inspect(model).local_table)
