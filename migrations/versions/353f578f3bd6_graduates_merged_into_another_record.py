"""graduates merged into another record

Revision ID: 353f578f3bd6
Revises: 333cb43b4557
Create Date: 2026-12-02 00:48:49.680047

Plain ADD COLUMN, no batch rebuild of `graduate`: on SQLite a rebuild drops the table, and
with foreign keys on, the implicit DELETE of a dropped table cascades to every row that
references a graduate (modalities, credentials, applications…).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '353f578f3bd6'
down_revision: str | None = '333cb43b4557'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('graduate', sa.Column('merged_into_id', sa.Integer(), nullable=True))
    op.add_column('graduate', sa.Column('merged_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.create_index(op.f('ix_graduate_merged_into_id'), 'graduate', ['merged_into_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_graduate_merged_into_id'), table_name='graduate')
    op.drop_column('graduate', 'merged_at')
    op.drop_column('graduate', 'merged_into_id')
