"""Making an offer, and the graduate's answer: accepting (an opening taken under a lock on the
position row, the placement recorded) or declining; a waiting offer withdrawn when the
application leaves the offer stage another way."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from placement import i18n, localtime, taxonomy
from placement.config import Settings
from placement.db import atomic
from placement.i18n import gettext
from placement.models import (
    Application,
    ApplicationEvent,
    Offer,
    OfferStatus,
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
    application_link,
    employer_recipients,
    graduate_recipient,
)
from placement.services.offers.terms import (
    _APPLICATION,
    _OFFER,
    _POSITION,
    ALREADY,
    MAX_NOTE,
    Terms,
    _at_most,
    _check_terms,
    _closed_message,
    describe,
    pending_offer,
)
from placement.services.positions import hires_for, mark_filled_if_full


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
