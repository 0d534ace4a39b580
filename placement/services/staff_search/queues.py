"""The work queues' counts, and the employers and positions under review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from placement import dates
from placement.models import (
    Employer,
    EmployerMember,
    EmployerStatus,
    Graduate,
    GraduateCredential,
    Placement,
    Position,
    PositionStatus,
    Referral,
    ReferralStatus,
)
from placement.services.staff_search.common import EXPIRY_WINDOW_DAYS, Page, paginate


@dataclass(frozen=True)
class QueueCounts:
    employers_pending: int
    positions_pending: int
    graduates_unverified: int
    credentials_unverified: int
    referrals_pending: int
    placements_unverified: int
    credentials_expiring: int
    employer_changes_held: int = 0
    placements_disputed: int = 0


def queue_counts(db: Session, today: date | None = None) -> QueueCounts:
    """Nine counts in one statement (scalar subqueries)."""
    today = today or dates.today()
    live = col(Graduate.deleted_at).is_(None)

    def count(model: Any, *where: Any) -> Any:
        return select(func.count()).select_from(model).where(*where).scalar_subquery()

    def credential_count(*where: Any) -> Any:
        return (
            select(func.count())
            .select_from(GraduateCredential)
            .join(Graduate, col(Graduate.id) == GraduateCredential.graduate_id)
            .where(live, *where)
            .scalar_subquery()
        )

    row = db.execute(
        sa_select(
            count(Employer, col(Employer.status) == EmployerStatus.PENDING),
            count(Position, col(Position.status) == PositionStatus.PENDING_REVIEW),
            count(Graduate, col(Graduate.verified_at).is_(None), live),
            credential_count(col(GraduateCredential.verified_at).is_(None)),
            count(Referral, col(Referral.status) == ReferralStatus.PENDING),
            count(Placement, col(Placement.verified_at).is_(None)),
            credential_count(
                col(GraduateCredential.expires_on) >= today,
                col(GraduateCredential.expires_on) <= today + timedelta(days=EXPIRY_WINDOW_DAYS),
            ),
            count(Employer, *HELD_CHANGES),
            count(Placement, col(Placement.disputed_at).is_not(None)),
        )
    ).one()
    return QueueCounts(*(int(value or 0) for value in row))


# -- employers and positions under review ---------------------------------------------------


# `?status=changes`: approved organisations whose change of name, website or NPI waits.
CHANGES = "changes"
HELD_CHANGES = (Employer.status == EmployerStatus.APPROVED, col(Employer.held_changes).is_not(None))


def employers_by_status(db: Session, status: str, page: int) -> Page:
    members = (
        select(func.count())
        .select_from(EmployerMember)
        .where(EmployerMember.employer_id == Employer.id)
        .scalar_subquery()
    )
    query = select(Employer, members.label("members"))
    if status == CHANGES:
        query = query.where(*HELD_CHANGES).order_by(col(Employer.held_at), col(Employer.id))
    else:
        query = query.where(Employer.status == status).order_by(
            col(Employer.created_at), col(Employer.id)
        )
    return paginate(db, query, page)


def positions_by_status(db: Session, status: str, page: int) -> Page:
    query = (
        select(Position, Employer)
        .join(Employer, col(Employer.id) == Position.employer_id)
        .where(Position.status == status)
        .order_by(col(Position.submitted_at), col(Position.id))
    )
    return paginate(db, query, page)
