"""The mails of an interview: to the graduate, to the employer's team, or to everyone each in
their own language with the calendar file and the links to the interview."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from placement import i18n, localtime
from placement.config import Settings
from placement.i18n import gettext
from placement.models import Interview
from placement.services import mail
from placement.services.conversation import Context, Recipient, recipients
from placement.services.interviews.ics import _attachment
from placement.services.interviews.rules import MODES


def interview_words(
    settings: Settings, context: Context, interview: Interview, start: datetime
) -> dict[str, object]:
    """What the confirmation and the reminder say of an interview, for their placeholders
    (worded in the reader's language when called inside their compose)."""
    return {
        "position": context.position.title,
        "employer": context.employer.name,
        "graduate": context.graduate_name,
        "when": localtime.format_datetime(start, settings),
        "minutes": interview.duration_minutes,
        "mode": MODES[interview.mode].lower(),
    }


def _interviews_link(settings: Settings) -> str:
    from placement import links

    return links.url(settings, "graduate:interviews")


def _application_link(settings: Settings, side: str, application_id: int) -> str:
    from placement.services.conversation import application_link

    return application_link(settings, side, application_id)


def _mail(
    db: Session,
    settings: Settings,
    person: Recipient,
    *,
    kind: str,
    subject: str,
    lines: list[str],
    attachments: list[tuple[str, str, bytes]] | None = None,
) -> None:
    body = "\n".join([gettext("Hello %(name)s,", name=person.name or person.email), "", *lines, ""])
    mail.queue(
        db,
        settings,
        to_email=person.email,
        to_user_id=person.user_id,
        subject=subject,
        body=body,
        kind=kind,
        attachments=attachments or (),
    )


def _mail_everyone(
    db: Session,
    settings: Settings,
    context: Context,
    interview: Interview,
    *,
    kind: str,
    compose: Callable[[], tuple[str, list[str]]],
) -> None:
    """The graduate and every member of the employer, each in their own language (`compose`
    words the subject and the lines in the current one), with the calendar file when there is
    one and the links to the interview."""
    ics_link = None
    if interview.confirmed_start is not None:
        from placement import links

        ics_link = links.url(settings, "interview_ics", interview_id=interview.id)
    for person in recipients(db, context):
        page = (
            _interviews_link(settings)
            if person.side == "graduate"
            else _application_link(settings, "employer", context.application.id or 0)
        )
        with i18n.using(person.language):
            subject, lines = compose()
            extra = [gettext("Calendar file: %(link)s", link=ics_link)] if ics_link else []
            _mail(
                db,
                settings,
                person,
                kind=kind,
                subject=subject,
                lines=[*lines, *extra, gettext("Details: %(link)s", link=page)],
                attachments=_attachment(context, interview),
            )
