"""What "an open, public position" means, said once.

A position is public while it is `open`, its closing date (if any) has not passed and its
employer is `approved` (a pending, rejected or suspended organisation's positions are
nobody's business but its own). Search, applications, referrals, matching and rounds all
ask this one condition, so a new rule (another status, a hold) is added here only.

The employer's status is read through a correlated `EXISTS` (one primary-key look-up per
row), so the condition applies to any query on `position`, with or without a join to
`employer`, and leaves the planner free to walk `position` in id order (newest first) and
stop at the page: an `employer_id IN (approved ids)` made SQLite read every row through the
employer index and sort them, five times slower for the list.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Date, FromClause, and_, exists, literal_column, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from placement.models import Employer, EmployerStatus, Position, PositionStatus, core_table

_APPROVER = core_table(Employer).alias("approved_employer")


def public_position(
    today: date | ColumnElement[Any], position: FromClause | None = None
) -> ColumnElement[bool]:
    """The condition on `position` (or an alias of it) that makes a row public on `today`."""
    p = (position if position is not None else core_table(Position)).c
    return and_(
        p.status == PositionStatus.OPEN,
        or_(p.closes_on.is_(None), p.closes_on >= today),
        exists()
        .where(_APPROVER.c.id == p.employer_id, _APPROVER.c.status == EmployerStatus.APPROVED)
        .correlate_except(_APPROVER),
    )


@lru_cache(maxsize=8)
def public_position_sql(dialect: str, alias: str = "p") -> str:
    """The same condition as SQL text on `position <alias>`, the date left as `:today`: for
    the search's hand-written statements (see positions.search._search_sql)."""
    position = core_table(Position).alias(alias)
    clause = public_position(literal_column(":today", Date()), position)
    # Compiled inside a SELECT from the alias, so the EXISTS correlates to it; the text after
    # the outer WHERE is the condition.
    statement = select(position.c.id).where(clause)
    compiler = sqlite.dialect() if dialect == "sqlite" else postgresql.dialect()
    compiled = str(statement.compile(dialect=compiler, compile_kwargs={"literal_binds": True}))
    return " ".join(compiled.split("\nWHERE ", 1)[1].split())
