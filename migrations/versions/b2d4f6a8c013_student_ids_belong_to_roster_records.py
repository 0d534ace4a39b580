"""Student ids belong to roster records, unique without regard to case; the rest are claims

Revision ID: b2d4f6a8c013
Revises: a1c3e5f7b901
Create Date: 2026-12-01 21:00:00

`student_key` holds the lower-cased id under a plain unique constraint (an expression index
would not survive SQLite's batch table rebuilds). Never fails on existing data: a roster record (a verified graduate) keeps its id — of two
verified graduates whose ids differ only in case, the older keeps it — and every other id
(self-registered, never verified, or the younger of such a pair) becomes that account's
claim, listed under /staff/graduates/conflicts when it clashes with a roster record or
another claim.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "b2d4f6a8c013"
down_revision: str | None = "a1c3e5f7b901"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("graduate", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "claimed_student_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("student_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )
    graduate = sa.table(
        "graduate",
        sa.column("id", sa.Integer()),
        sa.column("student_id", sa.String()),
        sa.column("claimed_student_id", sa.String()),
        sa.column("student_key", sa.String()),
        sa.column("verified_at", sa.DateTime()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(graduate.c.id, graduate.c.student_id, graduate.c.verified_at)
        .where(graduate.c.student_id.is_not(None))
        .order_by(graduate.c.id)
    ).all()
    kept: set[str] = set()
    for graduate_id, student_id, verified_at in rows:
        key = student_id.strip().lower()
        if verified_at is not None and key not in kept:
            kept.add(key)
            connection.execute(
                graduate.update().where(graduate.c.id == graduate_id).values(student_key=key)
            )
            continue
        connection.execute(
            graduate.update()
            .where(graduate.c.id == graduate_id)
            .values(student_id=None, claimed_student_id=student_id)
        )
    with op.batch_alter_table("graduate", schema=None) as batch_op:
        batch_op.drop_constraint("uq_graduate_student_id", type_="unique")
        batch_op.create_unique_constraint("uq_graduate_student_key", ["student_key"])


def downgrade() -> None:
    # Claims are dropped: only roster records held ids before this revision's rules.
    with op.batch_alter_table("graduate", schema=None) as batch_op:
        batch_op.drop_constraint("uq_graduate_student_key", type_="unique")
        batch_op.drop_column("student_key")
        batch_op.drop_column("claimed_student_id")
        batch_op.create_unique_constraint("uq_graduate_student_id", ["student_id"])
