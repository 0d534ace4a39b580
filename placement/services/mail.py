"""Outgoing mail through one small mailer.

Every message is a row in the outbox first (the recipient also reads it in the app);
`placement send-mail` delivers pending rows through SMTP_URL. With MAIL_DIR set, each message
is also written there as an .eml file at once, which is how development and tests read links.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlmodel import Session, select

from placement.config import Settings
from placement.models import Message, utcnow

log = logging.getLogger("placement.mail")
SENDER = "Career Services <careers@placement.invalid>"


def queue(
    db: Session,
    settings: Settings,
    *,
    to_email: str,
    subject: str,
    body: str,
    to_user_id: int | None = None,
    kind: str = "",
) -> Message:
    message = Message(
        recipient_user_id=to_user_id,
        recipient_email=to_email,
        subject=subject[:300],
        body=body,
        kind=kind,
    )
    db.add(message)
    db.flush()
    if settings.mail_dir is not None:
        _write_eml(settings.mail_dir, message)
    log.info("queued mail %s to %s: %s", message.id, to_email, subject)
    return message


def _as_email(message: Message) -> EmailMessage:
    email = EmailMessage()
    email["From"] = SENDER
    email["To"] = message.recipient_email
    email["Subject"] = message.subject
    email.set_content(message.body)
    return email


def _write_eml(directory: Path, message: Message) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = message.created_at.strftime("%Y%m%dT%H%M%S")
    (directory / f"{stamp}-{message.id:08d}.eml").write_bytes(bytes(_as_email(message)))


def send_pending(db: Session, settings: Settings, *, limit: int = 500) -> int:
    """Deliver queued messages through SMTP_URL; returns how many were sent."""
    if not settings.smtp_url:
        return 0
    pending = db.exec(
        select(Message).where(Message.sent_at.is_(None)).order_by(Message.id).limit(limit)  # type: ignore[union-attr]
    ).all()
    if not pending:
        return 0
    url = urlsplit(settings.smtp_url)
    smtp_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    sent = 0
    with smtp_class(url.hostname or "localhost", url.port or 25, timeout=30) as smtp:
        if url.scheme == "smtp+starttls":
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        for message in pending:
            smtp.send_message(_as_email(message))
            message.sent_at = utcnow()
            db.add(message)
            sent += 1
    return sent
