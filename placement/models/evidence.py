"""Evidence of outcomes: documents on a placement, and the one-time links that ask an
employer to confirm a placement or a graduate to tell their own outcome."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from placement.models._base import one_of, utcnow


class PlacementDocument(SQLModel, table=True):
    """A file staff attached to a placement (an offer letter, a pay stub): PDF, JPEG or PNG
    by content, stored under a generated name outside static/."""

    __tablename__ = "placement_document"
    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(foreign_key="placement.id", index=True, ondelete="CASCADE")
    stored_file: str = Field(max_length=80)
    name: str = Field(max_length=200)
    content_type: str = Field(max_length=40)
    size: int = Field(default=0)
    uploaded_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    uploaded_at: datetime = Field(default_factory=utcnow)


class LinkPurpose(StrEnum):
    VERIFICATION = "verification"  # an employer's contact confirms a placement
    SURVEY = "survey"  # a graduate tells their own outcome


class OutcomeLink(SQLModel, table=True):
    """A single-use link mailed to someone without an account (or without signing in).

    Only the hash is kept. A link works once, expires, and dies when a newer one is issued
    for the same purpose and placement (verification) or graduate (survey); the links of one
    request (each member of an organisation gets their own) die together when one is used.
    """

    __tablename__ = "outcome_link"
    __table_args__ = (CheckConstraint(one_of("purpose", LinkPurpose), name="purpose"),)
    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(max_length=16)
    graduate_id: int = Field(foreign_key="graduate.id", index=True, ondelete="CASCADE")
    placement_id: int | None = Field(
        default=None, foreign_key="placement.id", index=True, ondelete="CASCADE"
    )
    token_hash: str = Field(max_length=64, unique=True)
    sent_to: str = Field(max_length=254)
    requested_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    # Asked 90 days or more after the placement's start: a "yes" is a re-verification.
    sustained: bool = Field(default=False)
    used_at: datetime | None = None
    # What came back: yes / no (verification); the survey's status; "" while unanswered,
    # and for a link that died unused (replaced, or another link of its request answered).
    answer: str = Field(default="", max_length=32)
    answer_detail: str = Field(default="", max_length=4000)  # JSON of the fields sent
