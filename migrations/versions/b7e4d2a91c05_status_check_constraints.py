"""status check constraints

Revision ID: b7e4d2a91c05
Revises: 353f578f3bd6
Create Date: 2026-12-02 02:20:00.000000

Every status column keeps to the members of its StrEnum (placement/models): a named CHECK
`ck_<table>_<column>`. On SQLite each table is rebuilt in batch mode; placement/migrate.py
runs SQLite migrations with foreign keys off, so dropping the old table cascades nothing.
"""

from collections.abc import Sequence

from alembic import op


revision: str = 'b7e4d2a91c05'
down_revision: str | None = '353f578f3bd6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, the values as they are today: they must never change)
CHECKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ('employer', 'status', ('pending', 'approved', 'rejected', 'suspended')),
    (
        'position',
        'status',
        ('draft', 'pending_review', 'open', 'filled', 'closed', 'expired', 'rejected'),
    ),
    (
        'application',
        'stage',
        ('submitted', 'screening', 'interview', 'offer', 'hired', 'rejected', 'withdrawn'),
    ),
    ('referral', 'status', ('pending', 'accepted', 'declined')),
    ('match_round', 'status', ('preview', 'published')),
    ('graduate', 'outcome_status', ('seeking', 'placed', 'unavailable', 'unknown')),
    ('invitation', 'status', ('pending', 'declined')),
)


def _sql(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def upgrade() -> None:
    for table, column, values in CHECKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(column, _sql(column, values))


def downgrade() -> None:
    for table, column, _values in reversed(CHECKS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_{column}'), type_='check')
