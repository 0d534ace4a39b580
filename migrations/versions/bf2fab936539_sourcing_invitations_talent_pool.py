"""Sourcing: invitations, talent pool, saved searches, positions told

Revision ID: bf2fab936539
Revises: f2dfa77ff7b0
Create Date: 2026-12-02 00:22:40

Every graduate accepts invitations to apply until they turn them off at /me/privacy.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "bf2fab936539"
down_revision: str | None = "f2dfa77ff7b0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_search",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("graduate_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("query", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["graduate_id"],
            ["graduate.id"],
            name=op.f("fk_saved_search_graduate_id_graduate"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_search")),
    )
    with op.batch_alter_table("saved_search", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_saved_search_graduate_id"), ["graduate_id"], unique=False
        )

    op.create_table(
        "talent_interest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("graduate_id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employer.id"],
            name=op.f("fk_talent_interest_employer_id_employer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["graduate_id"],
            ["graduate.id"],
            name=op.f("fk_talent_interest_graduate_id_graduate"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talent_interest")),
        sa.UniqueConstraint(
            "graduate_id", "employer_id", name=op.f("uq_talent_interest_graduate_id_employer_id")
        ),
    )
    with op.batch_alter_table("talent_interest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_talent_interest_employer_id"), ["employer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_talent_interest_graduate_id"), ["graduate_id"], unique=False
        )

    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column("graduate_id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("invited_by", sa.Integer(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employer.id"],
            name=op.f("fk_invitation_employer_id_employer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["graduate_id"],
            ["graduate.id"],
            name=op.f("fk_invitation_graduate_id_graduate"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"],
            ["user.id"],
            name=op.f("fk_invitation_invited_by_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["position.id"],
            name=op.f("fk_invitation_position_id_position"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        sa.UniqueConstraint(
            "position_id", "graduate_id", name=op.f("uq_invitation_position_id_graduate_id")
        ),
    )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitation_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_invitation_employer_id"), ["employer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invitation_graduate_id"), ["graduate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invitation_position_id"), ["position_id"], unique=False
        )

    op.create_table(
        "position_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("graduate_id", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["graduate_id"],
            ["graduate.id"],
            name=op.f("fk_position_notice_graduate_id_graduate"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["position.id"],
            name=op.f("fk_position_notice_position_id_position"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_position_notice")),
        sa.UniqueConstraint(
            "graduate_id", "position_id", name=op.f("uq_position_notice_graduate_id_position_id")
        ),
    )
    with op.batch_alter_table("position_notice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_position_notice_position_id"), ["position_id"], unique=False
        )

    with op.batch_alter_table("graduate", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("accepts_invitations", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("graduate", schema=None) as batch_op:
        batch_op.drop_column("accepts_invitations")

    with op.batch_alter_table("position_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_position_notice_position_id"))

    op.drop_table("position_notice")
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_position_id"))
        batch_op.drop_index(batch_op.f("ix_invitation_graduate_id"))
        batch_op.drop_index(batch_op.f("ix_invitation_employer_id"))
        batch_op.drop_index(batch_op.f("ix_invitation_created_at"))

    op.drop_table("invitation")
    with op.batch_alter_table("talent_interest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_talent_interest_graduate_id"))
        batch_op.drop_index(batch_op.f("ix_talent_interest_employer_id"))

    op.drop_table("talent_interest")
    with op.batch_alter_table("saved_search", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_search_graduate_id"))

    op.drop_table("saved_search")
