"""Sourcing: invitations to apply, the talent pool, saved searches and the positions told.

- `Invitation`: an employer asks a graduate (visibility `employers`) to apply to one of its
  positions; one per (position, graduate), whatever its answer.
- `TalentInterest`: a graduate told an approved employer "interested in future openings";
  withdrawing deletes the row.
- `SavedSearch`: a graduate's `/positions` query string, run by the worker.
- `PositionNotice`: a position told to a graduate (a saved-search match or a talent-pool
  opening), unique per (graduate, position): each position reaches a graduate's mail once.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from placement.models._base import one_of, utcnow


class InvitationStatus(StrEnum):
    """An invitation waits for the graduate; applying does not change it (it shows as applied)."""

    PENDING = "pending"
    DECLINED = "declined"


class Invitation(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("position_id", "graduate_id"),
        CheckConstraint(one_of("status", InvitationStatus), name="status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    position_id: int = Field(foreign_key="position.id", index=True, ondelete="CASCADE")
    graduate_id: int = Field(foreign_key="graduate.id", index=True, ondelete="CASCADE")
    # The position's organisation, kept on the row so staff count invitations per employer.
    employer_id: int = Field(foreign_key="employer.id", index=True, ondelete="CASCADE")
    invited_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    note: str = Field(default="", max_length=2000)
    status: str = Field(default=InvitationStatus.PENDING, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    answered_at: datetime | None = None


class TalentInterest(SQLModel, table=True):
    __tablename__ = "talent_interest"
    __table_args__ = (UniqueConstraint("graduate_id", "employer_id"),)
    id: int | None = Field(default=None, primary_key=True)
    graduate_id: int = Field(foreign_key="graduate.id", index=True, ondelete="CASCADE")
    employer_id: int = Field(foreign_key="employer.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)


class SavedSearch(SQLModel, table=True):
    __tablename__ = "saved_search"
    id: int | None = Field(default=None, primary_key=True)
    graduate_id: int = Field(foreign_key="graduate.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=100)
    query: str = Field(max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)


class PositionNotice(SQLModel, table=True):
    __tablename__ = "position_notice"
    __table_args__ = (UniqueConstraint("graduate_id", "position_id"),)
    id: int | None = Field(default=None, primary_key=True)
    graduate_id: int = Field(foreign_key="graduate.id", ondelete="CASCADE")
    position_id: int = Field(foreign_key="position.id", index=True, ondelete="CASCADE")
    source: str = Field(max_length=16)  # saved_search | talent_pool
    created_at: datetime = Field(default_factory=utcnow)
