"""status check constraints

Revision ID: b7e4d2a91c05
Revises: 353f578f3bd6
Create Date: 2026-12-02 02:20:00.000000

Every status column keeps to the members of its StrEnum (placement/models): a named CHECK
`ck_<table>_<column>`. On SQLite each table is rebuilt in batch mode; placement/migrate.py
runs SQLite migrations with foreign keys off, so dropping the old table cascades nothing.
"""

from collections.abc import Sequence
from typing import Any

from alembic import op


revision: str = 'b7e4d2a91c05'
down_revision: str | None = '353f578f3bd6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _check(batch_op: Any, column: str, values: tuple[str, ...]) -> None:
    batch_op.create_check_constraint(
        column, f"{column} IN ({', '.join(repr(value) for value in values)})"
    )


# The values as they are today (placement/models): they must never change. Each table is
# named literally so that tests/test_migrations.py sees which revisions rebuild `graduate`.
def upgrade() -> None:
    with op.batch_alter_table('employer', schema=None) as batch_op:
        _check(batch_op, 'status', ('pending', 'approved', 'rejected', 'suspended'))
    with op.batch_alter_table('position', schema=None) as batch_op:
        _check(
            batch_op,
            'status',
            ('draft', 'pending_review', 'open', 'filled', 'closed', 'expired', 'rejected'),
        )
    with op.batch_alter_table('application', schema=None) as batch_op:
        _check(
            batch_op,
            'stage',
            ('submitted', 'screening', 'interview', 'offer', 'hired', 'rejected', 'withdrawn'),
        )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        _check(batch_op, 'status', ('pending', 'accepted', 'declined'))
    with op.batch_alter_table('match_round', schema=None) as batch_op:
        _check(batch_op, 'status', ('preview', 'published'))
    with op.batch_alter_table('graduate', schema=None) as batch_op:
        _check(batch_op, 'outcome_status', ('seeking', 'placed', 'unavailable', 'unknown'))
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        _check(batch_op, 'status', ('pending', 'declined'))


def downgrade() -> None:
    for table, column in (
        ('invitation', 'status'),
        ('graduate', 'outcome_status'),
        ('match_round', 'status'),
        ('referral', 'status'),
        ('application', 'stage'),
        ('position', 'status'),
        ('employer', 'status'),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_{column}'), type_='check')
