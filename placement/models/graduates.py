"""Graduates, their modalities and their credentials."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from placement.models._base import utcnow


class Graduate(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # Null for a roster entry nobody has claimed yet, and after the account was deleted.
    user_id: int | None = Field(
        default=None, foreign_key="user.id", unique=True, ondelete="SET NULL"
    )
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100, index=True)
    email: str = Field(default="", max_length=254)
    student_id: str | None = Field(default=None, max_length=40, unique=True)
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
    outcome_status: str = Field(default="seeking", max_length=16, index=True)
    unavailable_reason: str | None = Field(default=None, max_length=32)
    outcome_note: str = Field(default="", max_length=2000)
    verified_at: datetime | None = None
    verified_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    resume_file: str | None = Field(default=None, max_length=80)
    resume_name: str | None = Field(default=None, max_length=200)
    resume_uploaded_at: datetime | None = None
    deleted_at: datetime | None = None
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


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
    created_at: datetime = Field(default_factory=utcnow)
