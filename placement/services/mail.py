"""Outgoing mail through one small mailer, bound to the unit of work.

`queue()` is the one call that sends a mail. It writes a row in the outbox (the recipient also
reads it in the app) with its attachments, and decides from the kind's class
(`mail_kinds`) and the recipient's `email_frequency` whether the message is due now, held for
the recipient's digest, or never mailed (`off`). A due message is written to MAIL_DIR as an
.eml file when the transaction that queued it commits — a rolled-back action leaves no file —
and the worker's `mail.deliver` job hands it to SMTP_URL (placement/jobs/mail.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect
from sqlmodel import Session, col, select

from placement.config import Settings
from placement.models import (
    EmailFrequency,
    Language,
    MailStatus,
    Message,
    MessageAttachment,
    User,
)
from placement.services.mail_kinds import MailClass, mail_class

log = logging.getLogger("placement.mail")
SENDER = "Career Services <careers@placement.invalid>"

# (filename, content type such as "text/calendar", content)
Attachment = tuple[str, str, bytes]

_PENDING_FILES = "placement.mail.pending_files"


def queue(
    db: Session,
    settings: Settings,
    *,
    to_email: str,
    subject: str,
    body: str,
    to_user_id: int | None = None,
    kind: str,
    attachments: Sequence[Attachment] = (),
) -> Message:
    """Queue one mail of `kind` (a key of mail_kinds.KINDS); returns its outbox row.

    Nothing leaves before the caller's transaction commits.
    """
    status = _status_for(mail_class(kind), _frequency(db, to_user_id))
    message = Message(
        recipient_user_id=to_user_id,
        recipient_email=to_email,
        subject=subject[:300],
        body=body,
        kind=kind,
        status=status,
    )
    db.add(message)
    db.flush()
    assert message.id is not None
    for filename, content_type, content in attachments:
        db.add(
            MessageAttachment(
                message_id=message.id,
                filename=filename[:255],
                content_type=content_type[:100],
                content=content,
            )
        )
    if attachments:
        db.flush()
    if status == MailStatus.QUEUED:
        when_committed(db, settings, message, list(attachments))
    log.info("queued mail %s (%s, %s) to %s: %s", message.id, kind, status, to_email, subject)
    return message


DIGEST_KIND = "digest"


def queue_digest(
    db: Session, settings: Settings, *, to_email: str, to_user_id: int, subject: str, body: str
) -> Message:
    """A digest (services/digests.py): due at once. Its items are already in the app, so it
    is not a notification of its own (born read, and left out of the list)."""
    message = Message(
        recipient_user_id=to_user_id,
        recipient_email=to_email,
        subject=subject[:300],
        body=body,
        kind=DIGEST_KIND,
        status=MailStatus.QUEUED,
    )
    message.read_at = message.created_at
    db.add(message)
    db.flush()
    when_committed(db, settings, message, ())
    log.info("queued digest %s to %s", message.id, to_email)
    return message


def language_of(db: Session, user_id: int | None) -> str:
    """The language an account reads its mail in (`/account/notifications`); English for an
    address without an account. Compose a mail inside `i18n.using(language_of(...))`."""
    if user_id is None:
        return Language.EN
    language = db.exec(select(User.language).where(User.id == user_id)).first()
    return language or Language.EN


def _frequency(db: Session, user_id: int | None) -> str:
    if user_id is None:
        return EmailFrequency.IMMEDIATE
    frequency = db.exec(select(User.email_frequency).where(User.id == user_id)).first()
    return frequency or EmailFrequency.IMMEDIATE


def _status_for(klass: MailClass, frequency: str) -> MailStatus:
    if klass != MailClass.DIGEST or frequency == EmailFrequency.IMMEDIATE:
        return MailStatus.QUEUED
    if frequency == EmailFrequency.OFF:
        return MailStatus.SKIPPED
    return MailStatus.HELD


# -- the message as the world sees it --------------------------------------------------------


def as_email(message: Message, attachments: Sequence[Attachment] = ()) -> EmailMessage:
    email = EmailMessage()
    email["From"] = SENDER
    email["To"] = message.recipient_email
    email["Subject"] = message.subject
    email["Message-ID"] = f"<placement-{message.id}@placement.invalid>"
    email.set_content(message.body)
    for filename, content_type, content in attachments:
        maintype, _, subtype = content_type.partition("/")
        email.add_attachment(
            content, maintype=maintype, subtype=subtype or "octet-stream", filename=filename
        )
    return email


def attachments_of(db: Session, message_id: int) -> list[Attachment]:
    rows = db.exec(
        select(MessageAttachment)
        .where(MessageAttachment.message_id == message_id)
        .order_by(col(MessageAttachment.id))
    ).all()
    return [(row.filename, row.content_type, row.content) for row in rows]


# -- files after commit ----------------------------------------------------------------------


@dataclass(frozen=True)
class _PendingFile:
    message: Message
    directory: Path
    name: str
    content: bytes


def when_committed(
    db: Session, settings: Settings, message: Message, attachments: Sequence[Attachment]
) -> None:
    """Write the message to MAIL_DIR once `db`'s transaction commits (never if it rolls back,
    nor if the savepoint that added it rolls back)."""
    if settings.mail_dir is None:
        return
    stamp = message.created_at.strftime("%Y%m%dT%H%M%S")
    pending = _PendingFile(
        message=message,
        directory=settings.mail_dir,
        name=f"{stamp}-{message.id:08d}.eml",
        content=bytes(as_email(message, attachments)),
    )
    db.info.setdefault(_PENDING_FILES, []).append(pending)
    if not event.contains(db, "after_commit", _write_pending):
        event.listen(db, "after_commit", _write_pending)
        event.listen(db, "after_transaction_end", _forget_pending)


def _write_pending(db: Session) -> None:
    if db.in_nested_transaction():
        return  # a savepoint was released: the transaction itself may still roll back
    for pending in db.info.pop(_PENDING_FILES, []):
        # A message added in a savepoint that rolled back is transient again: not sent.
        if not inspect(pending.message).persistent:
            continue
        try:
            pending.directory.mkdir(parents=True, exist_ok=True)
            (pending.directory / pending.name).write_bytes(pending.content)
        except OSError:
            log.exception("could not write %s to MAIL_DIR", pending.name)


def _forget_pending(db: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the whole transaction ended without a commit
        db.info.pop(_PENDING_FILES, None)
