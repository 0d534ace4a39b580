"""search vocabulary in Spanish: rewrite every position's search document

Revision ID: d5a1e8c3f270
Revises: c4d8e1f2a3b6
Create Date: 2026-12-02 05:00:00

The vocabulary part of a position's search document now carries each requirement's Spanish
label too (with and without accents: issue 18, "the search finds positions by the Spanish
labels too"). The documents of the positions that exist are rewritten by the function the app
uses to keep them; no table changes.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "d5a1e8c3f270"
down_revision: str | None = "c4d8e1f2a3b6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from placement.services import search

    search.reindex_all(op.get_bind())


def downgrade() -> None:
    # The documents stay as they are: the older code rewrites each one it saves, and a
    # Spanish word more in a document changes no English search.
    pass
