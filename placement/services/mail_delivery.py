"""Handing due mail to the SMTP server (the worker's `mail.deliver` job, `placement send-mail`).

Each run claims a batch of due messages with one conditional update (a short lease on the
rows), commits, and only then talks to the server, so two workers never send one message
twice and no transaction stays open during the SMTP conversation. Each outcome is committed
as soon as it is known:
- accepted: `sent`;
- the server down, a timeout, or a 4xx answer: still `queued`, tried again after a back-off
  (30 s, 2 min, 10 min, 30 min, then hourly) until the server takes it;
- a 5xx answer: `failed`, with the server's words kept for staff (/staff/mail); never retried.
A refused recipient costs only its own message: the conversation goes on with the next one.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import unquote, urlsplit

from sqlalchemy import and_, func, or_, update
from sqlmodel import Session, col, select

from placement.config import Settings
from placement.models import MailStatus, Message, utcnow
from placement.services import mail

log = logging.getLogger("placement.mail")

BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=1),
)
CLAIM = timedelta(minutes=5)
BATCH = 100
SMTP_TIMEOUT_SECONDS = 30.0


def backoff(attempts: int) -> timedelta:
    """The wait before the next try after `attempts` failed tries (1 or more)."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


@dataclass(frozen=True)
class _Outcome:
    status: MailStatus  # SENT, FAILED, or QUEUED (try again)
    error: str = ""


class _ConnectionLost(Exception):
    """The server went away mid-batch: this and every later message waits for a retry."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def deliver(
    db: Session,
    settings: Settings,
    now: datetime | None = None,
    *,
    limit: int = BATCH,
    timeout: float = SMTP_TIMEOUT_SECONDS,
) -> int:
    """Deliver the due messages through SMTP_URL; returns how many the server accepted."""
    if not settings.smtp_url:
        return 0
    now = now or utcnow()
    claimed = _claim(db, now, limit)
    if not claimed:
        return 0
    try:
        smtp = _connect(settings.smtp_url, timeout)
    except (OSError, smtplib.SMTPException) as error:
        text = _describe(error)
        log.warning("SMTP server unavailable (%s): %d message(s) wait", text, len(claimed))
        for message in claimed:
            _record(db, message, _Outcome(MailStatus.QUEUED, text), now)
        return 0
    sent = 0
    try:
        for index, message in enumerate(claimed):
            try:
                outcome = _send(smtp, db, message)
            except _ConnectionLost as lost:
                for waiting in claimed[index:]:
                    _record(db, waiting, _Outcome(MailStatus.QUEUED, lost.error), now)
                break
            _record(db, message, outcome, now)
            sent += outcome.status == MailStatus.SENT
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return sent


def _claim(db: Session, now: datetime, limit: int) -> list[Message]:
    token = uuid.uuid4().hex[:12]
    due = and_(
        col(Message.status) == MailStatus.QUEUED,
        or_(col(Message.next_attempt_at).is_(None), col(Message.next_attempt_at) <= now),
        or_(col(Message.claimed_until).is_(None), col(Message.claimed_until) < now),
    )
    ids = db.exec(select(Message.id).where(due).order_by(col(Message.id)).limit(limit)).all()
    if not ids:
        db.commit()
        return []
    # The condition is checked again row by row: a row another worker claimed in between
    # (PostgreSQL re-reads it after that worker commits) is left to it.
    db.exec(
        update(Message)
        .where(col(Message.id).in_(ids), due)
        .values(claimed_by=token, claimed_until=now + CLAIM)
    )
    db.commit()
    return list(
        db.exec(
            select(Message)
            .where(col(Message.claimed_by) == token, col(Message.status) == MailStatus.QUEUED)
            .order_by(col(Message.id))
            .execution_options(populate_existing=True)
        ).all()
    )


def _connect(smtp_url: str, timeout: float) -> smtplib.SMTP:
    url = urlsplit(smtp_url)
    host, port = url.hostname or "localhost", url.port
    smtp: smtplib.SMTP
    if url.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(host, port or 465, timeout=timeout)
    else:
        smtp = smtplib.SMTP(host, port or 25, timeout=timeout)
    try:
        if url.scheme == "smtp+starttls":
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
    except BaseException:
        smtp.close()
        raise
    return smtp


def _send(smtp: smtplib.SMTP, db: Session, message: Message) -> _Outcome:
    email = mail.as_email(message, mail.attachments_of(db, message.id or 0))
    db.commit()  # reading the attachments must not hold a transaction during the conversation
    try:
        refused = smtp.send_message(email)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        text = "; ".join(f"{code} {_text_of(words)}" for code, words in error.recipients.values())
        return _Outcome(MailStatus.FAILED if min(codes) >= 500 else MailStatus.QUEUED, text)
    except smtplib.SMTPResponseException as error:
        text = f"{error.smtp_code} {_text_of(error.smtp_error)}"
        if error.smtp_code >= 500:
            return _Outcome(MailStatus.FAILED, text)
        if error.smtp_code == 421 or error.smtp_code < 400:  # the server is closing on us
            raise _ConnectionLost(text) from error
        return _Outcome(MailStatus.QUEUED, text)
    except smtplib.SMTPServerDisconnected as error:
        raise _ConnectionLost(_describe(error)) from error
    except (smtplib.SMTPNotSupportedError, ValueError) as error:
        # This message cannot be sent as it is (an address this server cannot take, such as
        # a non-ASCII one without SMTPUTF8): no retry would change that.
        return _Outcome(MailStatus.FAILED, _describe(error))
    except smtplib.SMTPException as error:  # (a subclass of OSError: caught before it)
        return _Outcome(MailStatus.QUEUED, _describe(error))
    except OSError as error:  # the connection broke or timed out
        raise _ConnectionLost(_describe(error)) from error
    if refused:  # one recipient per message, so this is not reached; kept for safety
        return _Outcome(MailStatus.QUEUED, str(refused)[:500])
    return _Outcome(MailStatus.SENT)


def _record(db: Session, message: Message, outcome: _Outcome, now: datetime) -> None:
    error = outcome.error[:500]
    values: dict[str, object] = {"claimed_by": "", "claimed_until": None, "last_error": error}
    if outcome.status == MailStatus.SENT:
        values.update(status=MailStatus.SENT, sent_at=utcnow())
    elif outcome.status == MailStatus.FAILED:
        values.update(status=MailStatus.FAILED, failed_at=utcnow())
        log.warning("mail %s to %s refused: %s", message.id, message.recipient_email, error)
    else:
        attempts = message.attempts + 1
        values.update(attempts=attempts, next_attempt_at=now + backoff(attempts))
    db.exec(
        update(Message)
        .where(col(Message.id) == message.id, col(Message.claimed_by) == message.claimed_by)
        .values(**values)
    )
    db.commit()


def _text_of(words: bytes | str) -> str:
    return words.decode("utf-8", "replace") if isinstance(words, bytes) else str(words)


def _describe(error: BaseException) -> str:
    return (f"{type(error).__name__}: {error}" if str(error) else type(error).__name__)[:500]


# -- what staff see --------------------------------------------------------------------------


@dataclass(frozen=True)
class FailedMail:
    id: int
    recipient_email: str
    subject: str
    kind: str
    created_at: datetime
    failed_at: datetime | None
    error: str


def failed(db: Session, *, limit: int = 200) -> list[FailedMail]:
    """Mail the SMTP server refused for good, newest first."""
    rows = db.exec(
        select(Message)
        .where(col(Message.status) == MailStatus.FAILED)
        .order_by(col(Message.failed_at).desc(), col(Message.id).desc())
        .limit(limit)
    ).all()
    return [
        FailedMail(
            id=row.id or 0,
            recipient_email=row.recipient_email,
            subject=row.subject,
            kind=row.kind,
            created_at=row.created_at,
            failed_at=row.failed_at,
            error=row.last_error,
        )
        for row in rows
    ]


def waiting_count(db: Session) -> int:
    """Due messages the server has not taken yet (queued, at least one failed try)."""
    return int(
        db.exec(
            select(func.count())
            .select_from(Message)
            .where(col(Message.status) == MailStatus.QUEUED, col(Message.attempts) > 0)
        ).one()
    )
