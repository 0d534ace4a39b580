"""position status and ZIP index: the search near a ZIP counts open positions ZIP by ZIP

Revision ID: e7b2c9d4a1f8
Revises: d5a1e8c3f270
Create Date: 2026-12-02 08:10:00

The search near a ZIP asks, for the ZIPs nearest the visitor's first, how many open
positions each holds (issue 16); without this index every such request read every open
position.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "e7b2c9d4a1f8"
down_revision: str | None = "d5a1e8c3f270"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_position_status_zip", "position", ["status", "zip", "closes_on", "employer_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_position_status_zip", table_name="position")
