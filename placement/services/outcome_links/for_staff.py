"""What staff see of the links: a placement's, and the survey's list."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from placement.models import (
    Graduate,
    LinkPurpose,
    OutcomeLink,
)


def links_of_placement(db: Session, placement_id: int) -> list[OutcomeLink]:
    return list(
        db.exec(
            select(OutcomeLink)
            .where(OutcomeLink.placement_id == placement_id)
            .order_by(col(OutcomeLink.created_at).desc(), col(OutcomeLink.id).desc())
        ).all()
    )


@dataclass(frozen=True)
class SurveyRow:
    link: OutcomeLink
    graduate_name: str
    cohort: int | None


def survey_rows(db: Session, limit: int = 200) -> list[SurveyRow]:
    """The latest survey links, newest first, with their graduates."""
    rows = db.exec(
        select(OutcomeLink, Graduate.first_name, Graduate.last_name, Graduate.cohort)
        .join(Graduate, col(Graduate.id) == OutcomeLink.graduate_id)
        .where(OutcomeLink.purpose == LinkPurpose.SURVEY)
        .order_by(col(OutcomeLink.created_at).desc(), col(OutcomeLink.id).desc())
        .limit(limit)
    ).all()
    return [
        SurveyRow(link=link, graduate_name=f"{first} {last}".strip(), cohort=cohort)
        for link, first, last, cohort in rows
    ]
