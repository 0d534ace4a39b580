"""position requirement (kind, code, position) index: the search by modality reads it alone

Revision ID: a9c3e5f71b2d
Revises: e7b2c9d4a1f8
Create Date: 2026-12-02 15:40:00

The public search by modality asks for the newest open positions that list a code (issue
16): with this index it walks the positions that list it newest first and stops at the
count cap, instead of reading each requirement row to check its kind.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a9c3e5f71b2d"
down_revision: str | None = "e7b2c9d4a1f8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_position_requirement_kind_code",
        "position_requirement",
        ["kind", "code", "position_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_position_requirement_kind_code", table_name="position_requirement")
