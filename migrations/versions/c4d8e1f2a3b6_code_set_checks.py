"""code set checks

Revision ID: c4d8e1f2a3b6
Revises: b7e4d2a91c05
Create Date: 2026-12-02 04:50:00.000000

A set of codes is stored one way: its text column holds the codes sorted, without repeats,
joined by commas (placement/models/_base.py). Existing values are rewritten in that form
(spaces, empty codes and repeats dropped), then a named CHECK `ck_<table>_<column>` keeps the
shape. On SQLite each table is rebuilt in batch mode; placement/migrate.py runs SQLite
migrations with foreign keys off, so dropping the old table cascades nothing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "c4d8e1f2a3b6"
down_revision: str | None = "b7e4d2a91c05"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns as they are today (placement/models): they must never change here.
CODE_SETS = {
    "graduate": ("settings", "employment_types", "availability"),
    "position": ("shifts",),
}
BATCH = 5000


def _canonical(value: str | None) -> str:
    return ",".join(sorted({code.strip() for code in (value or "").split(",") if code.strip()}))


def _check(column: str) -> str:
    return (
        f"{column} NOT LIKE '%,,%' AND {column} NOT LIKE ',%' AND {column} NOT LIKE '%,' "
        f"AND {column} NOT LIKE '% %'"
    )


def _normalise(table: str, columns: tuple[str, ...]) -> None:
    """Rewrite the rows whose sets are not in the stored form, a batch of ids at a time."""
    connection = op.get_bind()
    names = ", ".join(f'"{column}"' for column in columns)
    last = 0
    while True:
        rows = connection.execute(
            sa.text(f'SELECT id, {names} FROM "{table}" WHERE id > :last ORDER BY id LIMIT :n'),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            return
        for row in rows:
            wanted = {
                column: _canonical(value)
                for column, value in zip(columns, row[1:], strict=True)
                if value != _canonical(value)
            }
            if wanted:
                assignments = ", ".join(f'"{column}" = :{column}' for column in wanted)
                connection.execute(
                    sa.text(f'UPDATE "{table}" SET {assignments} WHERE id = :id'),
                    {**wanted, "id": row[0]},
                )
        last = rows[-1][0]


# Each table is named literally so that tests/test_migrations.py sees which revisions rebuild
# `graduate`.
def upgrade() -> None:
    _normalise("graduate", CODE_SETS["graduate"])
    _normalise("position", CODE_SETS["position"])
    with op.batch_alter_table("graduate", schema=None) as batch_op:
        for column in CODE_SETS["graduate"]:
            batch_op.create_check_constraint(column, _check(column))
    with op.batch_alter_table("position", schema=None) as batch_op:
        for column in CODE_SETS["position"]:
            batch_op.create_check_constraint(column, _check(column))


def downgrade() -> None:
    for table, columns in reversed(CODE_SETS.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in reversed(columns):
                batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
