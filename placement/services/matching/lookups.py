"""Which positions and graduates matching considers: the public positions, the loaders that
answer NotFound, names and titles in bulk."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, col, select

from placement import dates
from placement.models import (
    Employer,
    Graduate,
    Position,
)
from placement.services import NotFound, visibility
from placement.services.matching.loading import _chunks


def _today() -> date:
    return dates.today()


def _is_public(db: Session, position_id: int) -> bool:
    found = db.exec(
        select(col(Position.id)).where(
            col(Position.id) == position_id, visibility.public_position(_today())
        )
    ).first()
    return found is not None


def public_position_ids(db: Session) -> list[int]:
    """Open positions of approved employers that have not passed their closing date."""
    return [
        position_id
        for position_id in db.exec(
            select(col(Position.id)).where(visibility.public_position(_today()))
        )
        if position_id is not None
    ]


MAX_ID = 2**31 - 1


def valid_id(value: int) -> bool:
    """Ids outside the database's integer range exist nowhere (and PostgreSQL would refuse
    to compare them): treat them as missing."""
    return 0 < value <= MAX_ID


def position_for_matching(
    db: Session, position_id: int, *, employer_id: int | None = None
) -> Position:
    """The position (any status); NotFound when missing or, with `employer_id`, not that
    employer's own (another employer's position answers exactly like a missing one)."""
    position = db.get(Position, position_id) if valid_id(position_id) else None
    if position is None or (employer_id is not None and position.employer_id != employer_id):
        raise NotFound
    return position


def graduate_for_matching(db: Session, graduate_id: int) -> Graduate:
    graduate = db.get(Graduate, graduate_id) if valid_id(graduate_id) else None
    if graduate is None or graduate.deleted_at is not None:
        raise NotFound
    return graduate


def graduate_names(db: Session, ids: Iterable[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for chunk in _chunks(ids):
        for graduate_id, first, last in db.exec(
            select(col(Graduate.id), col(Graduate.first_name), col(Graduate.last_name)).where(
                col(Graduate.id).in_(chunk)
            )
        ):
            assert graduate_id is not None  # a primary key
            names[graduate_id] = f"{first} {last}".strip()
    return names


def position_titles(db: Session, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    titles: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(ids):
        for position_id, title, employer in db.exec(
            select(col(Position.id), col(Position.title), col(Employer.name))
            .join(Employer, col(Employer.id) == col(Position.employer_id))
            .where(col(Position.id).in_(chunk))
        ):
            assert position_id is not None  # a primary key
            titles[position_id] = (title, employer)
    return titles
