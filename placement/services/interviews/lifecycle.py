"""An interview's answers and changes: loaded through its parties, confirmed or declined by the
graduate, cancelled by the employer. Every state change is a conditional UPDATE on the
interview's status, so two clicks give one result."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from placement import i18n, localtime
from placement.config import Settings
from placement.db import atomic
from placement.i18n import gettext
from placement.models import (
    ApplicationEvent,
    Interview,
    InterviewSlot,
    InterviewStatus,
    utcnow,
)
from placement.services import Actor, Conflict, DomainError, NotFound, audit, system_notes
from placement.services.conversation import Context, application_for_party, recipients
from placement.services.interviews.notices import (
    _application_link,
    _mail,
    _mail_everyone,
    interview_words,
)
from placement.services.interviews.rules import (
    _A,
    _APPLICATION,
    _I,
    _INTERVIEW,
    ALREADY,
    MAX_TEXT,
    _text,
)

# -- loading ---------------------------------------------------------------------------------


def interview_for_party(db: Session, party: Actor, interview_id: int) -> tuple[Interview, Context]:
    """The interview if `party` is one of its application's parties; NotFound otherwise."""
    if not 0 < interview_id < 2**31:
        raise NotFound
    interview = db.get(Interview, interview_id)
    if interview is None:
        raise NotFound
    return interview, application_for_party(db, party, interview.application_id)


def slots_of(db: Session, interview_id: int) -> list[datetime]:
    return list(
        db.exec(
            select(InterviewSlot.starts_at)
            .where(InterviewSlot.interview_id == interview_id)
            .order_by(col(InterviewSlot.starts_at))
        ).all()
    )


# -- the graduate's answer -------------------------------------------------------------------


def _change_status(
    db: Session, interview: Interview, expected: tuple[str, ...], **values: object
) -> None:
    result = db.exec(
        update(_INTERVIEW)
        .where(_I.id == interview.id, _I.status.in_(expected))
        .values(updated_at=utcnow(), sequence=_I.sequence + 1, **values)
    )
    if result.rowcount != 1:
        db.refresh(interview)
        raise Conflict(
            gettext(
                "%(already)s Nothing was changed.",
                already=ALREADY.get(interview.status, interview.status),
            )
        )
    db.refresh(interview)


@atomic
def confirm(
    db: Session,
    settings: Settings,
    context: Context,
    party: Actor,
    interview: Interview,
    slot: str,
    *,
    now: datetime | None = None,
) -> Interview:
    """The graduate confirms one of the proposed times: the application moves to `interview`
    and both sides get a mail with the calendar file."""
    if party.side != "graduate":
        raise NotFound
    now = now or utcnow()
    if context.closed:
        raise DomainError(context.closed_reason, "slot")
    if interview.status != InterviewStatus.PROPOSED:
        raise DomainError(ALREADY.get(interview.status, interview.status), "slot")
    if not (slot or "").strip():
        raise DomainError(gettext("Choose one of the proposed times."), "slot")
    try:
        start = localtime.parse_local(slot[:40], settings)
    except localtime.LocalTimeError as error:
        raise DomainError(str(error), "slot") from None
    if start not in slots_of(db, interview.id or 0):
        raise DomainError(
            gettext(
                "%(time)s is not one of the proposed times: choose one of them, or ask for "
                "other times.",
                time=localtime.format_datetime(start, settings),
            ),
            "slot",
        )
    if start <= now:
        raise DomainError(
            gettext("That time has already passed: ask the employer for other times."), "slot"
        )
    _change_status(db, interview, ("proposed",), status="confirmed", confirmed_start=start)
    _move_to_interview(db, context, party)
    audit.record(
        db,
        "interview.confirmed",
        actor=party,
        object_type="interview",
        object_id=interview.id,
        detail=f"application {context.application.id} at {start.isoformat()}",
    )

    def confirmed() -> tuple[str, list[str]]:
        words = interview_words(settings, context, interview, start)
        subject = gettext(
            "Interview confirmed: %(position)s, %(when)s",
            position=words["position"],
            when=words["when"],
        )
        return subject, [
            gettext(
                "The interview for %(position)s at %(employer)s with %(graduate)s is confirmed "
                "for %(when)s (%(minutes)s minutes, %(mode)s).",
                **words,
            ),
            gettext("Where: %(location)s", location=interview.location),
            "",
            gettext("The calendar file is attached."),
        ]

    _mail_everyone(db, settings, context, interview, kind="interview.confirmed", compose=confirmed)
    return interview


def _move_to_interview(db: Session, context: Context, party: Actor) -> None:
    """Confirmation moves a submitted or screened application to the interview stage."""
    application = context.application
    current = application.stage
    if current not in ("submitted", "screening"):
        return
    moved = db.exec(
        update(_APPLICATION)
        .where(_A.id == application.id, _A.stage == current)
        .values(stage="interview", updated_at=utcnow())
    )
    if moved.rowcount != 1:
        return  # the employer moved it meanwhile; their move stands
    db.refresh(application)
    db.add(
        ApplicationEvent(
            application_id=application.id or 0,
            from_stage=current,
            to_stage="interview",
            actor_user_id=party.user_id,
            note=system_notes.INTERVIEW_CONFIRMED,
        )
    )
    audit.record(
        db,
        "application.stage_changed",
        actor=party,
        object_type="application",
        object_id=application.id,
        detail=f"{current} -> interview (interview confirmed)",
        before={"stage": current},
        after={"stage": "interview"},
    )


@atomic
def decline(
    db: Session,
    settings: Settings,
    context: Context,
    party: Actor,
    interview: Interview,
    note: str,
) -> Interview:
    """The graduate asks for other times; the employer's team is told."""
    if party.side != "graduate":
        raise NotFound
    text = _text(note, "note", MAX_TEXT)
    if interview.status != InterviewStatus.PROPOSED:
        raise DomainError(ALREADY.get(interview.status, interview.status), "note")
    _change_status(db, interview, ("proposed",), status="declined", decline_note=text)
    audit.record(
        db,
        "interview.declined",
        actor=party,
        object_type="interview",
        object_id=interview.id,
    )
    for person in recipients(db, context, graduate=False):
        with i18n.using(person.language):
            _mail(
                db,
                settings,
                person,
                kind="interview.changed",
                subject=gettext(
                    "%(graduate)s asks for other interview times", graduate=context.graduate_name
                ),
                lines=[
                    gettext(
                        "%(graduate)s cannot make the proposed times for %(position)s.",
                        graduate=context.graduate_name,
                        position=context.position.title,
                    ),
                    *(["", gettext("Their note: %(note)s", note=text)] if text else []),
                    "",
                    gettext(
                        "Propose other times here: %(link)s",
                        link=_application_link(settings, "employer", context.application.id or 0),
                    ),
                ],
            )
    return interview


@atomic
def cancel(
    db: Session,
    settings: Settings,
    context: Context,
    party: Actor,
    interview: Interview,
    reason: str,
) -> Interview:
    """The employer cancels, saying why; both sides are told (with the cancelled calendar
    event when a time had been confirmed)."""
    if party.side != "employer":
        raise NotFound
    text = _text(reason, "reason", MAX_TEXT, required=True)
    if interview.status not in (InterviewStatus.PROPOSED, InterviewStatus.CONFIRMED):
        raise DomainError(ALREADY.get(interview.status, interview.status), "reason")
    _change_status(db, interview, ("proposed", "confirmed"), status="cancelled", cancel_reason=text)
    audit.record(
        db,
        "interview.cancelled",
        actor=party,
        object_type="interview",
        object_id=interview.id,
    )

    def cancelled() -> tuple[str, list[str]]:
        subject = gettext("Interview cancelled: %(position)s", position=context.position.title)
        if interview.confirmed_start:
            first = gettext(
                "%(employer)s cancelled the interview for %(position)s (%(when)s).",
                employer=context.employer.name,
                position=context.position.title,
                when=localtime.format_datetime(interview.confirmed_start, settings),
            )
        else:
            first = gettext(
                "%(employer)s cancelled the interview for %(position)s (the proposed times).",
                employer=context.employer.name,
                position=context.position.title,
            )
        return subject, [first, gettext("Reason: %(reason)s", reason=text)]

    _mail_everyone(db, settings, context, interview, kind="interview.cancelled", compose=cancelled)
    return interview
