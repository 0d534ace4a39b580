"""The audit log: filtered pages, the export, and the filters' choices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from placement import dates
from placement.localtime import day_bounds_utc
from placement.models import (
    AuditEvent,
    User,
)
from placement.services.staff_search.common import Page, paginate


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor: str = ""
    object_type: str = ""
    object_id: int | None = None
    since: date | None = None
    until: date | None = None


AUDIT_EXPORT_LIMIT = 100_000


def audit_rows(db: Session, filters: AuditFilters, page: int, per_page: int = 50) -> Page:
    return paginate(db, _audit_query(filters), page, per_page)


def audit_export(db: Session, filters: AuditFilters, limit: int = AUDIT_EXPORT_LIMIT) -> list[Any]:
    """Every event the filters select, newest first (at most `limit`), for the CSV."""
    return list(db.exec(_audit_query(filters).limit(limit)).mappings().all())


def _audit_query(filters: AuditFilters) -> Any:
    query = sa_select(
        col(AuditEvent.id),
        col(AuditEvent.at),
        col(AuditEvent.action),
        col(AuditEvent.actor_role),
        col(AuditEvent.actor_user_id),
        col(AuditEvent.object_type),
        col(AuditEvent.object_id),
        col(AuditEvent.detail),
        col(AuditEvent.before),
        col(AuditEvent.after),
        col(AuditEvent.ip),
        col(User.name).label("actor_name"),
        col(User.email).label("actor_email"),
    ).outerjoin(User, col(User.id) == col(AuditEvent.actor_user_id))
    if filters.action:
        # "employer" finds every employer.* action; "employer.approved" exactly that one.
        if "." in filters.action:
            query = query.where(col(AuditEvent.action) == filters.action)
        else:
            query = query.where(
                col(AuditEvent.action).startswith(filters.action + ".", autoescape=True)
            )
    if filters.actor:
        actor = filters.actor.strip().lower()
        if actor.isdigit():
            query = query.where(col(AuditEvent.actor_user_id) == int(actor))
        else:
            query = query.where(
                or_(
                    func.lower(User.email).contains(actor, autoescape=True),
                    func.lower(User.name).contains(actor, autoescape=True),
                )
            )
    if filters.object_type:
        query = query.where(col(AuditEvent.object_type) == filters.object_type)
    if filters.object_id is not None:
        query = query.where(col(AuditEvent.object_id) == filters.object_id)
    # The dates staff type are school days, not UTC days.
    if filters.since:
        start, _ = day_bounds_utc(filters.since, dates.school_zone())
        query = query.where(col(AuditEvent.at) >= start)
    if filters.until:
        _, end = day_bounds_utc(filters.until, dates.school_zone())
        query = query.where(col(AuditEvent.at) < end)
    return query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())


def audit_actions(db: Session) -> list[str]:
    return sorted(db.exec(select(AuditEvent.action).distinct()).all())


def audit_object_types(db: Session) -> list[str]:
    return sorted(t for t in db.exec(select(AuditEvent.object_type).distinct()).all() if t)
