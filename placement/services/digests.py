"""Daily and weekly digests: the held `digest`-class mail of a person, in one message.

A daily digest gathers what was held before the school's local midnight, a weekly one what was
held before Monday's; the worker's `mail.digest` job makes them once the period is over. Each
goes out once per person and period even with two workers at once: a `DigestRun` row, unique
per (user, period), is inserted first, and the held items are then taken by a conditional
update (only rows still `held`), so no item can travel in two digests either.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from placement import i18n, links
from placement.config import Settings
from placement.i18n import N_, gettext, ngettext
from placement.localtime import day_bounds_utc, local_today
from placement.models import DigestRun, EmailFrequency, MailStatus, Message, User
from placement.services import mail

log = logging.getLogger("placement.mail")


@dataclass(frozen=True)
class Period:
    frequency: EmailFrequency
    key: str  # the DigestRun period, e.g. daily:2026-11-30 or weekly:2026-W48
    ends_at: datetime  # UTC: items held before this go into the digest


def periods_ended(settings: Settings, now: datetime) -> list[Period]:
    """The latest daily and weekly periods that are over at `now` (school time)."""
    today = local_today(settings, now)
    day_start, _ = day_bounds_utc(today, settings)
    yesterday = today - timedelta(days=1)
    monday = today - timedelta(days=today.weekday())
    week_start, _ = day_bounds_utc(monday, settings)
    last_week = (monday - timedelta(days=7)).isocalendar()
    return [
        Period(EmailFrequency.DAILY, f"daily:{yesterday.isoformat()}", day_start),
        Period(
            EmailFrequency.WEEKLY,
            f"weekly:{last_week.year}-W{last_week.week:02d}",
            week_start,
        ),
    ]


def make_due(db: Session, settings: Settings, now: datetime) -> int:
    """Make every digest whose period is over; returns how many were queued."""
    made = 0
    for period in periods_ended(settings, now):
        user_ids = db.exec(
            select(Message.recipient_user_id)
            .join(User, col(User.id) == col(Message.recipient_user_id))
            .where(
                col(Message.status) == MailStatus.HELD,
                col(Message.created_at) < period.ends_at,
                col(User.email_frequency) == period.frequency,
            )
            .distinct()
        ).all()
        for user_id in sorted(uid for uid in user_ids if uid is not None):
            made += send_digest(db, settings, user_id, period.key, before=period.ends_at)
    return made


def send_digest(
    db: Session, settings: Settings, user_id: int, period: str, *, before: datetime | None = None
) -> int:
    """Gather the user's held items (before `before`, or all) into one digest for `period`.

    Returns 1 when a digest was queued, 0 when this period's was already made or nothing
    was held.
    """
    user = db.get(User, user_id)
    if user is None:
        return 0
    try:
        with db.begin_nested():
            run = DigestRun(user_id=user_id, period=period)
            db.add(run)
            db.flush()
    except IntegrityError:
        return 0  # another worker made this person's digest for the period
    conditions = [
        col(Message.recipient_user_id) == user_id,
        col(Message.status) == MailStatus.HELD,
    ]
    if before is not None:
        conditions.append(col(Message.created_at) < before)
    taken = [
        int(row)
        for row in db.exec(
            update(Message)
            .where(*conditions)
            .values(status=MailStatus.DIGESTED)
            .returning(col(Message.id))
        ).scalars()
    ]
    if not taken:
        return 0
    items = db.exec(
        select(Message)
        .where(col(Message.id).in_(taken))
        .order_by(col(Message.created_at), col(Message.id))
        .execution_options(populate_existing=True)
    ).all()
    subject, body = _compose(settings, user, period, list(items))
    digest = mail.queue_digest(
        db, settings, to_email=user.email, to_user_id=user_id, subject=subject, body=body
    )
    db.exec(update(Message).where(col(Message.id).in_(taken)).values(digest_id=digest.id))
    run.message_id = digest.id
    db.add(run)
    log.info("digest %s for user %s: %d item(s)", period, user_id, len(taken))
    return 1


def release_held(db: Session, settings: Settings, user: User, now: datetime) -> int:
    """After a change of frequency: `immediate` sends what was held now (as one digest),
    `off` keeps it in the app only; daily and weekly keep holding it."""
    if user.id is None:
        return 0
    if user.email_frequency == EmailFrequency.IMMEDIATE:
        return send_digest(db, settings, user.id, f"now:{now.isoformat(timespec='seconds')}")
    if user.email_frequency == EmailFrequency.OFF:
        result = db.exec(
            update(Message)
            .where(
                col(Message.recipient_user_id) == user.id,
                col(Message.status) == MailStatus.HELD,
            )
            .values(status=MailStatus.SKIPPED)
        )
        return int(result.rowcount or 0)
    return 0


# -- the message -----------------------------------------------------------------------------

TITLES = {
    "daily": N_("Your daily digest"),
    "weekly": N_("Your weekly digest"),
    "now": N_("What we held for your digest"),
}


def _compose(settings: Settings, user: User, period: str, items: list[Message]) -> tuple[str, str]:
    """The digest in its recipient's language (the account's `language`)."""
    with i18n.using(user.language):
        title = gettext(TITLES.get(period.split(":", 1)[0], TITLES["now"]))
        subject = ngettext(
            "%(title)s: %(num)s update", "%(title)s: %(num)s updates", len(items), title=title
        )
        parts = [
            gettext("Hello %(name)s,", name=user.name or user.email),
            "",
            gettext("Here is what happened on the placement network:"),
            "",
        ]
        for item in items:
            parts.append(f"— {item.subject}")
            parts.append("")
            parts.append(_strip_greeting(item.body).strip())
            parts.append("")
        parts.append(
            gettext(
                "You receive this digest because of your notification settings; change them here:"
            )
        )
    parts.append(links.url(settings, "notification_settings"))
    return subject, "\n".join(parts) + "\n"


def _strip_greeting(body: str) -> str:
    """Drop an item's own "Hello …," line: the digest greets once."""
    first, _, rest = body.partition("\n")
    if first.lower().startswith(("hello", "hola")) and len(first) < 120:
        return rest
    return body
