"""Referrals and placements, as staff list them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from placement.models import (
    Application,
    Employer,
    Graduate,
    Placement,
    Position,
    Referral,
    User,
)
from placement.services.staff_search.common import Page, paginate


def _referral_query() -> Any:
    staff = aliased(User)
    return (
        sa_select(
            col(Referral.id),
            col(Referral.status),
            col(Referral.note),
            col(Referral.decline_reason),
            col(Referral.created_at),
            col(Referral.answered_at),
            col(Referral.round_id),
            col(Referral.position_id),
            col(Referral.graduate_id),
            col(Position.title).label("position_title"),
            col(Employer.name).label("employer_name"),
            col(Graduate.first_name),
            col(Graduate.last_name),
            col(staff.name).label("staff_name"),
            col(staff.email).label("staff_email"),
            col(Application.id).label("application_id"),
            col(Application.stage).label("application_stage"),
            col(Placement.id).label("placement_id"),
            col(Placement.verified_at).label("placement_verified_at"),
        )
        .join(Position, col(Position.id) == col(Referral.position_id))
        .join(Employer, col(Employer.id) == col(Position.employer_id))
        .join(Graduate, col(Graduate.id) == col(Referral.graduate_id))
        .outerjoin(staff, col(staff.id) == col(Referral.staff_user_id))
        .outerjoin(
            Application,
            or_(
                col(Application.id) == col(Referral.application_id),
                and_(
                    col(Referral.application_id).is_(None),
                    col(Application.position_id) == col(Referral.position_id),
                    col(Application.graduate_id) == col(Referral.graduate_id),
                ),
            ),
        )
        .outerjoin(Placement, col(Placement.application_id) == col(Application.id))
    )


def referral_rows(db: Session, status: str | None, page: int) -> Page:
    """Every referral with its state and what happened next: the application's current stage
    and the placement it led to, if any — one query with joins."""
    query = _referral_query().order_by(col(Referral.created_at).desc(), col(Referral.id).desc())
    if status:
        query = query.where(Referral.status == status)
    return paginate(db, query, page)


def referral_row(db: Session, referral_id: int) -> Any:
    """One referral as `referral_rows` shows it, or None."""
    return db.exec(_referral_query().where(Referral.id == referral_id)).mappings().first()


def placement_rows(db: Session, verified: str | None, page: int) -> Page:
    query = sa_select(
        col(Placement.id),
        col(Placement.employer_name),
        col(Placement.job_title),
        col(Placement.start_date),
        col(Placement.hours_per_week),
        col(Placement.field),
        col(Placement.verification_method),
        col(Placement.verification_note),
        col(Placement.verified_at),
        col(Placement.disputed_at),
        col(Placement.reverified_at),
        col(Placement.application_id),
        col(Placement.created_at),
        col(Graduate.id).label("graduate_id"),
        col(Graduate.first_name),
        col(Graduate.last_name),
        col(Graduate.cohort),
    ).join(Graduate, col(Graduate.id) == col(Placement.graduate_id))
    if verified == "no":
        query = query.where(col(Placement.verified_at).is_(None))
    elif verified == "yes":
        query = query.where(col(Placement.verified_at).is_not(None))
    elif verified == "disputed":
        query = query.where(col(Placement.disputed_at).is_not(None))
    query = query.order_by(col(Placement.created_at).desc(), col(Placement.id).desc())
    return paginate(db, query, page)
