"""The ledger: audit events, the outbox (which doubles as in-app notifications) and changes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from placement.models._base import one_of, utcnow


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


class MailStatus(StrEnum):
    """Where an outgoing message is on its way (see placement.services.mail)."""

    QUEUED = "queued"  # due: waiting for SMTP delivery (or kept in the outbox without SMTP_URL)
    SENT = "sent"  # accepted by the SMTP server
    FAILED = "failed"  # permanently refused (5xx): recorded, shown to staff, never retried
    HELD = "held"  # waiting for the recipient's daily or weekly digest
    DIGESTED = "digested"  # went out inside a digest (digest_id names it)
    SKIPPED = "skipped"  # the recipient's frequency is `off`: in the app only, never mailed


class Message(SQLModel, table=True):
    """An outgoing e-mail; the recipient also reads it in the app as a notification."""

    __table_args__ = (CheckConstraint(one_of("status", MailStatus), name="status"),)
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
    status: str = Field(default=MailStatus.QUEUED, max_length=16, index=True)
    # Delivery: failed attempts so far, when the next may be made, and the server's last word.
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = None
    last_error: str = Field(default="", max_length=500)
    failed_at: datetime | None = None
    # A worker claims a message before talking to the server, so two never send it twice.
    claimed_by: str = Field(default="", max_length=128)
    claimed_until: datetime | None = None
    # For a held item: the digest message that carried it.
    digest_id: int | None = Field(default=None, foreign_key="message.id", ondelete="SET NULL")


class MessageAttachment(SQLModel, table=True):
    """A file sent with a message (e.g. an interview's .ics)."""

    __tablename__ = "message_attachment"
    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True, ondelete="CASCADE")
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class DigestRun(SQLModel, table=True):
    """One row per person and digest period: the unique pair makes a digest go out once."""

    __tablename__ = "digest_run"
    __table_args__ = (UniqueConstraint("user_id", "period"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    period: str = Field(max_length=32)  # e.g. daily:2026-12-01, weekly:2026-W49
    message_id: int | None = Field(default=None, foreign_key="message.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


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
