"""Everything the staff matches page shows for one position."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from placement.models import (
    Application,
    Employer,
    Position,
    Referral,
    ReferralStatus,
)
from placement.services.matching.lookups import _is_public, position_for_matching
from placement.services.matching.rankings import near_misses, rank_graduates
from placement.services.matching.results import Ranked

PAGE_SIZE = 50


@dataclass(frozen=True)
class MatchesPage:
    position: Position
    employer_name: str
    is_open: bool
    rows: list[Ranked]
    near: list[Ranked]
    page: int
    has_next: bool
    # graduate id -> "referred" / "applied" (this position's pipeline, for the rows shown)
    pipeline: dict[int, str]


def matches_page(db: Session, position_id: int, *, page: int = 1) -> MatchesPage:
    """Everything the staff matches page shows, for one position. NotFound when unknown."""
    position = position_for_matching(db, position_id)
    employer = db.get(Employer, position.employer_id)
    ranked = rank_graduates(db, position_id, audience="staff", limit=page * PAGE_SIZE + 1)
    rows = ranked[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    near = near_misses(db, position_id) if page == 1 else []
    shown = [row.graduate_id for row in (*rows, *near)]
    pipeline: dict[int, str] = {}
    if shown:
        for graduate_id in db.exec(
            select(col(Application.graduate_id)).where(
                col(Application.position_id) == position_id,
                col(Application.graduate_id).in_(shown),
            )
        ):
            pipeline[graduate_id] = "applied"
        for graduate_id in db.exec(
            select(col(Referral.graduate_id)).where(
                col(Referral.position_id) == position_id,
                col(Referral.status) == ReferralStatus.PENDING,
                col(Referral.graduate_id).in_(shown),
            )
        ):
            pipeline[graduate_id] = "referred"
    return MatchesPage(
        position=position,
        employer_name=employer.name if employer else "",
        is_open=_is_public(db, position_id),
        rows=rows,
        near=near,
        page=page,
        has_next=len(ranked) > page * PAGE_SIZE,
        pipeline=pipeline,
    )
