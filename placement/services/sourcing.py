"""What the sourcing tables hold about a graduate, for the data export and account deletion
(services.privacy): invitations, talent-pool interests, saved searches, positions told."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from placement.models import (
    Employer,
    Invitation,
    InvitationStatus,
    PositionNotice,
    SavedSearch,
    TalentInterest,
)
from placement.services import invitations as invitation_service


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export(db: Session, graduate_id: int) -> dict[str, Any]:
    invitations = invitation_service.invitations_for_graduate(db, graduate_id, limit=10_000)
    interests = db.exec(
        select(TalentInterest, Employer.name)
        .join(Employer, col(Employer.id) == col(TalentInterest.employer_id))
        .where(TalentInterest.graduate_id == graduate_id)
        .order_by(col(TalentInterest.id))
    ).all()
    searches = db.exec(
        select(SavedSearch)
        .where(SavedSearch.graduate_id == graduate_id)
        .order_by(col(SavedSearch.id))
    ).all()
    return {
        "invitations": [
            {
                "id": row.id,
                "position_id": row.position_id,
                "position_title": row.position_title,
                "employer": row.employer_name,
                "note": row.note,
                "status": row.status,
                "created_at": _when(row.created_at),
            }
            for row in invitations
        ],
        "talent_pools": [
            {"employer": name, "since": _when(interest.created_at)} for interest, name in interests
        ],
        "saved_searches": [
            {"name": row.name, "query": row.query, "created_at": _when(row.created_at)}
            for row in searches
        ],
    }


def forget(db: Session, graduate_id: int, now: datetime) -> None:
    """At account deletion: waiting invitations are declined; the graduate leaves every
    talent pool; saved searches and the positions told are erased."""
    db.exec(
        update(Invitation)
        .where(
            col(Invitation.graduate_id) == graduate_id,
            col(Invitation.status) == InvitationStatus.PENDING,
        )
        .values(status="declined", answered_at=now)
    )
    for table in (TalentInterest, SavedSearch, PositionNotice):
        db.exec(delete(table).where(col(table.graduate_id) == graduate_id))
