"""Full-text search over positions, with the field's vocabulary.

Each position has one search document of four parts, weighted in that order when results
are ranked: its title; the vocabulary of its modalities and credentials (required or
preferred: each one's code, label and synonyms from `taxonomy`, so `MLD`, `lymphatic` and
`manual lymphatic drainage` all find a position asking for `manual_lymphatic_drainage`, and
its Spanish label from the catalogue, with and without accents: `drenaje linfático`);
its employer's name; its description.

- SQLite: an FTS5 table `position_fts` (rowid = position id, one column per part, the
  `porter unicode61 remove_diacritics 2` tokenizer), ranked by `bm25` with the weights.
- PostgreSQL: `position_search(position_id, document tsvector)` with a GIN index, the four
  parts as weights A-D of one `english` tsvector, ranked by `ts_rank`. Not `pg_trgm`: a
  trigram index answers "which rows contain this substring" (good for typos and names), but
  the question here is "which positions are about these words", ranked — what a tsvector
  answers, with stemming that behaves like FTS5's porter tokenizer, so both databases find
  the same positions for the same words.

The document is written by `index_positions`, called by the code that saves a position
(`positions.save_position`), by the employer rename (`employer_renamed`), by the seed
generator, and by the migration that created the tables (for the rows that existed then).
It does not depend on a position's status: the public condition is applied at query time.

A query is reduced to its words (letters and digits; at most MAX_TERMS), each matched as a
prefix, all required: quotes, operators, NUL bytes and any other punctuation never reach
the database's query syntax.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

from placement import i18n, taxonomy

FTS_TABLE = "position_fts"
PG_TABLE = "position_search"
MAX_TERMS = 12
MAX_TERM_LENGTH = 40
# Ranking weights of the parts (title, vocabulary, employer, description).
SQLITE_WEIGHTS = "8.0, 4.0, 2.0, 1.0"
_CHUNK = 500
_WORD = re.compile(r"[^\W_]+")

Executor = Session | Connection


@dataclass(frozen=True)
class SearchDocument:
    title: str
    vocabulary: str
    employer: str
    description: str


def vocabulary_text(requirements: Iterable[tuple[str, str]]) -> str:
    """The words of these (kind, code) requirements: code, label and synonyms of each, and
    the label in every other language of the site, also without its accents (PostgreSQL's
    `english` configuration keeps them; FTS5 removes them itself), so `drenaje linfático`
    and `drenaje linfatico` find what `lymphatic drainage` finds, whatever the page's
    language."""
    words: list[str] = []
    for kind, code in requirements:
        vocabulary = taxonomy.MODALITIES if kind == "modality" else taxonomy.CREDENTIALS
        term = vocabulary.get(code)
        words.append(code.replace("_", " "))
        if term is not None:
            words.append(term.label)
            words.extend(term.synonyms)
            words.extend(_translated_labels(term.label))
    return " ; ".join(words)


@functools.cache
def _translated_labels(label: str) -> tuple[str, ...]:
    """The label in each translated language, and accent-folded where that differs."""
    found: list[str] = []
    for language in i18n.LANGUAGES:
        if language == i18n.DEFAULT_LANGUAGE:
            continue
        translated = i18n.translations(language).gettext(label)
        for form in (translated, fold_accents(translated)):
            if form != label and form not in found:
                found.append(form)
    return tuple(found)


def fold_accents(text: str) -> str:
    """`linfático` -> `linfatico`: the letters without their combining marks."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def terms(q: str) -> list[str]:
    """The words of a query, lower-cased, as the index knows them; each once, and none that
    begins another (every word is a required prefix, so "e elder" asks what "elder" asks:
    forty copies of a one-letter prefix took 21 ms where one takes 5)."""
    words = list(dict.fromkeys(word[:MAX_TERM_LENGTH] for word in _WORD.findall(q.lower())))
    kept = [w for w in words if not any(o != w and o.startswith(w) for o in words)]
    return kept[:MAX_TERMS]


def match_query(dialect: str, q: str) -> str | None:
    """The query in the database's own syntax (every word a required prefix), or None
    when `q` holds no word at all."""
    words = terms(q)
    if not words:
        return None
    if dialect == "sqlite":
        return " ".join(f'"{word}"*' for word in words)
    return " & ".join(f"{word}:*" for word in words)


# -- the SQL the search composes ---------------------------------------------------------


def matching_ids_sql(dialect: str) -> str:
    """A subquery of the ids of positions whose document matches `:q`."""
    if dialect == "sqlite":
        return f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q"
    return f"SELECT s.position_id FROM {PG_TABLE} s WHERE s.document @@ to_tsquery('english', :q)"


def ranked_ids_sql(dialect: str, condition: str) -> str:
    """Ids of positions matching `:q` and `condition` (on `position p`), the most
    relevant first (newest first among equals), at most `:cap`."""
    if dialect == "sqlite":
        return (
            f"SELECT p.id FROM {FTS_TABLE} f JOIN position p ON p.id = f.rowid "
            f"WHERE {FTS_TABLE} MATCH :q AND {condition} "
            f"ORDER BY bm25({FTS_TABLE}, {SQLITE_WEIGHTS}), p.id DESC LIMIT :cap"
        )
    return (
        f"SELECT p.id FROM {PG_TABLE} s JOIN position p ON p.id = s.position_id "
        f"WHERE s.document @@ to_tsquery('english', :q) AND {condition} "
        "ORDER BY ts_rank(s.document, to_tsquery('english', :q)) DESC, p.id DESC LIMIT :cap"
    )


# -- keeping the documents in step -------------------------------------------------------


def _dialect(db: Executor) -> str:
    if isinstance(db, Session):
        return db.get_bind().dialect.name
    return db.dialect.name


def documents(db: Executor, position_ids: Sequence[int]) -> dict[int, SearchDocument]:
    """The search documents of these positions as their rows are now."""
    if not position_ids:
        return {}
    rows = db.execute(
        text(
            "SELECT p.id, p.title, p.description, e.name FROM position p "
            "JOIN employer e ON e.id = p.employer_id WHERE p.id IN :ids"
        ).bindparams(bindparam("ids", expanding=True)),
        {"ids": list(position_ids)},
    ).all()
    wanted: dict[int, list[tuple[str, str]]] = {}
    for position_id, kind, code in db.execute(
        text(
            "SELECT position_id, kind, code FROM position_requirement "
            "WHERE position_id IN :ids ORDER BY position_id, kind, code"
        ).bindparams(bindparam("ids", expanding=True)),
        {"ids": list(position_ids)},
    ).all():
        wanted.setdefault(position_id, []).append((kind, code))
    return {
        position_id: SearchDocument(
            title=title or "",
            vocabulary=vocabulary_text(wanted.get(position_id, [])),
            employer=employer or "",
            description=description or "",
        )
        for position_id, title, description, employer in rows
    }


def index_positions(db: Executor, position_ids: Iterable[int | None]) -> None:
    """Write (or rewrite) the search documents of these positions; a missing id is removed."""
    ids = sorted({position_id for position_id in position_ids if position_id is not None})
    dialect = _dialect(db)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found = documents(db, chunk)
        _write(db, dialect, chunk, found)


def _write(db: Executor, dialect: str, ids: list[int], found: dict[int, SearchDocument]) -> None:
    rows: list[dict[str, Any]] = [
        {
            "id": position_id,
            "title": doc.title,
            "vocabulary": doc.vocabulary,
            "employer": doc.employer,
            "description": doc.description,
        }
        for position_id, doc in found.items()
    ]
    if dialect == "sqlite":
        db.execute(
            text(f"DELETE FROM {FTS_TABLE} WHERE rowid IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": ids},
        )
        if rows:
            db.execute(
                text(
                    f"INSERT INTO {FTS_TABLE} (rowid, title, vocabulary, employer, description) "
                    "VALUES (:id, :title, :vocabulary, :employer, :description)"
                ),
                rows,
            )
        return
    gone = [position_id for position_id in ids if position_id not in found]
    if gone:
        db.execute(
            text(f"DELETE FROM {PG_TABLE} WHERE position_id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": gone},
        )
    if rows:
        db.execute(
            text(
                f"INSERT INTO {PG_TABLE} (position_id, document) VALUES (:id, "
                "setweight(to_tsvector('english', :title), 'A') || "
                "setweight(to_tsvector('english', :vocabulary), 'B') || "
                "setweight(to_tsvector('english', :employer), 'C') || "
                "setweight(to_tsvector('english', :description), 'D')) "
                "ON CONFLICT (position_id) DO UPDATE SET document = excluded.document"
            ),
            rows,
        )


def employer_renamed(db: Session, employer_id: int) -> list[int]:
    """Rewrite the documents of an employer's positions (its name is part of each); returns
    their ids, so the caller can record the change."""
    ids = list(
        db.execute(
            text("SELECT id FROM position WHERE employer_id = :employer_id"),
            {"employer_id": employer_id},
        ).scalars()
    )
    index_positions(db, ids)
    return ids


def reindex_all(db: Executor) -> int:
    """Every position's document again (the migration, `placement seed`); returns how many."""
    ids = list(db.execute(text("SELECT id FROM position ORDER BY id")).scalars())
    index_positions(db, ids)
    return len(ids)


# -- the tables (created by migration 3f1c2a7d9e10, outside the models' metadata) ----------


def is_search_table(name: str | None) -> bool:
    """The tables of this module (and FTS5's shadow tables): outside the models' metadata."""
    return bool(name) and (name == PG_TABLE or str(name).startswith(FTS_TABLE))
