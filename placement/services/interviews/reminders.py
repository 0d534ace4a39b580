"""The day-before reminder of a confirmed interview (the worker's `interviews.remind` job)."""

from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from placement.config import Settings
from placement.i18n import gettext
from placement.models import ApplicationStage, Interview, InterviewStatus
from placement.services import Actor
from placement.services.conversation import Context, application_for_party
from placement.services.interviews.notices import _mail_everyone, interview_words
from placement.services.interviews.rules import _I, _INTERVIEW, REMINDER_AHEAD


def _reminder(settings: Settings, context: Context, interview: Interview) -> tuple[str, list[str]]:
    assert interview.confirmed_start is not None
    words = interview_words(settings, context, interview, interview.confirmed_start)
    subject = gettext(
        "Tomorrow: interview for %(position)s, %(when)s",
        position=words["position"],
        when=words["when"],
    )
    return subject, [
        gettext(
            "A reminder: the interview for %(position)s at %(employer)s with %(graduate)s is at "
            "%(when)s (%(minutes)s minutes, %(mode)s).",
            **words,
        ),
        gettext("Where: %(location)s", location=interview.location),
    ]


def send_reminders(db: Session, settings: Settings, now: datetime) -> int:
    """Remind both sides of each confirmed interview starting within the next day, once:
    the conditional update on `reminder_sent_at` lets only one worker claim each."""
    due = db.exec(
        select(Interview.id).where(
            Interview.status == InterviewStatus.CONFIRMED,
            col(Interview.reminder_sent_at).is_(None),
            col(Interview.confirmed_start) > now,
            col(Interview.confirmed_start) <= now + REMINDER_AHEAD,
        )
    ).all()
    sent = 0
    for interview_id in due:
        claimed = db.exec(
            update(_INTERVIEW)
            .where(
                _I.id == interview_id,
                _I.reminder_sent_at.is_(None),
                _I.status == InterviewStatus.CONFIRMED,
            )
            .values(reminder_sent_at=now)
        )
        if claimed.rowcount != 1:
            continue
        interview = db.get(Interview, interview_id)
        if interview is None or interview.confirmed_start is None:  # pragma: no cover
            continue
        db.refresh(interview)
        context = application_for_party(
            db, Actor(user_id=0, role="staff"), interview.application_id
        )
        if context.closed or context.application.stage in (
            ApplicationStage.REJECTED,
            ApplicationStage.HIRED,
        ):
            continue
        _mail_everyone(
            db,
            settings,
            context,
            interview,
            kind="interview.reminder",
            compose=functools.partial(_reminder, settings, context, interview),
        )
        db.commit()  # each reminder is its own unit: a failure later sends nothing twice
        sent += 1
    return sent
