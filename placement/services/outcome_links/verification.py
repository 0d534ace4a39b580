"""Verification by the employer: who is asked, the request, the answer (a re-verification when
asked long enough after the start), and what the link's page shows."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from placement import dates, i18n, links, localtime
from placement.config import Settings
from placement.db import atomic
from placement.i18n import gettext
from placement.models import (
    EmployerMember,
    Graduate,
    LinkPurpose,
    OutcomeLink,
    Placement,
    Position,
    User,
    utcnow,
)
from placement.security import new_token
from placement.services import (
    Actor,
    Conflict,
    DomainError,
    NotFound,
    audit,
    clean_text,
    mail,
    placements,
)
from placement.services.outcome_links.common import (
    CONTACT_ROLE,
    LINK_TTL,
    MAX_RECIPIENTS,
    SUSTAINED_AFTER_DAYS,
    VERIFICATION_KIND,
    _claim,
    _email,
    _issue,
)


def contacts_for(db: Session, placement: Placement) -> list[str]:
    """The active members of the placement's organisation (through its position)."""
    employer_id = placement.employer_id
    if employer_id is None and placement.position_id is not None:
        position = db.get(Position, placement.position_id)
        employer_id = position.employer_id if position else None
    if employer_id is None:
        return []
    emails = db.exec(
        select(User.email)
        .join(EmployerMember, col(EmployerMember.user_id) == User.id)
        .where(EmployerMember.employer_id == employer_id, col(User.active).is_(True))
        .order_by(col(User.id))
        .limit(MAX_RECIPIENTS)
    ).all()
    return [email for email in emails if email]


def is_sustained(placement: Placement, today: date) -> bool:
    return (
        placement.start_date is not None
        and (today - placement.start_date).days >= SUSTAINED_AFTER_DAYS
    )


@atomic
def request_verification(
    db: Session,
    settings: Settings,
    actor: Actor,
    *,
    placement_id: int,
    contact_email: str | None,
    today: date | None = None,
    make_token: Callable[[], str] = new_token,
) -> list[str]:
    """Mail the employer's contact a link to confirm the placement; the addresses mailed.

    Without `contact_email` the placement must name a position: its organisation's members
    are the contact.
    """
    placement = db.get(Placement, placement_id)
    if placement is None:
        raise NotFound
    graduate = db.get(Graduate, placement.graduate_id)
    if graduate is None:
        raise NotFound
    if graduate.deleted_at is not None:
        raise DomainError(
            gettext("This graduate deleted their account: nothing more is asked about it.")
        )
    if contact_email and contact_email.strip():
        recipients = [_email(contact_email)]
    else:
        recipients = contacts_for(db, placement)
        if not recipients:
            raise DomainError(
                gettext(
                    "Enter the e-mail address of the employer's contact: this placement names "
                    "no organisation on the network."
                ),
                "contact_email",
            )
    today = today or dates.today()
    sustained = is_sustained(placement, today)
    issued = _issue(
        db,
        actor,
        purpose=LinkPurpose.VERIFICATION,
        graduate_id=graduate.id or 0,
        placement_id=placement.id,
        recipients=recipients,
        sustained=sustained,
        make_token=make_token,
    )
    users = dict(db.exec(select(User.email, User.id).where(col(User.email).in_(recipients))).all())
    name = f"{graduate.first_name} {graduate.last_name}".strip()
    for email, raw in issued:
        link = links.url(settings, "verify_placement", token=raw)
        # A contact with an account reads it in the account's language; an address alone, in
        # English.
        with i18n.using(mail.language_of(db, users.get(email))):
            started = (
                localtime.format_date(placement.start_date)
                if placement.start_date
                else gettext("not recorded")
            )
            mail.queue(
                db,
                settings,
                to_email=email,
                to_user_id=users.get(email),
                kind=VERIFICATION_KIND,
                subject=gettext("Please confirm the employment of %(name)s", name=name),
                body=gettext(
                    "Hello,\n\nOur career services office documents the employment of its "
                    "graduates for the school's accreditor. Could you confirm this placement?"
                    "\n\nGraduate: %(name)s\nEmployer: %(employer)s\nJob title: %(title)s\n"
                    "Start date: %(start)s\n\n"
                    "Answer with this link (no account needed; it works once, for %(days)s "
                    "days):\n\n%(link)s\n\n"
                    "If you do not know this person, you can say so with the same link.\n",
                    name=name,
                    employer=placement.employer_name,
                    title=placement.job_title,
                    start=started,
                    days=LINK_TTL.days,
                    link=link,
                ),
            )
    audit.record(
        db,
        "placement.verification_requested",
        actor=actor,
        object_type="placement",
        object_id=placement.id,
        detail=f"{len(issued)} link(s)" + (", a re-verification" if sustained else ""),
        after={"recipients": len(issued), "sustained": sustained},
    )
    return [email for email, _raw in issued]


@dataclass(frozen=True)
class VerificationAnswer:
    confirmed: str  # yes | no
    job_title: str
    start_date: date | None
    hours_per_week: int | None
    confirmer_name: str


@atomic
def answer_verification(
    db: Session, link: OutcomeLink, answer: VerificationAnswer, *, ip: str = ""
) -> Placement:
    """The contact's answer: `yes` verifies (and re-verifies when the link was asked 90 days
    or more after the start), `no` flags the placement for staff."""
    if answer.confirmed not in ("yes", "no"):
        raise DomainError(gettext("Say whether this person works or worked for you."), "confirmed")
    confirmer = clean_text(answer.confirmer_name, "confirmer_name", 200, required=True)
    job_title = clean_text(answer.job_title, "job_title", 200)
    if answer.hours_per_week is not None and not 1 <= answer.hours_per_week <= 80:
        raise DomainError(gettext("Enter the hours per week, from 1 to 80."), "hours_per_week")
    placement = db.get(Placement, link.placement_id or 0)
    if placement is None:
        raise NotFound
    detail = {
        "confirmed": answer.confirmed,
        "job_title": job_title,
        "start_date": answer.start_date,
        "hours_per_week": answer.hours_per_week,
        "confirmer_name": confirmer,
    }
    _claim(db, link, answer.confirmed, detail)
    actor = Actor(user_id=None, role=CONTACT_ROLE, ip=ip)
    stated = ", ".join(
        part
        for part in (
            f"job title {job_title}" if job_title else "",
            f"start {answer.start_date.isoformat()}" if answer.start_date else "",
            f"{answer.hours_per_week} h/week" if answer.hours_per_week else "",
        )
        if part
    )
    words = f"{confirmer} (verification link #{link.id})" + (f": {stated}" if stated else "")
    if answer.confirmed == "no":
        placement.disputed_at = utcnow()
        placement.dispute_note = f"Not confirmed by {words}"[:2000]
        db.add(placement)
        audit.record(
            db,
            "placement.disputed",
            actor=Actor(user_id=None, role=CONTACT_ROLE, ip=ip),
            object_type="placement",
            object_id=placement.id,
            detail="the employer's contact did not confirm the placement",
            after={"link_id": link.id},
        )
        return placement
    note = f"Confirmed by {words}"[:2000]
    with contextlib.suppress(Conflict):  # the same confirmation again: it stands
        placements.verify_placement(
            db, actor, placement_id=placement.id or 0, method="employer_confirmed", note=note
        )
    placement = db.get(Placement, placement.id) or placement
    placement.disputed_at = None
    placement.dispute_note = ""
    if link.sustained:
        placement.reverified_at = utcnow()
        audit.record(
            db,
            "placement.reverified",
            actor=Actor(user_id=None, role=CONTACT_ROLE, ip=ip),
            object_type="placement",
            object_id=placement.id,
            detail="confirmed 90 days or more after the start (sustained employment)",
            after={"link_id": link.id},
        )
    db.add(placement)
    db.flush()
    return placement


@dataclass(frozen=True)
class LinkContext:
    """What the page behind a link shows: only what its recipient already knows."""

    graduate_name: str
    employer_name: str
    job_title: str
    start_date: date | None
    hours_per_week: int | None


def link_context(db: Session, link: OutcomeLink) -> LinkContext:
    graduate = db.get(Graduate, link.graduate_id)
    placement = db.get(Placement, link.placement_id) if link.placement_id else None
    return LinkContext(
        graduate_name=f"{graduate.first_name} {graduate.last_name}".strip() if graduate else "",
        employer_name=placement.employer_name if placement else "",
        job_title=placement.job_title if placement else "",
        start_date=placement.start_date if placement else None,
        hours_per_week=placement.hours_per_week if placement else None,
    )
