"""What the pages show: an application's interviews, and the graduate's awaiting an answer or
still ahead."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from placement.models import Application, Interview, InterviewSlot, InterviewStatus, utcnow
from placement.services.interviews.rules import MODES


@dataclass
class InterviewView:
    interview: Interview
    slots: list[datetime] = field(default_factory=list)
    position_title: str = ""
    employer_name: str = ""
    application_id: int = 0

    @property
    def mode_label(self) -> str:
        return MODES.get(self.interview.mode, self.interview.mode)

    @property
    def end(self) -> datetime | None:
        start = self.interview.confirmed_start
        return start + timedelta(minutes=self.interview.duration_minutes) if start else None


def _with_slots(db: Session, interviews: list[Interview]) -> dict[int, list[datetime]]:
    ids = [interview.id or 0 for interview in interviews]
    found: dict[int, list[datetime]] = {interview_id: [] for interview_id in ids}
    if ids:
        for interview_id, start in db.exec(
            select(InterviewSlot.interview_id, InterviewSlot.starts_at)
            .where(col(InterviewSlot.interview_id).in_(ids))
            .order_by(col(InterviewSlot.starts_at))
        ).all():
            found[interview_id].append(start)
    return found


def for_application(db: Session, application_id: int) -> list[InterviewView]:
    interviews = list(
        db.exec(
            select(Interview)
            .where(Interview.application_id == application_id)
            .order_by(col(Interview.id).desc())
        ).all()
    )
    slots = _with_slots(db, interviews)
    return [InterviewView(row, slots[row.id or 0]) for row in interviews]


def for_graduate(
    db: Session, graduate_id: int, *, now: datetime | None = None
) -> list[InterviewView]:
    """The graduate's interviews awaiting an answer and those still ahead, soonest first."""
    from placement.models import Employer, Position

    now = now or utcnow()
    rows = db.execute(
        sa_select(Interview, col(Position.title), col(Employer.name))
        .join(Application, col(Application.id) == col(Interview.application_id))
        .join(Position, col(Position.id) == col(Application.position_id))
        .join(Employer, col(Employer.id) == col(Position.employer_id))
        .where(
            col(Application.graduate_id) == graduate_id,
            (col(Interview.status) == InterviewStatus.PROPOSED)
            | (
                (col(Interview.status) == InterviewStatus.CONFIRMED)
                & (col(Interview.confirmed_start) >= now - timedelta(hours=12))
            ),
        )
        .order_by(col(Interview.confirmed_start), col(Interview.id))
    ).all()
    interviews = [row[0] for row in rows]
    slots = _with_slots(db, interviews)
    return [
        InterviewView(
            interview,
            slots[interview.id or 0],
            position_title=title,
            employer_name=employer,
            application_id=interview.application_id,
        )
        for interview, title, employer in rows
    ]
