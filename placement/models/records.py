"""The ledger: audit events, the outbox (which doubles as in-app notifications) and changes."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from placement.models._base import utcnow


class AuditEvent(SQLModel, table=True):
    """Append-only: the app offers no way to edit or delete a row."""

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    actor_user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    actor_role: str = Field(default="", max_length=16)
    action: str = Field(max_length=64, index=True)
    object_type: str = Field(default="", max_length=32, index=True)
    object_id: int | None = None
    detail: str = Field(default="", max_length=4000)
    before: str | None = None  # JSON
    after: str | None = None  # JSON
    ip: str = Field(default="", max_length=64)
    at: datetime = Field(default_factory=utcnow, index=True)


class Message(SQLModel, table=True):
    """An outgoing e-mail; the recipient also reads it in the app as a notification."""

    id: int | None = Field(default=None, primary_key=True)
    recipient_user_id: int | None = Field(
        default=None, foreign_key="user.id", index=True, ondelete="SET NULL"
    )
    recipient_email: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    body: str = Field(default="")
    kind: str = Field(default="", max_length=32)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = Field(default=None, index=True)
    read_at: datetime | None = None


class Change(SQLModel, table=True):
    """A graduate or position whose matching record changed; web workers replay these rows."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # graduate | position
    object_id: int
    at: datetime = Field(default_factory=utcnow)


class JobLease(SQLModel, table=True):
    """One row per periodic job: who holds it, until when, and when it is next due.

    A worker takes a job with a conditional update (free or expired lease, and due), so two
    workers on one database never run the same job at once.
    """

    __tablename__ = "job_lease"
    name: str = Field(primary_key=True, max_length=64)
    locked_by: str = Field(default="", max_length=128)
    locked_until: datetime | None = None
    next_run_at: datetime | None = None
    last_finished_at: datetime | None = None
    last_result: str = Field(default="", max_length=500)
