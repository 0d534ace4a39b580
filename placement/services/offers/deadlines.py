"""The worker's side of an offer: the last-day reminder, and the lapse after `respond_by` (the
application returns to `interview`)."""

from __future__ import annotations

import contextlib
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from placement import i18n, localtime
from placement.config import Settings
from placement.i18n import gettext
from placement.models import (
    ApplicationStage,
    Offer,
    OfferStatus,
)
from placement.services import (
    Actor,
    Conflict,
    audit,
)
from placement.services.conversation import (
    application_for_party,
    application_link,
    graduate_recipient,
)
from placement.services.offers.answers import _answer, _mail, _move
from placement.services.offers.terms import _OFFER


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
