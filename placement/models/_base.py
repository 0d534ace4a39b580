"""What every table shares: UTC timestamps, status CHECKs and the sets of codes.

A set of codes (a graduate's settings, employment types and availability; a position's
shifts) is one text column: the codes sorted, without repeats, joined by commas ("" for none),
written by `join_codes`, read by `split_codes`, its shape held by the CHECK of
`code_set_check`. A code that carries values of its own (a modality's proficiency, a
requirement's required / verified-only, a credential's number and dates) is a row of a child
table instead: that is a record keyed by a code, not a set.
"""

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


def code_set_check(column: str) -> str:
    """The SQL of a CHECK constraint that keeps `column` in the shape `join_codes` writes: no
    empty code, no space (codes are lower-case words, digits, `_` and `-`)."""
    return (
        f"{column} NOT LIKE '%,,%' AND {column} NOT LIKE ',%' AND {column} NOT LIKE '%,' "
        f"AND {column} NOT LIKE '% %'"
    )


def one_of(column: str, values: type[StrEnum]) -> str:
    """The SQL of a CHECK constraint that keeps `column` to the members of a StrEnum."""
    return f"{column} IN ({', '.join(repr(value.value) for value in values)})"


def core_table(model: type[SQLModel]) -> Table:
    """The Core `Table` behind a table model, typed (SQLModel does not declare `__table__`)."""
    return cast(Table, inspect(model).local_table)
