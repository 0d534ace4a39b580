"""In-app notifications: the outbox's messages, read by their recipient.

Every side (graduates, employers) shows the same list and marks it read the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, col

from placement.models import Message, utcnow
from placement.services.mail import DIGEST_KIND


@dataclass(frozen=True)
class Notification:
    id: int
    subject: str
    body: str
    kind: str
    created_at: datetime
    read_at: datetime | None

    @property
    def unread(self) -> bool:
        return self.read_at is None


def recent(db: Session, user_id: int, *, limit: int = 30) -> list[Notification]:
    """The user's messages, newest first."""
    rows = db.execute(
        sa_select(
            col(Message.id),
            col(Message.subject),
            col(Message.body),
            col(Message.kind),
            col(Message.created_at),
            col(Message.read_at),
        )
        .where(col(Message.recipient_user_id) == user_id, col(Message.kind) != DIGEST_KIND)
        .order_by(col(Message.created_at).desc(), col(Message.id).desc())
        .limit(limit)
    ).all()
    return [Notification(*row) for row in rows]


def mark_read(db: Session, user_id: int) -> int:
    """Mark every unread notification of the user read; returns how many."""
    result = db.exec(
        update(Message)
        .where(col(Message.recipient_user_id) == user_id, col(Message.read_at).is_(None))
        .values(read_at=utcnow())
    )
    return int(result.rowcount or 0)
