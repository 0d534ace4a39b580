"""one placement per (graduate, position) or natural key; every organisation has an owner

Revision ID: b7e2a9d41c03
Revises: 47f7860684ff
Create Date: 2026-12-01 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "b7e2a9d41c03"
down_revision: str | None = "47f7860684ff"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key(graduate_id, position_id, employer_name, job_title, start_date) -> str:  # noqa: ANN001
    # Frozen copy of placement.services.placements.dedupe_key as of this revision.
    if position_id is not None:
        return f"g{graduate_id}:p{position_id}"
    employer = "".join((employer_name or "").casefold().split())
    title = " ".join((job_title or "").casefold().split())
    started = str(start_date)[:10] if start_date else "-"
    return f"g{graduate_id}:{started}:{title}:{employer}"[:450]


def upgrade() -> None:
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("dedupe_key", sqlmodel.sql.sqltypes.AutoString(length=450), nullable=True)
        )
    connection = op.get_bind()
    placement = sa.table(
        "placement",
        sa.column("id", sa.Integer),
        sa.column("graduate_id", sa.Integer),
        sa.column("position_id", sa.Integer),
        sa.column("employer_name", sa.String),
        sa.column("job_title", sa.String),
        sa.column("start_date", sa.Date),
        sa.column("dedupe_key", sa.String),
    )
    # The first recording of each placement gets the key; duplicates recorded before the
    # rule keep NULL (kept as history, never matched again) so the index can be built.
    seen: set[str] = set()
    rows = connection.execute(
        sa.select(
            placement.c.id,
            placement.c.graduate_id,
            placement.c.position_id,
            placement.c.employer_name,
            placement.c.job_title,
            placement.c.start_date,
        ).order_by(placement.c.id)
    ).all()
    for row in rows:
        key = _key(row[1], row[2], row[3], row[4], row[5])
        if key in seen:
            continue
        seen.add(key)
        connection.execute(
            placement.update().where(placement.c.id == row[0]).values(dedupe_key=key)
        )
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placement_dedupe_key"), ["dedupe_key"], unique=True)

    # The member who registered an organisation is its owner: an organisation left without
    # one gets its earliest member as owner.
    connection.execute(
        sa.text(
            "UPDATE employer_member SET is_owner = :yes WHERE id IN ("
            " SELECT MIN(m.id) FROM employer_member m"
            " WHERE NOT EXISTS (SELECT 1 FROM employer_member o"
            "  WHERE o.employer_id = m.employer_id AND o.is_owner = :yes)"
            " GROUP BY m.employer_id)"
        ).bindparams(yes=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_dedupe_key"))
        batch_op.drop_column("dedupe_key")
