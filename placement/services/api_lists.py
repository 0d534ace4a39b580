"""The JSON lists of the API (`GET /api/v1/positions`, `GET /api/v1/placements`): plain
dictionaries, 100 a page, in id order so a page never shifts while a client walks them.

Who may see what is decided here, not in the route: staff see positions of any status,
everyone else only the public ones (services.visibility); placements are staff's only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from placement import dates, taxonomy
from placement.models import Employer, Graduate, Placement, Position
from placement.services import DomainError
from placement.services.visibility import public_position

PER_PAGE = 100


@dataclass(frozen=True)
class ApiPage:
    items: list[dict[str, Any]]
    has_next: bool


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _window(db: Session, query: Any, page: int) -> tuple[list[Any], bool]:
    rows = list(db.exec(query.limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)).all())
    return rows[:PER_PAGE], len(rows) > PER_PAGE


def positions(
    db: Session, *, staff: bool, status: str | None, page: int, today: date | None = None
) -> ApiPage:
    """Positions, newest id last; `status` is any position status for staff, and for anyone
    else only `open` (the public ones; another status lists nothing)."""
    if status is not None and status not in taxonomy.POSITION_STATUSES:
        raise DomainError(
            "status is one of " + ", ".join(taxonomy.POSITION_STATUSES) + ".", "status"
        )
    columns: list[Any] = [
        Position.id,
        Position.title,
        Employer.name,
        Position.setting,
        Position.employment_type,
        Position.zip,
        Position.status,
        Position.start_date,
        Position.closes_on,
    ]
    query = select(*columns).join(Employer, col(Employer.id) == Position.employer_id)
    if not staff:
        if status not in (None, "open"):
            return ApiPage([], False)
        query = query.where(public_position(today or dates.today()))
    elif status is not None:
        query = query.where(Position.status == status)
    rows, more = _window(db, query.order_by(col(Position.id)), page)
    items = [
        {
            "id": row[0],
            "title": row[1],
            "employer": row[2],
            "setting": row[3],
            "employment_type": row[4],
            "zip": row[5],
            "status": row[6],
            "start_date": _iso(row[7]),
            "closes_on": _iso(row[8]),
        }
        for row in rows
    ]
    return ApiPage(items, more)


def placements(db: Session, *, cohort: int | None, page: int) -> ApiPage:
    """Every placement (of graduates of `cohort`, their graduation year, when given)."""
    columns: list[Any] = [
        Placement.id,
        Placement.graduate_id,
        Placement.employer_name,
        Placement.position_id,
        Placement.job_title,
        Placement.start_date,
        Placement.hours_per_week,
        Placement.field,
        Placement.verified_at,
        Placement.verification_method,
    ]
    query = select(*columns)
    if cohort is not None:
        query = query.join(Graduate, col(Graduate.id) == Placement.graduate_id).where(
            Graduate.cohort == cohort
        )
    rows, more = _window(db, query.order_by(col(Placement.id)), page)
    items = [
        {
            "id": row[0],
            "graduate_id": row[1],
            "employer_name": row[2],
            "position_id": row[3],
            "job_title": row[4],
            "start_date": _iso(row[5]),
            "hours_per_week": row[6],
            "field": row[7],
            "verified": row[8] is not None,
            "method": row[9] if row[8] is not None else None,
        }
        for row in rows
    ]
    return ApiPage(items, more)
