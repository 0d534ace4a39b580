"""position search: SQLite FTS5 / PostgreSQL tsvector + GIN, filled for existing positions

Revision ID: 3f1c2a7d9e10
Revises: f65072363917
Create Date: 2026-12-01 20:50:00

The tables live outside the models' metadata (an FTS5 virtual table and a tsvector column
have no portable model); migrations/env.py leaves them out of `alembic check`. The documents
of the positions that exist are written by the same function the app uses to keep them.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3f1c2a7d9e10"
down_revision: str | None = "f65072363917"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from placement.services import search

    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS position_fts USING fts5("
            "title, vocabulary, employer, description, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
    else:
        op.execute(
            "CREATE TABLE IF NOT EXISTS position_search ("
            "position_id INTEGER NOT NULL, document TSVECTOR NOT NULL, "
            "CONSTRAINT pk_position_search PRIMARY KEY (position_id), "
            "CONSTRAINT fk_position_search_position_id_position FOREIGN KEY (position_id) "
            "REFERENCES position (id) ON DELETE CASCADE)"
        )
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_position_search_document "
            "ON position_search USING gin (document)"
        )
    search.reindex_all(connection)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS position_fts")
    else:
        op.execute("DROP TABLE IF EXISTS position_search")
