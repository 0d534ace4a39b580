"""Employer organisations, their members, and the positions they post."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from placement.models._base import code_set_check, one_of, utcnow


class EmployerStatus(StrEnum):
    """Where an organisation stands with career services (CONTRACT "Codes")."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class PositionStatus(StrEnum):
    """The life of a posted position (CONTRACT "Codes")."""

    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    OPEN = "open"
    FILLED = "filled"
    CLOSED = "closed"
    EXPIRED = "expired"
    REJECTED = "rejected"


class Employer(SQLModel, table=True):
    __table_args__ = (CheckConstraint(one_of("status", EmployerStatus), name="status"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    kind: str = Field(max_length=32)
    zip: str = Field(max_length=5)
    website: str = Field(default="", max_length=300)
    phone: str = Field(default="", max_length=32)
    npi: str | None = Field(default=None, max_length=10)
    status: str = Field(default=EmployerStatus.PENDING, max_length=16, index=True)
    status_reason: str = Field(default="", max_length=2000)
    reviewed_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    reviewed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    # A change of name, website or NPI of an approved organisation waits here, as JSON
    # {field: new value}, until staff approve it; the columns above keep the approved values
    # that every public page shows meanwhile (services/employers.py).
    held_changes: str | None = Field(default=None, max_length=4000)
    held_at: datetime | None = Field(default=None, index=True)


class EmployerMember(SQLModel, table=True):
    __tablename__ = "employer_member"
    id: int | None = Field(default=None, primary_key=True)
    employer_id: int = Field(foreign_key="employer.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", unique=True, ondelete="CASCADE")
    is_owner: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)


class Position(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(one_of("status", PositionStatus), name="status"),
        CheckConstraint(code_set_check("shifts"), name="shifts"),
        # The search near a ZIP counts open positions ZIP by ZIP (covering: no row reads).
        Index("ix_position_status_zip", "status", "zip", "closes_on", "employer_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    employer_id: int = Field(foreign_key="employer.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=20000)
    setting: str = Field(max_length=32, index=True)
    employment_type: str = Field(max_length=16, index=True)
    pay_min: float | None = None
    pay_max: float | None = None
    zip: str = Field(max_length=5)
    start_date: date | None = None
    openings: int = Field(default=1)
    min_training_hours: int = Field(default=0)
    closes_on: date | None = Field(default=None, index=True)
    shifts: str = Field(default="", max_length=400)
    status: str = Field(default=PositionStatus.DRAFT, max_length=16, index=True)
    status_reason: str = Field(default="", max_length=2000)
    # Optimistic concurrency: an edit made from an older version is refused.
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = None
    reviewed_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    reviewed_at: datetime | None = None
    # What staff last approved of the fields whose change sends an open position back to
    # review (title, description, pay, requirements), as JSON: the review queue shows it
    # beside the new values. None for a position never approved, cleared at each approval.
    approved_values: str | None = Field(default=None, max_length=40000)


class PositionRequirement(SQLModel, table=True):
    __tablename__ = "position_requirement"
    __table_args__ = (
        UniqueConstraint("position_id", "kind", "code"),
        # The public search by modality reads the positions that require a code, newest
        # first, from this index alone.
        Index("ix_position_requirement_kind_code", "kind", "code", "position_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    position_id: int = Field(foreign_key="position.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)  # modality | credential
    code: str = Field(max_length=40, index=True)
    required: bool = Field(default=True)
    # A required credential that counts only once career services verified it.
    verified_only: bool = Field(default=False)
