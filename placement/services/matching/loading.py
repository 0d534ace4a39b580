"""Matching records loaded from the database in bulk: graduates (as records or as the columns the
index encodes) and positions, a few queries per chunk of ids."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Integer
from sqlalchemy import select as sa_select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, func

from placement.matching import (
    GraduateRecord,
    PositionRecord,
)
from placement.matching.records import (
    NO_EXPIRY_DAY,
    CredentialRows,
    GraduateColumns,
    ModalityRows,
)
from placement.models import (
    Graduate,
    GraduateCredential,
    GraduateModality,
    Position,
    PositionRequirement,
    PositionStatus,
    split_codes,
)

# Bound parameters per IN list: well under SQLite's and PostgreSQL's limits.
_CHUNK = 900


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    values = sorted(set(ids))
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def load_graduates(db: Session, ids: Iterable[int] | None = None) -> dict[int, GraduateRecord]:
    """Matching records of graduates that are not deleted (all of them when `ids` is None),
    in three queries per chunk: graduates, modalities, credentials."""
    out: dict[int, GraduateRecord] = {}
    for columns in load_graduate_columns(db, ids):
        out.update((record.id, record) for record in columns.records())
    return out


def load_graduate_columns(
    db: Session, ids: Iterable[int] | None = None
) -> Iterator[GraduateColumns]:
    """The same graduates as columns, what the index encodes without an object per graduate
    or per credential: one `GraduateColumns` for all (`ids` None) or per chunk of ids."""
    if ids is None:
        yield _load_graduate_columns(db, None)
        return
    for chunk in _chunks(ids):
        yield _load_graduate_columns(db, chunk)


class _EpochDay(FunctionElement[int]):
    """A date as whole days from 1970-01-01, computed by the database: the loading query
    hands the index numbers (records.expiry_day), not one date object per credential."""

    type = Integer()
    inherit_cache = True


@compiles(_EpochDay)
def _epoch_day(element: _EpochDay, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL: a date minus a date is a whole number of days.
    return f"({compiler.process(element.clauses, **kw)} - DATE '1970-01-01')"


@compiles(_EpochDay, "sqlite")
def _epoch_day_sqlite(element: _EpochDay, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps dates as ISO text; julianday() counts days from noon of 24 November 4714 BC,
    # so 1970-01-01 is 2440587.5, and the difference of two dates is exact in a double.
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5 AS INTEGER)"


class _CodeSets(dict[str | None, frozenset[str]]):
    """A stored list of codes as a set, one set per distinct list (many graduates share one)."""

    def __missing__(self, stored: str | None) -> frozenset[str]:
        codes = self[stored] = frozenset(split_codes(stored))
        return codes


def _load_graduate_columns(db: Session, ids: list[int] | None) -> GraduateColumns:
    query = sa_select(
        col(Graduate.id),
        col(Graduate.verified_at).is_not(None),
        col(Graduate.seeking) == "seeking",
        col(Graduate.visibility),
        col(Graduate.zip),
        col(Graduate.travel_radius_miles),
        func.coalesce(col(Graduate.training_hours), 0),
        func.coalesce(col(Graduate.clinical_hours), 0),
        col(Graduate.settings),
        col(Graduate.employment_types),
        col(Graduate.availability),
        col(Graduate.pay_expectation),
    ).where(col(Graduate.deleted_at).is_(None))
    modality_query = sa_select(
        col(GraduateModality.graduate_id),
        col(GraduateModality.code),
        col(GraduateModality.proficiency),
    ).where(col(GraduateModality.proficiency) > 0)
    credential_query = sa_select(
        col(GraduateCredential.graduate_id),
        col(GraduateCredential.code),
        col(GraduateCredential.state),
        func.coalesce(_EpochDay(col(GraduateCredential.expires_on)), NO_EXPIRY_DAY),
        col(GraduateCredential.verified_at).is_not(None),
    )
    if ids is not None:
        query = query.where(col(Graduate.id).in_(ids))
        modality_query = modality_query.where(col(GraduateModality.graduate_id).in_(ids))
        credential_query = credential_query.where(col(GraduateCredential.graduate_id).in_(ids))
    graduates = _transposed(db.execute(query).all(), 12)
    code_sets = _CodeSets()
    settings, kinds, availability = (
        list(map(code_sets.__getitem__, stored)) for stored in graduates[8:11]
    )
    return GraduateColumns(
        id=graduates[0],
        verified=graduates[1],
        seeking=graduates[2],
        visibility=graduates[3],
        zip=graduates[4],
        travel_radius_miles=graduates[5],
        training_hours=graduates[6],
        clinical_hours=graduates[7],
        settings=settings,
        employment_types=kinds,
        availability=availability,
        pay_expectation=graduates[11],
        modalities=ModalityRows(*_transposed(db.execute(modality_query).all(), 3)),
        credentials=CredentialRows(*_transposed(db.execute(credential_query).all(), 5)),
    )


def _transposed(rows: Sequence[Sequence[object]], width: int) -> list[Sequence[Any]]:
    """Rows as columns (`width` empty ones for no rows)."""
    return list(zip(*rows, strict=True)) if rows else [() for _ in range(width)]


def load_positions(
    db: Session, ids: Iterable[int] | None = None, *, only_open: bool = True
) -> dict[int, PositionRecord]:
    """Matching records of positions (those with status `open` unless `only_open` is off),
    in two queries per chunk: positions and their requirements."""
    if ids is None:
        return _load_positions(db, None, only_open)
    out: dict[int, PositionRecord] = {}
    for chunk in _chunks(ids):
        out.update(_load_positions(db, chunk, only_open))
    return out


def _load_positions(
    db: Session, ids: list[int] | None, only_open: bool
) -> dict[int, PositionRecord]:
    query = sa_select(
        col(Position.id),
        col(Position.employer_id),
        col(Position.zip),
        col(Position.setting),
        col(Position.employment_type),
        col(Position.pay_min),
        col(Position.pay_max),
        col(Position.start_date),
        col(Position.min_training_hours),
        col(Position.shifts),
    )
    requirement_query = sa_select(
        col(PositionRequirement.position_id),
        col(PositionRequirement.kind),
        col(PositionRequirement.code),
        col(PositionRequirement.required),
        col(PositionRequirement.verified_only),
    )
    if only_open:
        query = query.where(col(Position.status) == PositionStatus.OPEN)
        requirement_query = requirement_query.join(
            Position,
            col(Position.id) == col(PositionRequirement.position_id),
        ).where(col(Position.status) == PositionStatus.OPEN)
    if ids is not None:
        query = query.where(col(Position.id).in_(ids))
        requirement_query = requirement_query.where(col(PositionRequirement.position_id).in_(ids))
    wants: dict[int, dict[tuple[str, bool], set[str]]] = {}
    verified_only: dict[int, set[str]] = {}
    for position_id, kind, code, required, verified in db.execute(requirement_query):
        wants.setdefault(position_id, {}).setdefault((kind, bool(required)), set()).add(code)
        if kind == "credential" and required and verified:
            verified_only.setdefault(position_id, set()).add(code)
    out: dict[int, PositionRecord] = {}
    for row in db.execute(query):
        position_id, employer_id, zip_code, setting, kind, pay_min, pay_max = row[:7]
        start_date, min_training, shifts = row[7:]
        asks = wants.get(position_id, {})
        out[position_id] = PositionRecord(
            id=position_id,
            employer_id=employer_id,
            zip=zip_code,
            setting=setting,
            employment_type=kind,
            pay_min=pay_min,
            pay_max=pay_max,
            start_date=start_date,
            min_training_hours=min_training or 0,
            shifts=frozenset(split_codes(shifts)),
            required_modalities=frozenset(asks.get(("modality", True), ())),
            preferred_modalities=frozenset(asks.get(("modality", False), ())),
            required_credentials=frozenset(asks.get(("credential", True), ())),
            preferred_credentials=frozenset(asks.get(("credential", False), ())),
            verified_credentials=frozenset(verified_only.get(position_id, ())),
        )
    return out
