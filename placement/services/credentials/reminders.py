"""The reminder series before a credential expires (the worker's `credentials.remind` job)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from placement import i18n, links, taxonomy
from placement.config import Settings
from placement.i18n import gettext, ngettext
from placement.localtime import format_date
from placement.models import (
    CredentialReminder,
    Graduate,
    GraduateCredential,
    User,
)
from placement.services import mail

# Days before expiry at which the graduate is reminded; the 7-day mail is time-critical.
REMINDER_THRESHOLDS = (60, 30, 7)
REMINDER_KINDS = {days: f"credential.reminder_{days}" for days in REMINDER_THRESHOLDS}


def reminder_threshold(days_left: int) -> int | None:
    """The reminder due with `days_left` days before expiry: the tightest threshold reached
    (45 days left: the 60-day one; 5 days: the 7-day one), None for an expired card or one
    with more than 60 days left."""
    if days_left < 0:
        return None
    reached = [days for days in REMINDER_THRESHOLDS if days_left <= days]
    return min(reached) if reached else None


def send_reminders(db: Session, settings: Settings, today: date) -> int:
    """Mail each reminder that is due, once per credential version and threshold.

    The unique CredentialReminder row is written first, in a savepoint, and the mail is queued
    only when this worker's row went in: two workers at once (or a job cut off and run again)
    never send one reminder twice. A renewal raises the version, so its series starts again.
    """
    horizon = today + timedelta(days=max(REMINDER_THRESHOLDS))
    rows: Sequence[Any] = db.execute(
        sa_select(
            col(GraduateCredential.id),
            col(GraduateCredential.code),
            col(GraduateCredential.version),
            col(GraduateCredential.expires_on),
            col(Graduate.first_name),
            col(User.id).label("user_id"),
            col(User.email),
            col(User.language),
        )
        .join(Graduate, col(Graduate.id) == col(GraduateCredential.graduate_id))
        .join(User, col(User.id) == col(Graduate.user_id))
        .where(
            col(GraduateCredential.expires_on) >= today,
            col(GraduateCredential.expires_on) <= horizon,
            col(Graduate.deleted_at).is_(None),
            col(User.active).is_(True),
        )
        .order_by(col(GraduateCredential.expires_on), col(GraduateCredential.id))
    ).all()
    if not rows:
        return 0
    done = {
        (credential_id, version, threshold)
        for credential_id, version, threshold in db.exec(
            select(
                CredentialReminder.credential_id,
                CredentialReminder.version,
                CredentialReminder.threshold,
            ).where(col(CredentialReminder.credential_id).in_([row.id for row in rows]))
        ).all()
    }
    sent = 0
    for row in rows:
        threshold = reminder_threshold((row.expires_on - today).days)
        if threshold is None or (row.id, row.version, threshold) in done:
            continue
        try:
            with db.begin_nested():
                db.add(
                    CredentialReminder(
                        credential_id=row.id, version=row.version, threshold=threshold
                    )
                )
                db.flush()
        except IntegrityError:
            continue  # another worker sent this one
        _queue_reminder(db, settings, row, threshold, today)
        sent += 1
    return sent


def _reminder_text(label: str, days_left: int, expires_on: date) -> tuple[str, str]:
    """The subject and the first sentence of a reminder, each worded whole."""
    day = format_date(expires_on)
    if days_left == 0:
        return (
            gettext("Your %(credential)s expires today", credential=label),
            gettext("Your %(credential)s expires today, %(date)s.", credential=label, date=day),
        )
    if days_left == 1:
        return (
            gettext("Your %(credential)s expires tomorrow", credential=label),
            gettext("Your %(credential)s expires tomorrow, %(date)s.", credential=label, date=day),
        )
    return (
        ngettext(
            "Your %(credential)s expires in %(num)s day",
            "Your %(credential)s expires in %(num)s days",
            days_left,
            credential=label,
        ),
        ngettext(
            "Your %(credential)s expires in %(num)s day, on %(date)s.",
            "Your %(credential)s expires in %(num)s days, on %(date)s.",
            days_left,
            credential=label,
            date=day,
        ),
    )


def _queue_reminder(db: Session, settings: Settings, row: Any, threshold: int, today: date) -> None:
    """One reminder, worded in the graduate's language (the job has no reader of its own)."""
    with i18n.using(row.language):
        label = taxonomy.label(taxonomy.CREDENTIALS, row.code)
        subject, first = _reminder_text(label, (row.expires_on - today).days, row.expires_on)
        link = links.url(settings, "graduate:credential_edit", credential_id=row.id)
        body = gettext(
            "Hello %(name)s,\n\n"
            "%(expiry)s\n\n"
            "Positions that require it stop counting it once it has expired. When you have "
            "renewed it, enter the new number or dates and upload a scan of the new card, so "
            "career services can verify it:\n\n%(link)s\n\n"
            "Career Services\n",
            name=row.first_name,
            expiry=first,
            link=link,
        )
    mail.queue(
        db,
        settings,
        to_email=row.email,
        to_user_id=row.user_id,
        subject=subject,
        body=body,
        kind=REMINDER_KINDS[threshold],
    )
