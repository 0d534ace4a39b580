"""An offer's terms and their checks, its status labels and refusals, the loaders of an
application's offer, and the terms in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from placement import formats, i18n, localtime, taxonomy
from placement.i18n import N_, gettext
from placement.models import (
    Application,
    ApplicationStage,
    Offer,
    OfferStatus,
    Position,
    core_table,
)
from placement.services import DomainError
from placement.services.conversation import Context
from placement.services.positions import MAX_PAY

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


def describe(offer: Offer) -> list[str]:
    kind = taxonomy.label(taxonomy.EMPLOYMENT_TYPES, offer.employment_type)
    return [
        gettext("Start date: %(date)s", date=localtime.format_date(offer.start_date)),
        gettext("Pay: %(pay)s an hour", pay=formats.money(offer.pay_rate)),
        gettext("Hours per week: %(hours)s", hours=offer.hours_per_week),
        gettext("Employment: %(kind)s", kind=kind),
    ]
