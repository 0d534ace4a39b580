"""API tokens expire; one-time links remember the address they were mailed to

Revision ID: a1c3e5f7b901
Revises: b7e2a9d41c03
Create Date: 2026-12-01 20:50:00

Existing API tokens get 90 days from their creation (the new default); tokens older than
that stop working, as they would have had they been made with an expiry.
"""

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "a1c3e5f7b901"
down_revision: str | None = "b7e2a9d41c03"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    tokens = sa.table(
        "api_token",
        sa.column("id", sa.Integer()),
        sa.column("created_at", sqlmodel.sql.sqltypes.UTCDateTime()),
        sa.column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime()),
    )
    connection = op.get_bind()
    for token_id, created_at in connection.execute(
        sa.select(tokens.c.id, tokens.c.created_at)
    ).all():
        connection.execute(
            tokens.update()
            .where(tokens.c.id == token_id)
            .values(expires_at=created_at + timedelta(days=90))
        )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.alter_column(
            "expires_at", existing_type=sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False
        )
    with op.batch_alter_table("one_time_token", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sent_to", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("one_time_token", schema=None) as batch_op:
        batch_op.drop_column("sent_to")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
