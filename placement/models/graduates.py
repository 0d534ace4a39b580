"""Graduates, their modalities and their credentials."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from placement.models._base import code_set_check, one_of, utcnow


class OutcomeStatus(StrEnum):
    """A graduate's outcome as the accreditation reports count it."""

    SEEKING = "seeking"
    PLACED = "placed"
    UNAVAILABLE = "unavailable"  # unavailable_reason says why
    UNKNOWN = "unknown"


class Graduate(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(one_of("outcome_status", OutcomeStatus), name="outcome_status"),
        CheckConstraint(code_set_check("settings"), name="settings"),
        CheckConstraint(code_set_check("employment_types"), name="employment_types"),
        CheckConstraint(code_set_check("availability"), name="availability"),
    )
    id: int | None = Field(default=None, primary_key=True)
    # Null for a roster entry nobody has claimed yet, and after the account was deleted.
    user_id: int | None = Field(
        default=None, foreign_key="user.id", unique=True, ondelete="SET NULL"
    )
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100, index=True)
    email: str = Field(default="", max_length=254)
    # Roster records only (imported, or confirmed by staff); see services/identity.py.
    student_id: str | None = Field(default=None, max_length=40)
    # The lower-cased student_id, unique: one roster record per id whatever its case ("s1" is
    # "S1"). Kept by the listener below; a plain column, so every database and every batch
    # migration keeps the constraint.
    student_key: str | None = Field(default=None, max_length=40, unique=True)
    # The id a self-registered account typed: a claim until staff confirm it.
    claimed_student_id: str | None = Field(default=None, max_length=40)
    program: str = Field(default="", max_length=200)
    cohort: int | None = Field(default=None, index=True)
    graduation_date: date | None = None
    training_hours: int = Field(default=0)
    clinical_hours: int = Field(default=0)
    zip: str | None = Field(default=None, max_length=5)
    travel_radius_miles: int = Field(default=25)
    settings: str = Field(default="", max_length=400)
    employment_types: str = Field(default="", max_length=100)
    availability: str = Field(default="", max_length=400)
    pay_expectation: float | None = None
    bio: str = Field(default="", max_length=4000)
    visibility: str = Field(default="staff", max_length=16)
    seeking: str = Field(default="seeking", max_length=16, index=True)
    # `/me/privacy`: with False no employer can invite the graduate to apply.
    accepts_invitations: bool = Field(default=True)
    outcome_status: str = Field(default=OutcomeStatus.SEEKING, max_length=16, index=True)
    unavailable_reason: str | None = Field(default=None, max_length=32)
    outcome_note: str = Field(default="", max_length=2000)
    verified_at: datetime | None = None
    verified_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    resume_file: str | None = Field(default=None, max_length=80)
    resume_name: str | None = Field(default=None, max_length=200)
    resume_uploaded_at: datetime | None = None
    deleted_at: datetime | None = None
    # A duplicate merged into another record (services/duplicates.py): it keeps its name for
    # the history, owns nothing any more and counts nowhere.
    # (No foreign key: adding a self-reference to `graduate` would need SQLite's table
    # rebuild, whose implicit DELETE cascades to every row that references a graduate.)
    merged_into_id: int | None = Field(default=None, index=True)
    merged_at: datetime | None = None
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


def student_key(student_id: str | None) -> str | None:
    return student_id.strip().lower() if student_id else None


@event.listens_for(Graduate, "before_insert")
@event.listens_for(Graduate, "before_update")
def _keep_student_key(_mapper: Any, _connection: Any, graduate: Graduate) -> None:
    graduate.student_key = student_key(graduate.student_id)


class GraduateModality(SQLModel, table=True):
    __tablename__ = "graduate_modality"
    graduate_id: int = Field(foreign_key="graduate.id", primary_key=True, ondelete="CASCADE")
    code: str = Field(max_length=40, primary_key=True)
    proficiency: int = Field(default=1)


class GraduateCredential(SQLModel, table=True):
    __tablename__ = "graduate_credential"
    id: int | None = Field(default=None, primary_key=True)
    graduate_id: int = Field(foreign_key="graduate.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=40)
    number: str = Field(default="", max_length=60)
    state: str | None = Field(default=None, max_length=2)
    issued_on: date | None = None
    expires_on: date | None = Field(default=None, index=True)
    verified_at: datetime | None = None
    verified_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    # How career services checked it (CREDENTIAL_VERIFICATION_METHODS) and what they noted.
    verification_method: str | None = Field(default=None, max_length=24)
    verification_note: str = Field(default="", max_length=2000)
    # The renewal count: each new number, state, issue or expiry date is a new version, whose
    # reminders start again (CredentialReminder) and whose predecessor is kept in history.
    version: int = Field(default=1)
    # One scan of the card (PDF, JPEG or PNG), stored under a generated name.
    document_file: str | None = Field(default=None, max_length=80)
    document_name: str | None = Field(default=None, max_length=200)
    document_type: str | None = Field(default=None, max_length=40)
    document_uploaded_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CredentialVersion(SQLModel, table=True):
    """An earlier version of a credential, kept when the graduate renewed it."""

    __tablename__ = "credential_version"
    __table_args__ = (UniqueConstraint("credential_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    credential_id: int = Field(foreign_key="graduate_credential.id", index=True, ondelete="CASCADE")
    version: int
    number: str = Field(default="", max_length=60)
    state: str | None = Field(default=None, max_length=2)
    issued_on: date | None = None
    expires_on: date | None = None
    verified_at: datetime | None = None
    verified_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    verification_method: str | None = Field(default=None, max_length=24)
    verification_note: str = Field(default="", max_length=2000)
    document_name: str | None = Field(default=None, max_length=200)
    replaced_at: datetime = Field(default_factory=utcnow)


class CredentialReminder(SQLModel, table=True):
    """A reminder mail sent for one credential version and threshold: the unique row that
    makes the reminder job send each one once, however many workers run it."""

    __tablename__ = "credential_reminder"
    __table_args__ = (UniqueConstraint("credential_id", "version", "threshold"),)
    id: int | None = Field(default=None, primary_key=True)
    credential_id: int = Field(foreign_key="graduate_credential.id", ondelete="CASCADE")
    version: int
    threshold: int  # days before expiry: 60, 30 or 7
    sent_at: datetime = Field(default_factory=utcnow)
