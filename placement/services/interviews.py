"""Interviews: the employer proposes times, the graduate confirms one or asks for others.

Times are typed in SCHOOL_TIMEZONE and stored in UTC (placement/localtime.py refuses a time
that does not exist or happens twice at a daylight-saving change). Every state change is a
conditional UPDATE on the interview's status, so two clicks give one result. A confirmed or
cancelled interview has a calendar file (RFC 5545, built with `icalendar`): its UID never
changes and its SEQUENCE rises at every change, so calendars update the one event.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, col, select

from placement import formats, i18n, localtime
from placement.config import Settings
from placement.db import atomic
from placement.i18n import N_, gettext
from placement.models import (
    Application,
    ApplicationEvent,
    ApplicationStage,
    Interview,
    InterviewSlot,
    InterviewStatus,
    core_table,
    utcnow,
)
from placement.services import Actor, Conflict, DomainError, NotFound, audit, mail
from placement.services.conversation import (
    Context,
    Recipient,
    application_for_party,
    graduate_recipient,
    recipients,
)

MODES = i18n.Labels({"in_person": N_("In person"), "video": N_("Video call"), "phone": N_("Phone")})
# The badge of each status, and the refusal of a change the status no longer allows.
STATUS_LABELS = i18n.Labels(
    {
        InterviewStatus.PROPOSED: N_("Proposed"),
        InterviewStatus.CONFIRMED: N_("Confirmed"),
        InterviewStatus.DECLINED: N_("Declined"),
        InterviewStatus.CANCELLED: N_("Cancelled"),
    }
)
ALREADY = i18n.Labels(
    {
        InterviewStatus.PROPOSED: N_("This interview is already proposed."),
        InterviewStatus.CONFIRMED: N_("This interview is already confirmed."),
        InterviewStatus.DECLINED: N_("This interview is already declined."),
        InterviewStatus.CANCELLED: N_("This interview is already cancelled."),
    }
)
MAX_SLOTS = 5
MIN_DURATION, MAX_DURATION = 15, 480
# Stages at which an interview can be proposed; confirming one moves the first two on.
PROPOSABLE_STAGES = ("submitted", "screening", "interview")
REMINDER_AHEAD = timedelta(hours=24)
MAX_TEXT = 2000

_INTERVIEW = core_table(Interview)
_APPLICATION = core_table(Application)
_I = _INTERVIEW.c
_A = _APPLICATION.c


def _text(value: str, name: str, limit: int, *, required: bool = False) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if "\x00" in text:
        raise DomainError(gettext("Remove the invisible NUL character."), name)
    if len(text) > limit:
        raise DomainError(
            gettext(
                "Use at most %(max)s characters (this has %(n)s).",
                max=formats.number(limit),
                n=formats.number(len(text)),
            ),
            name,
        )
    if required and not text:
        raise DomainError(gettext("This field is required."), name)
    return text


def read_slots(texts: list[str], settings: Settings, now: datetime) -> list[datetime]:
    """The typed local start times as UTC, or DomainError (at `slots`) naming the bad one."""
    typed = [text.strip() for text in texts if text and text.strip()]
    if not typed:
        raise DomainError(gettext("Propose at least one time."), "slots")
    if len(typed) > MAX_SLOTS:
        raise DomainError(
            gettext(
                "Propose at most %(max)s times (this has %(n)s); remove some.",
                max=MAX_SLOTS,
                n=len(typed),
            ),
            "slots",
        )
    starts: list[datetime] = []
    for text in typed:
        try:
            start = localtime.parse_local(text[:40], settings)
        except localtime.LocalTimeError as error:
            raise DomainError(
                gettext("%(typed)s: %(problem)s", typed=text[:40], problem=error), "slots"
            ) from None
        if start <= now:
            raise DomainError(
                gettext(
                    "%(time)s is in the past: propose times still to come.",
                    time=localtime.format_datetime(start, settings),
                ),
                "slots",
            )
        if start in starts:
            raise DomainError(
                gettext(
                    "%(time)s is proposed twice.", time=localtime.format_datetime(start, settings)
                ),
                "slots",
            )
        starts.append(start)
    return sorted(starts)


@dataclass(frozen=True)
class Proposal:
    mode: str
    location: str
    duration_minutes: int
    slots: list[str]
    note: str = ""


def propose(
    db: Session,
    settings: Settings,
    context: Context,
    party: Actor,
    proposal: Proposal,
    *,
    now: datetime | None = None,
) -> Interview:
    """The employer proposes 1–5 times; the graduate is told (in the app and by mail)."""
    if party.side != "employer":
        raise NotFound
    now = now or utcnow()
    if context.closed or context.application.stage not in PROPOSABLE_STAGES:
        raise DomainError(
            context.closed_reason
            or gettext("Interviews can be proposed only before an offer or a decision."),
            "slots",
        )
    if proposal.mode not in MODES:
        raise DomainError(gettext("Choose in person, video call or phone."), "mode")
    location = _text(proposal.location, "location", 300, required=True)
    if not MIN_DURATION <= proposal.duration_minutes <= MAX_DURATION:
        raise DomainError(
            gettext(
                "Enter a duration from %(min)s to %(max)s minutes.",
                min=MIN_DURATION,
                max=MAX_DURATION,
            ),
            "duration_minutes",
        )
    note = _text(proposal.note, "note", MAX_TEXT)
    starts = read_slots(proposal.slots, settings, now)
    host = urlsplit(settings.base_url).hostname or "placement.invalid"
    interview = Interview(
        application_id=context.application.id or 0,
        uid=f"interview-{uuid.uuid4()}@{host}",
        mode=proposal.mode,
        location=location,
        duration_minutes=proposal.duration_minutes,
        note=note,
        created_by=party.user_id,
        created_at=now,
        updated_at=now,
    )
    db.add(interview)
    db.flush()
    for start in starts:
        db.add(InterviewSlot(interview_id=interview.id or 0, starts_at=start))
    db.flush()
    audit.record(
        db,
        "interview.proposed",
        actor=party,
        object_type="interview",
        object_id=interview.id,
        detail=f"application {context.application.id}, {len(starts)} time(s)",
    )
    person = graduate_recipient(db, context)
    if person is not None:
        with i18n.using(person.language):
            times = "\n".join(f"- {localtime.format_datetime(start, settings)}" for start in starts)
            _mail(
                db,
                settings,
                person,
                kind="interview.proposed",
                subject=gettext(
                    "Interview times for %(position)s at %(employer)s",
                    position=context.position.title,
                    employer=context.employer.name,
                ),
                lines=[
                    gettext(
                        "%(employer)s would like to interview you for %(position)s (%(mode)s, "
                        "%(minutes)s minutes). Choose one of these times:",
                        employer=context.employer.name,
                        position=context.position.title,
                        mode=MODES[interview.mode].lower(),
                        minutes=interview.duration_minutes,
                    ),
                    "",
                    times,
                    "",
                    *([gettext("Note: %(note)s", note=note), ""] if note else []),
                    gettext(
                        "Confirm one, or ask for other times, here: %(link)s",
                        link=_interviews_link(settings),
                    ),
                ],
            )
    return interview


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
        when = localtime.format_datetime(start, settings)
        subject = gettext(
            "Interview confirmed: %(position)s, %(when)s",
            position=context.position.title,
            when=when,
        )
        return subject, [
            gettext(
                "The interview for %(position)s at %(employer)s with %(graduate)s is confirmed "
                "for %(when)s (%(minutes)s minutes, %(mode)s).",
                position=context.position.title,
                employer=context.employer.name,
                graduate=context.graduate_name,
                when=when,
                minutes=interview.duration_minutes,
                mode=MODES[interview.mode].lower(),
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
            note="The graduate confirmed an interview time.",
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


# -- the calendar file -------------------------------------------------------------------------


def calendar_file(context: Context, interview: Interview, *, now: datetime | None = None) -> bytes:
    """An RFC 5545 calendar with the interview's one event (UTC times)."""
    if interview.confirmed_start is None:
        raise NotFound
    start = interview.confirmed_start
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    start = start.astimezone(UTC)
    cancelled = interview.status == InterviewStatus.CANCELLED
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Career Services//Placement network//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = icalendar.Event()
    event.add("uid", interview.uid)
    event.add("dtstamp", (now or utcnow()).astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=interview.duration_minutes))
    # SUMMARY and DESCRIPTION in the reader's language (the viewer's, or the mail's
    # recipient's); UID, times and SEQUENCE are the same for everyone.
    event.add(
        "summary",
        gettext(
            "Interview: %(position)s at %(employer)s",
            position=context.position.title,
            employer=context.employer.name,
        ),
    )
    event.add("location", interview.location)
    description = [
        gettext("Interview: %(mode)s", mode=MODES[interview.mode])
        if interview.mode in MODES
        else interview.mode
    ]
    if interview.note:
        description.append(interview.note)
    if cancelled and interview.cancel_reason:
        description.append(gettext("Cancelled: %(reason)s", reason=interview.cancel_reason))
    event.add("description", "\n".join(description))
    event.add("sequence", interview.sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()


def _attachment(context: Context, interview: Interview) -> list[tuple[str, str, bytes]]:
    if interview.confirmed_start is None:
        return []
    return [("interview.ics", "text/calendar", calendar_file(context, interview))]


# -- mail ------------------------------------------------------------------------------------------


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


# -- what the pages show -----------------------------------------------------------------------


@dataclass
class InterviewView:
    interview: Interview
    slots: list[datetime] = field(default_factory=list)
    position_title: str = ""
    employer_name: str = ""
    application_id: int = 0

    @property
    def mode_label(self) -> str:
        return MODES.get(self.interview.mode, self.interview.mode)

    @property
    def end(self) -> datetime | None:
        start = self.interview.confirmed_start
        return start + timedelta(minutes=self.interview.duration_minutes) if start else None


def _with_slots(db: Session, interviews: list[Interview]) -> dict[int, list[datetime]]:
    ids = [interview.id or 0 for interview in interviews]
    found: dict[int, list[datetime]] = {interview_id: [] for interview_id in ids}
    if ids:
        for interview_id, start in db.exec(
            select(InterviewSlot.interview_id, InterviewSlot.starts_at)
            .where(col(InterviewSlot.interview_id).in_(ids))
            .order_by(col(InterviewSlot.starts_at))
        ).all():
            found[interview_id].append(start)
    return found


def for_application(db: Session, application_id: int) -> list[InterviewView]:
    interviews = list(
        db.exec(
            select(Interview)
            .where(Interview.application_id == application_id)
            .order_by(col(Interview.id).desc())
        ).all()
    )
    slots = _with_slots(db, interviews)
    return [InterviewView(row, slots[row.id or 0]) for row in interviews]


def for_graduate(
    db: Session, graduate_id: int, *, now: datetime | None = None
) -> list[InterviewView]:
    """The graduate's interviews awaiting an answer and those still ahead, soonest first."""
    from placement.models import Employer, Position

    now = now or utcnow()
    rows = db.execute(
        sa_select(Interview, col(Position.title), col(Employer.name))
        .join(Application, col(Application.id) == col(Interview.application_id))
        .join(Position, col(Position.id) == col(Application.position_id))
        .join(Employer, col(Employer.id) == col(Position.employer_id))
        .where(
            col(Application.graduate_id) == graduate_id,
            (col(Interview.status) == InterviewStatus.PROPOSED)
            | (
                (col(Interview.status) == InterviewStatus.CONFIRMED)
                & (col(Interview.confirmed_start) >= now - timedelta(hours=12))
            ),
        )
        .order_by(col(Interview.confirmed_start), col(Interview.id))
    ).all()
    interviews = [row[0] for row in rows]
    slots = _with_slots(db, interviews)
    return [
        InterviewView(
            interview,
            slots[interview.id or 0],
            position_title=title,
            employer_name=employer,
            application_id=interview.application_id,
        )
        for interview, title, employer in rows
    ]


# -- the day-before reminder (worker) ----------------------------------------------------------


def _reminder(settings: Settings, context: Context, interview: Interview) -> tuple[str, list[str]]:
    when = localtime.format_datetime(interview.confirmed_start, settings)
    subject = gettext(
        "Tomorrow: interview for %(position)s, %(when)s",
        position=context.position.title,
        when=when,
    )
    return subject, [
        gettext(
            "A reminder: the interview for %(position)s at %(employer)s with %(graduate)s is at "
            "%(when)s (%(minutes)s minutes, %(mode)s).",
            position=context.position.title,
            employer=context.employer.name,
            graduate=context.graduate_name,
            when=when,
            minutes=interview.duration_minutes,
            mode=MODES[interview.mode].lower(),
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
