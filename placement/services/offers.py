"""Offers made in the app: terms, the graduate's answer, and the lapse after `respond_by`.

One offer waits per application at most (`Offer.pending_for` is unique while it waits).
Making one moves the application to `offer`. Accepting moves it to `hired`, takes an opening
under a lock on the position row (two acceptances cannot both take the last one), fills the
position when the openings are all taken, and records the placement with the offer's terms,
unverified, through the placement service. Declining moves it to `withdrawn`; an offer past
its respond-by date lapses and the application returns to `interview` (the worker).
While an in-app offer waits, the employer's stage route refuses `hired`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from placement import formats, i18n, localtime, taxonomy
from placement.config import Settings
from placement.db import atomic
from placement.i18n import N_, gettext
from placement.models import (
    Application,
    ApplicationEvent,
    ApplicationStage,
    Offer,
    OfferStatus,
    Position,
    core_table,
    utcnow,
)
from placement.services import (
    Actor,
    Conflict,
    DomainError,
    NotFound,
    audit,
    mail,
    placements,
    system_notes,
)
from placement.services.conversation import (
    Context,
    Recipient,
    application_for_party,
    application_link,
    employer_recipients,
    graduate_recipient,
)
from placement.services.positions import MAX_PAY, hires_for, mark_filled_if_full

OFFERABLE_STAGES = ("submitted", "screening", "interview", "offer")
MAX_NOTE = 2000
# The badge of each status, and the refusal of an answer the status no longer allows.
STATUS_LABELS = i18n.Labels(
    {
        OfferStatus.PENDING: N_("Waiting for an answer"),
        OfferStatus.ACCEPTED: N_("Accepted"),
        OfferStatus.DECLINED: N_("Declined"),
        OfferStatus.LAPSED: N_("Lapsed"),
        OfferStatus.WITHDRAWN: N_("Withdrawn"),
    }
)
ALREADY = i18n.Labels(
    {
        OfferStatus.PENDING: N_("This offer is already waiting for an answer."),
        OfferStatus.ACCEPTED: N_("This offer is already accepted."),
        OfferStatus.DECLINED: N_("This offer is already declined."),
        OfferStatus.LAPSED: N_("This offer is already lapsed."),
        OfferStatus.WITHDRAWN: N_("This offer is already withdrawn."),
    }
)

_OFFER = core_table(Offer)
_APPLICATION = core_table(Application)
_POSITION = core_table(Position)


@dataclass(frozen=True)
class Terms:
    job_title: str
    start_date: date | None
    pay_rate: float | None
    hours_per_week: int | None
    employment_type: str
    respond_by: date | None
    note: str = ""


def pending_offer(db: Session, application_id: int) -> Offer | None:
    return db.exec(select(Offer).where(Offer.pending_for == application_id)).first()


def latest_offer(db: Session, application_id: int) -> Offer | None:
    return db.exec(
        select(Offer).where(Offer.application_id == application_id).order_by(col(Offer.id).desc())
    ).first()


def _check_terms(terms: Terms, today: date) -> Terms:
    title = (terms.job_title or "").strip()
    if "\x00" in title or "\n" in title:
        raise DomainError(gettext("Keep the job title on one line."), "job_title")
    if not title:
        raise DomainError(gettext("Name the job the offer is for."), "job_title")
    if len(title) > 200:
        raise DomainError(_at_most(200), "job_title")
    if terms.start_date is None:
        raise DomainError(gettext("Enter the start date."), "start_date")
    if terms.start_date < today:
        raise DomainError(
            gettext("The start date is in the past: choose a later one."), "start_date"
        )
    if terms.pay_rate is None or not 1 <= terms.pay_rate <= MAX_PAY:
        raise DomainError(
            gettext(
                "Enter the pay in USD per hour, from 1 to %(max)s.", max=formats.number(MAX_PAY)
            ),
            "pay_rate",
        )
    if terms.hours_per_week is None or not 1 <= terms.hours_per_week <= 80:
        raise DomainError(gettext("Enter the hours per week, from 1 to 80."), "hours_per_week")
    if terms.employment_type not in taxonomy.EMPLOYMENT_TYPES:
        raise DomainError(gettext("Choose one of the employment types."), "employment_type")
    if terms.respond_by is None:
        raise DomainError(
            gettext("Enter the date by which the graduate should answer."), "respond_by"
        )
    if terms.respond_by < today:
        raise DomainError(
            gettext("The answer date is in the past: choose today or later."), "respond_by"
        )
    if terms.respond_by > terms.start_date:
        raise DomainError(gettext("Ask for the answer before the start date."), "respond_by")
    note = (terms.note or "").replace("\r\n", "\n").strip()
    if "\x00" in note:
        raise DomainError(gettext("Remove the invisible NUL character."), "note")
    if len(note) > MAX_NOTE:
        raise DomainError(_at_most(MAX_NOTE), "note")
    return Terms(
        title,
        terms.start_date,
        round(terms.pay_rate, 2),
        terms.hours_per_week,
        terms.employment_type,
        terms.respond_by,
        note,
    )


def _at_most(limit: int) -> str:
    return gettext("Use at most %(max)s characters.", max=formats.number(limit))


def _closed_message(context: Context) -> str | None:
    stage = context.application.stage
    if context.graduate_deleted:
        return gettext("The graduate deleted their account: no offer can be made.")
    if stage == ApplicationStage.WITHDRAWN:
        return gettext("The graduate withdrew this application: no offer can be made.")
    if stage == ApplicationStage.HIRED:
        return gettext("This candidate is already hired for this position.")
    if stage == ApplicationStage.REJECTED:
        return gettext("This application was closed as not selected: no offer can be made.")
    return None


@atomic
def make_offer(
    db: Session,
    settings: Settings,
    context: Context,
    party: Actor,
    terms: Terms,
    *,
    today: date | None = None,
) -> Offer:
    if party.side != "employer":
        raise NotFound
    today = today or localtime.local_today(settings)
    closed = _closed_message(context)
    if closed:
        raise DomainError(closed)
    clean = _check_terms(terms, today)
    application = context.application
    if pending_offer(db, application.id or 0) is not None:
        raise DomainError(gettext("An offer is already waiting for the graduate's answer."))
    offer = Offer(
        application_id=application.id or 0,
        pending_for=application.id,
        job_title=clean.job_title,
        start_date=clean.start_date,  # type: ignore[arg-type]  # _check_terms refused None
        pay_rate=clean.pay_rate,  # type: ignore[arg-type]  # _check_terms refused None
        hours_per_week=clean.hours_per_week,  # type: ignore[arg-type]  # _check_terms refused None
        employment_type=clean.employment_type,
        respond_by=clean.respond_by,  # type: ignore[arg-type]  # _check_terms refused None
        note=clean.note,
        created_by=party.user_id,
    )
    try:
        with db.begin_nested():
            db.add(offer)
            db.flush()
    except IntegrityError:
        raise DomainError(
            gettext("An offer is already waiting for the graduate's answer.")
        ) from None
    current = application.stage
    if current != "offer":
        _move(db, application, current, "offer", party, system_notes.OFFER_MADE)
    audit.record(
        db,
        "offer.made",
        actor=party,
        object_type="offer",
        object_id=offer.id,
        detail=f"application {application.id}",
    )
    person = graduate_recipient(db, context)
    if person is not None:
        with i18n.using(person.language):
            _mail(
                db,
                settings,
                person,
                kind="offer.made",
                subject=gettext(
                    "An offer: %(job)s at %(employer)s",
                    job=offer.job_title,
                    employer=context.employer.name,
                ),
                lines=[
                    gettext(
                        "%(employer)s offers you the job of %(job)s.",
                        employer=context.employer.name,
                        job=offer.job_title,
                    ),
                    "",
                    *describe(offer),
                    *([gettext("Note: %(note)s", note=offer.note)] if offer.note else []),
                    "",
                    gettext(
                        "Please answer by %(date)s: %(link)s",
                        date=localtime.format_date(offer.respond_by),
                        link=application_link(settings, "graduate", application.id or 0),
                    ),
                ],
            )
    return offer


def describe(offer: Offer) -> list[str]:
    kind = taxonomy.label(taxonomy.EMPLOYMENT_TYPES, offer.employment_type)
    return [
        gettext("Start date: %(date)s", date=localtime.format_date(offer.start_date)),
        gettext("Pay: %(pay)s an hour", pay=formats.money(offer.pay_rate)),
        gettext("Hours per week: %(hours)s", hours=offer.hours_per_week),
        gettext("Employment: %(kind)s", kind=kind),
    ]


def _move(
    db: Session,
    application: Application,
    current: str,
    to_stage: str,
    party: Actor | None,
    note: str,
) -> None:
    moved = db.exec(
        update(_APPLICATION)
        .where(_APPLICATION.c.id == application.id, _APPLICATION.c.stage == current)
        .values(stage=to_stage, updated_at=utcnow())
    )
    if moved.rowcount != 1:
        db.refresh(application)
        raise Conflict(
            gettext(
                "The application changed a moment ago (now %(stage)s); nothing was done.",
                stage=taxonomy.STAGE_LABELS.get(application.stage, application.stage),
            )
        )
    db.refresh(application)
    user_id = party.user_id if party and party.user_id else None
    db.add(
        ApplicationEvent(
            application_id=application.id or 0,
            from_stage=current,
            to_stage=to_stage,
            actor_user_id=user_id,
            note=note,
        )
    )
    audit.record(
        db,
        "application.stage_changed",
        actor=Actor(user_id=user_id, role=party.role if party else "system"),
        object_type="application",
        object_id=application.id,
        detail=f"{current} -> {to_stage} ({note})",
        before={"stage": current},
        after={"stage": to_stage},
    )


def _answer(db: Session, offer: Offer, status: str, reason: str = "") -> None:
    changed = db.exec(
        update(_OFFER)
        .where(_OFFER.c.id == offer.id, _OFFER.c.status == OfferStatus.PENDING)
        .values(status=status, pending_for=None, answered_at=utcnow(), decline_reason=reason)
    )
    if changed.rowcount != 1:
        db.refresh(offer)
        raise Conflict(ALREADY.get(offer.status, offer.status))
    db.refresh(offer)


def _waiting(db: Session, context: Context, today: date) -> Offer:
    offer = pending_offer(db, context.application.id or 0)
    if offer is None:
        raise DomainError(gettext("There is no offer waiting for your answer."))
    if offer.respond_by < today:
        raise DomainError(
            gettext(
                "This offer lapsed on %(date)s: write to the employer below.",
                date=localtime.format_date(offer.respond_by),
            )
        )
    return offer


@atomic
def accept(
    db: Session,
    settings: Settings,
    context: Context,
    party: Actor,
    *,
    today: date | None = None,
) -> Offer:
    """The graduate accepts: hired, an opening taken (the cap holds), the placement recorded."""
    if party.side != "graduate":
        raise NotFound
    today = today or localtime.local_today(settings)
    if context.closed:
        raise DomainError(context.closed_reason)
    offer = _waiting(db, context, today)
    position = context.position
    # Lock the position row (PostgreSQL) so two acceptances cannot both take the last opening.
    db.execute(sa_select(_POSITION.c.id).where(_POSITION.c.id == position.id).with_for_update())
    db.refresh(position)
    if hires_for(db, position.id or 0) >= position.openings:
        raise DomainError(
            gettext(
                "Every opening of this position has been filled meanwhile, so the offer cannot "
                "be accepted in the app. Write to the employer below."
            )
        )
    _answer(db, offer, "accepted")
    _move(db, context.application, "offer", "hired", party, system_notes.OFFER_ACCEPTED)
    placement, _created = placements.record_placement(
        db,
        Actor(user_id=party.user_id, role=party.role),
        graduate_id=context.graduate.id or 0,
        employer_name=context.employer.name,
        job_title=offer.job_title,
        start_date=offer.start_date,
        hours_per_week=offer.hours_per_week,
        field="in_field",
        position_id=position.id,
        application_id=context.application.id,
    )
    audit.record(
        db,
        "offer.accepted",
        actor=party,
        object_type="offer",
        object_id=offer.id,
        detail=f"application {context.application.id}, placement {placement.id}",
    )
    if mark_filled_if_full(db, position.id or 0):
        from placement.services import pipeline

        audit.record(
            db,
            "position.filled",
            actor=party,
            object_type="position",
            object_id=position.id,
            detail=position.title,
        )
        pipeline.answer_the_rest(db, settings, position, party)
    for person in employer_recipients(db, position.employer_id):
        with i18n.using(person.language):
            _mail(
                db,
                settings,
                person,
                kind="offer.accepted",
                subject=gettext(
                    "%(graduate)s accepted your offer: %(job)s",
                    graduate=context.graduate_name,
                    job=offer.job_title,
                ),
                lines=[
                    gettext(
                        "%(graduate)s accepted the offer of %(job)s, starting %(date)s.",
                        graduate=context.graduate_name,
                        job=offer.job_title,
                        date=localtime.format_date(offer.start_date),
                    ),
                    gettext("Career services records the placement and will verify it with you."),
                    "",
                    application_link(settings, "employer", context.application.id or 0),
                ],
            )
    return offer


@atomic
def decline(
    db: Session,
    settings: Settings,
    context: Context,
    party: Actor,
    reason: str = "",
    *,
    today: date | None = None,
) -> Offer:
    """The graduate declines: the application is withdrawn; the employer's team is told."""
    if party.side != "graduate":
        raise NotFound
    text = (reason or "").replace("\r\n", "\n").strip()
    if "\x00" in text:
        raise DomainError(gettext("Remove the invisible NUL character."), "reason")
    if len(text) > MAX_NOTE:
        raise DomainError(_at_most(MAX_NOTE), "reason")
    today = today or localtime.local_today(settings)
    offer = _waiting(db, context, today)
    _answer(db, offer, "declined", text)
    _move(db, context.application, "offer", "withdrawn", party, system_notes.OFFER_DECLINED)
    audit.record(
        db,
        "offer.declined",
        actor=party,
        object_type="offer",
        object_id=offer.id,
    )
    for person in employer_recipients(db, context.position.employer_id):
        with i18n.using(person.language):
            _mail(
                db,
                settings,
                person,
                kind="offer.declined",
                subject=gettext(
                    "%(graduate)s declined your offer: %(job)s",
                    graduate=context.graduate_name,
                    job=offer.job_title,
                ),
                lines=[
                    gettext(
                        "%(graduate)s declined the offer of %(job)s; the application is withdrawn.",
                        graduate=context.graduate_name,
                        job=offer.job_title,
                    ),
                    *(["", gettext("Their reason: %(reason)s", reason=text)] if text else []),
                ],
            )
    return offer


def withdraw_waiting(db: Session, application_id: int) -> None:
    """An application that leaves the offer stage another way takes its waiting offer along."""
    db.execute(
        update(_OFFER)
        .where(_OFFER.c.pending_for == application_id, _OFFER.c.status == OfferStatus.PENDING)
        .values(status="withdrawn", pending_for=None, answered_at=utcnow())
    )


# -- the worker: the last day, and the lapse ------------------------------------------------------


def lapse_offers(db: Session, settings: Settings, now: datetime) -> int:
    """Offers whose respond-by date has passed (in the school's calendar) lapse; their
    application returns to `interview`. A conditional update per offer: done once."""
    today = localtime.local_today(settings, now)
    due = db.exec(
        select(Offer.id).where(Offer.status == OfferStatus.PENDING, col(Offer.respond_by) < today)
    ).all()
    done = 0
    for offer_id in due:
        offer = db.get(Offer, offer_id)
        if offer is None:  # pragma: no cover
            continue
        try:
            _answer(db, offer, "lapsed")
        except Conflict:
            continue
        context = application_for_party(db, Actor(user_id=0, role="staff"), offer.application_id)
        if context.application.stage == ApplicationStage.OFFER:
            with contextlib.suppress(Conflict):  # the employer moved it meanwhile
                _move(
                    db,
                    context.application,
                    "offer",
                    "interview",
                    None,
                    f"The offer lapsed: no answer by {localtime.format_date(offer.respond_by)}.",
                )
        audit.record(
            db,
            "offer.lapsed",
            actor=Actor(user_id=None, role=""),
            object_type="offer",
            object_id=offer.id,
        )
        done += 1
    return done


def send_last_day(db: Session, settings: Settings, now: datetime) -> int:
    """On an offer's respond-by day, the graduate is reminded once."""
    today = localtime.local_today(settings, now)
    due = db.exec(
        select(Offer.id).where(
            Offer.status == OfferStatus.PENDING,
            Offer.respond_by == today,
            col(Offer.last_day_sent_at).is_(None),
        )
    ).all()
    sent = 0
    for offer_id in due:
        claimed = db.exec(
            update(_OFFER)
            .where(
                _OFFER.c.id == offer_id,
                _OFFER.c.last_day_sent_at.is_(None),
                _OFFER.c.status == OfferStatus.PENDING,
            )
            .values(last_day_sent_at=now)
        )
        if claimed.rowcount != 1:
            continue
        offer = db.get(Offer, offer_id)
        if offer is None:  # pragma: no cover
            continue
        context = application_for_party(db, Actor(user_id=0, role="staff"), offer.application_id)
        person = graduate_recipient(db, context)
        if person is not None:
            with i18n.using(person.language):
                _mail(
                    db,
                    settings,
                    person,
                    kind="offer.last_day",
                    subject=gettext(
                        "Today is the last day to answer: %(job)s", job=offer.job_title
                    ),
                    lines=[
                        gettext(
                            "%(employer)s's offer of %(job)s waits for your answer today.",
                            employer=context.employer.name,
                            job=offer.job_title,
                        ),
                        application_link(settings, "graduate", context.application.id or 0),
                    ],
                )
        sent += 1
    return sent


def _mail(
    db: Session, settings: Settings, person: Recipient, *, kind: str, subject: str, lines: list[str]
) -> None:
    mail.queue(
        db,
        settings,
        to_email=person.email,
        to_user_id=person.user_id,
        kind=kind,
        subject=subject,
        body="\n".join(
            [gettext("Hello %(name)s,", name=person.name or person.email), "", *lines, ""]
        ),
    )
