"""Applications with their stage history, referrals, placements and placement rounds."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from placement.models._base import one_of, utcnow


class ApplicationStage(StrEnum):
    """An application's place in hiring (CONTRACT "Codes"; services/pipeline/ moves it)."""

    SUBMITTED = "submitted"
    SCREENING = "screening"
    INTERVIEW = "interview"
    OFFER = "offer"
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class ReferralStatus(StrEnum):
    """A staff referral waits for the graduate's answer (services/referrals.py)."""

    PENDING = "pending"
    ACCEPTED = "accepted"  # the graduate applied through it
    DECLINED = "declined"


class RoundStatus(StrEnum):
    """A placement round is a preview until staff publish it (services/rounds.py)."""

    PREVIEW = "preview"
    PUBLISHED = "published"


class Application(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("position_id", "graduate_id"),
        CheckConstraint(one_of("stage", ApplicationStage), name="stage"),
    )
    id: int | None = Field(default=None, primary_key=True)
    position_id: int = Field(foreign_key="position.id", index=True, ondelete="CASCADE")
    graduate_id: int = Field(foreign_key="graduate.id", index=True, ondelete="CASCADE")
    source: str = Field(default="applied", max_length=16)  # applied | referred
    stage: str = Field(default=ApplicationStage.SUBMITTED, max_length=16, index=True)
    cover_note: str = Field(default="", max_length=4000)
    rejection_reason: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ApplicationEvent(SQLModel, table=True):
    __tablename__ = "application_event"
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    from_stage: str | None = Field(default=None, max_length=16)
    to_stage: str = Field(max_length=16)
    actor_user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    note: str = Field(default="", max_length=4000)
    reason: str | None = Field(default=None, max_length=32)
    at: datetime = Field(default_factory=utcnow)


class Referral(SQLModel, table=True):
    __table_args__ = (CheckConstraint(one_of("status", ReferralStatus), name="status"),)
    id: int | None = Field(default=None, primary_key=True)
    position_id: int = Field(foreign_key="position.id", index=True, ondelete="CASCADE")
    graduate_id: int = Field(foreign_key="graduate.id", index=True, ondelete="CASCADE")
    staff_user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    note: str = Field(default="", max_length=4000)
    status: str = Field(default=ReferralStatus.PENDING, max_length=16, index=True)
    decline_reason: str = Field(default="", max_length=2000)
    # "position:graduate" while the referral is pending, NULL after: one open referral per pair.
    open_pair: str | None = Field(default=None, max_length=40, unique=True)
    round_id: int | None = Field(default=None, foreign_key="match_round.id", ondelete="SET NULL")
    application_id: int | None = Field(
        default=None, foreign_key="application.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow)
    answered_at: datetime | None = None


class Placement(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    graduate_id: int = Field(foreign_key="graduate.id", index=True, ondelete="CASCADE")
    employer_id: int | None = Field(default=None, foreign_key="employer.id", ondelete="SET NULL")
    employer_name: str = Field(max_length=200)
    position_id: int | None = Field(default=None, foreign_key="position.id", ondelete="SET NULL")
    application_id: int | None = Field(
        default=None, foreign_key="application.id", unique=True, ondelete="SET NULL"
    )
    job_title: str = Field(max_length=200)
    start_date: date | None = None
    hours_per_week: int | None = None
    field: str = Field(default="in_field", max_length=16)
    # One placement is one (graduate, position) or, without a position, one (graduate,
    # employer name ignoring case and spacing, job title, start date): the key spells that
    # out and a unique index turns a second (or concurrent) recording into the first one.
    # NULL only for duplicates recorded before the rule existed.
    dedupe_key: str | None = Field(default=None, max_length=450, unique=True, index=True)
    verification_method: str | None = Field(default=None, max_length=24)
    verification_note: str = Field(default="", max_length=2000)
    verified_at: datetime | None = None
    verified_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    # The employer's contact answered "no" to a verification link: waiting for staff.
    disputed_at: datetime | None = None
    dispute_note: str = Field(default="", max_length=2000)
    # Confirmed again by a verification asked 90 days or more after the start (sustained
    # employment: ACCSC's "cannot be based on one day on the job").
    reverified_at: datetime | None = None
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


class MatchRound(SQLModel, table=True):
    __tablename__ = "match_round"
    __table_args__ = (CheckConstraint(one_of("status", RoundStatus), name="status"),)
    id: int | None = Field(default=None, primary_key=True)
    algorithm: str = Field(max_length=16)
    status: str = Field(default=RoundStatus.PREVIEW, max_length=16)
    summary: str = Field(default="{}")  # JSON: counts and the unmatched with their reasons
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    published_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    published_at: datetime | None = None


class MatchAssignment(SQLModel, table=True):
    __tablename__ = "match_assignment"
    __table_args__ = (UniqueConstraint("round_id", "graduate_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="match_round.id", index=True, ondelete="CASCADE")
    graduate_id: int = Field(foreign_key="graduate.id", ondelete="CASCADE")
    position_id: int = Field(foreign_key="position.id", ondelete="CASCADE")
    score: float = Field(default=0)
    reasons: str = Field(default="[]")  # JSON list of {factor, points, detail}
