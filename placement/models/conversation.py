"""The hiring conversation of an application: messages, interviews, offers and private notes.

Times are stored in UTC and read and typed in SCHOOL_TIMEZONE (placement/localtime.py).
`EmployerNote` is the employer team's own table: no graduate page and no export reads it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from placement.models._base import one_of, utcnow

MESSAGE_MAX = 5000


class InterviewStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class OfferStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class ConversationMessage(SQLModel, table=True):
    """One message of an application's conversation (graduate, employer members, staff)."""

    __tablename__ = "conversation_message"
    __table_args__ = (
        Index("ix_conversation_message_author_at", "author_user_id", "created_at"),
        CheckConstraint("author_role IN ('graduate', 'employer', 'staff')", name="author_role"),
    )
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    author_user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    author_role: str = Field(max_length=16)
    body: str = Field(max_length=MESSAGE_MAX)
    created_at: datetime = Field(default_factory=utcnow)


class ConversationRead(SQLModel, table=True):
    """How far one reader has read one conversation (the newest message id seen)."""

    __tablename__ = "conversation_read"
    __table_args__ = (UniqueConstraint("application_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    last_message_id: int = Field(default=0)
    read_at: datetime = Field(default_factory=utcnow)


class Interview(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(one_of("status", InterviewStatus), name="status"),
        CheckConstraint(_in("mode", ("in_person", "video", "phone")), name="mode"),
        CheckConstraint("duration_minutes BETWEEN 15 AND 480", name="duration_minutes"),
    )
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    # The calendar's UID: stable for the interview's whole life, so every .ics updates one event.
    uid: str = Field(max_length=120, unique=True)
    mode: str = Field(max_length=16)
    location: str = Field(default="", max_length=300)
    duration_minutes: int = Field(default=60)
    note: str = Field(default="", max_length=2000)
    status: str = Field(default=InterviewStatus.PROPOSED, max_length=16, index=True)
    confirmed_start: datetime | None = Field(default=None, index=True)
    # RFC 5545 SEQUENCE: raised at every change a calendar must pick up.
    sequence: int = Field(default=0)
    decline_note: str = Field(default="", max_length=2000)
    cancel_reason: str = Field(default="", max_length=2000)
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    reminder_sent_at: datetime | None = None


class InterviewSlot(SQLModel, table=True):
    __tablename__ = "interview_slot"
    __table_args__ = (UniqueConstraint("interview_id", "starts_at"),)
    id: int | None = Field(default=None, primary_key=True)
    interview_id: int = Field(foreign_key="interview.id", index=True, ondelete="CASCADE")
    starts_at: datetime


class Offer(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(one_of("status", OfferStatus), name="status"),
        CheckConstraint("hours_per_week BETWEEN 1 AND 80", name="hours_per_week"),
    )
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    # The application's id while the offer waits, NULL after: one waiting offer per application.
    pending_for: int | None = Field(default=None, unique=True)
    job_title: str = Field(max_length=200)
    start_date: date
    pay_rate: float
    hours_per_week: int
    employment_type: str = Field(max_length=16)
    respond_by: date = Field(index=True)
    note: str = Field(default="", max_length=2000)
    status: str = Field(default=OfferStatus.PENDING, max_length=16, index=True)
    decline_reason: str = Field(default="", max_length=2000)
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    answered_at: datetime | None = None
    last_day_sent_at: datetime | None = None


class EmployerNote(SQLModel, table=True):
    """The employer team's private note on a candidate; never shown to the graduate."""

    __tablename__ = "employer_note"
    __table_args__ = (CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating"),)
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    employer_id: int = Field(foreign_key="employer.id", index=True, ondelete="CASCADE")
    author_user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    body: str = Field(max_length=4000)
    rating: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
