"""One-time links that document outcomes without anyone signing in.

- **Verification** (`request_verification`): staff ask the employer's contact to confirm a
  placement. The contact is the e-mail staff typed or, when the placement names a position,
  every active member of its organisation (each gets their own link; the links of one request
  die together once one is answered). `yes` verifies the placement with `employer_confirmed`;
  asked 90 days or more after the start it also records a re-verification (sustained
  employment); `no` flags the placement for staff (`disputed_at`).
- **Survey** (`request_survey`, `request_cohort_survey`): a roster graduate tells their own
  outcome. `employed` records a placement verified by `graduate_attested`; the other answers
  set the outcome (`continuing_education` and `military` as unavailable for that reason,
  `seeking`, and `not_seeking`, which keeps the outcome known but not placed).

A link is stored hashed, works once (claimed by a conditional update, so two answers at once
give one result), expires after 30 days and dies when a newer one is issued for the same
placement (verification) or graduate (survey). A wrong, used, replaced or expired link is
one and the same answer to the visitor: `find_link` returns None.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, delete, select, update

from placement import dates, i18n, links, localtime, taxonomy
from placement.config import Settings
from placement.db import atomic, reset_write_intent, set_write_intent
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
from placement.security import new_token, token_hash
from placement.services import (
    Actor,
    Conflict,
    DomainError,
    NotFound,
    audit,
    clean_text,
    limits,
    mail,
    placements,
    system_notes,
)

LINK_TTL = timedelta(days=30)
SUSTAINED_AFTER_DAYS = 90
MAX_RECIPIENTS = 20
# Per client address, over both kinds of link: enough for a person, not for guessing.
LINK_LIMIT = 30
LINK_WINDOW_SECONDS = 600
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SURVEY_STATUSES = ("employed", "seeking", "continuing_education", "military", "not_seeking")
CONTACT_ROLE = "contact"  # the audit's role for an employer's contact answering a link
VERIFICATION_KIND = "placement.verification_request"
SURVEY_KIND = "graduate.survey"


class RateLimited(limits.RateLimited):
    pass


def check_link_limit(db: Session, address: str) -> None:
    """Count one use of a link page from `address`; RateLimited past the limit.

    Commits the session (limits.hit): call it before anything else in the request.
    """
    # A GET counts too (guessing tokens is done by looking): its transaction must take the
    # write lock at its start, or SQLite refuses the upgrade from a read lock under a burst.
    intent = set_write_intent(True)
    try:
        limits.hit(db, limits.Limit(f"outcome-link:{address}", LINK_LIMIT, LINK_WINDOW_SECONDS))
    except limits.RateLimited as limited:
        raise RateLimited(limited.retry_after) from None
    finally:
        reset_write_intent(intent)


def _email(value: str | None) -> str:
    email = (value or "").strip().lower()
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise DomainError(
            gettext("Enter an e-mail address like name@example.com."), "contact_email"
        )
    return email


def _issue(
    db: Session,
    actor: Actor,
    *,
    purpose: LinkPurpose,
    graduate_id: int,
    placement_id: int | None,
    recipients: Sequence[str],
    sustained: bool = False,
    make_token: Callable[[], str] = new_token,
) -> list[tuple[str, str]]:
    """New links, one per recipient, as (e-mail, raw token); the earlier unused links of
    the same placement (verification) or graduate (survey) die."""
    now = utcnow()
    _void_others(db, purpose, graduate_id=graduate_id, placement_id=placement_id)
    issued = []
    for email in recipients:
        raw = make_token()
        db.add(
            OutcomeLink(
                purpose=purpose,
                graduate_id=graduate_id,
                placement_id=placement_id,
                token_hash=token_hash(raw),
                sent_to=email,
                requested_by=actor.user_id,
                created_at=now,
                expires_at=now + LINK_TTL,
                sustained=sustained,
            )
        )
        issued.append((email, raw))
    db.flush()
    return issued


def _void_others(
    db: Session,
    purpose: str,
    *,
    graduate_id: int,
    placement_id: int | None,
    keep: int | None = None,
) -> None:
    scope = (
        col(OutcomeLink.placement_id) == placement_id
        if purpose == LinkPurpose.VERIFICATION
        else col(OutcomeLink.graduate_id) == graduate_id
    )
    statement = update(OutcomeLink).where(
        col(OutcomeLink.purpose) == purpose, scope, col(OutcomeLink.used_at).is_(None)
    )
    if keep is not None:
        statement = statement.where(col(OutcomeLink.id) != keep)
    db.exec(statement.values(used_at=utcnow()))


def find_link(db: Session, raw: str, purpose: str) -> OutcomeLink | None:
    """A usable link: known, of this purpose, unused and unexpired; None for anything else."""
    if not raw or len(raw) > 100 or not raw.isascii():
        return None
    link = db.exec(
        select(OutcomeLink).where(
            OutcomeLink.token_hash == token_hash(raw), OutcomeLink.purpose == purpose
        )
    ).first()
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    graduate = db.get(Graduate, link.graduate_id)
    if graduate is None or graduate.deleted_at is not None:
        return None
    if purpose == LinkPurpose.VERIFICATION and (
        link.placement_id is None or db.get(Placement, link.placement_id) is None
    ):
        return None
    return link


def _claim(db: Session, link: OutcomeLink, answer: str, detail: Mapping[str, object]) -> None:
    """Use the link once: a conditional update, so of two answers at once one wins and the
    other finds the link used (Conflict, shown as the invalid-link page)."""
    now = utcnow()
    result = db.exec(
        update(OutcomeLink)
        .where(col(OutcomeLink.id) == link.id, col(OutcomeLink.used_at).is_(None))
        .values(used_at=now, answer=answer, answer_detail=json.dumps(detail, default=str)[:4000])
    )
    if result.rowcount != 1:
        raise Conflict(gettext("This link was used already."))
    _void_others(
        db,
        link.purpose,
        graduate_id=link.graduate_id,
        placement_id=link.placement_id,
        keep=link.id,
    )
    db.refresh(link)


# -- verification by the employer ----------------------------------------------------------


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


# -- the graduate survey -------------------------------------------------------------------


def _graduate_email(db: Session, graduate: Graduate) -> tuple[str, int | None]:
    if graduate.user_id is not None:
        user = db.get(User, graduate.user_id)
        if user is not None and user.email:
            return user.email, user.id
    return graduate.email, None


def _surveyable(graduate: Graduate) -> str | None:
    """Why this graduate cannot be surveyed, or None."""
    if graduate.deleted_at is not None:
        return gettext("This graduate deleted their account.")
    if graduate.merged_into_id is not None:
        return gettext("This record was merged into another: survey that one.")
    if graduate.student_id is None:
        return gettext("Only roster graduates are surveyed: verify the graduate first.")
    return None


def _send_survey(
    db: Session,
    settings: Settings,
    actor: Actor,
    graduate: Graduate,
    make_token: Callable[[], str] = new_token,
) -> str | None:
    email, user_id = _graduate_email(db, graduate)
    if not email:
        return None
    ((_email_, raw),) = _issue(
        db,
        actor,
        purpose=LinkPurpose.SURVEY,
        graduate_id=graduate.id or 0,
        placement_id=None,
        recipients=[email],
        make_token=make_token,
    )
    link = links.url(settings, "graduate_survey", token=raw)
    with i18n.using(mail.language_of(db, user_id)):
        mail.queue(
            db,
            settings,
            to_email=email,
            to_user_id=user_id,
            kind=SURVEY_KIND,
            subject=gettext("Where are you working now? Two minutes for your school"),
            body=gettext(
                "Hello %(name)s,\n\nCareer services reports every graduate's outcome to the "
                "school's accreditor. Tell us where you are now with this link (no sign-in; it "
                "works once, for %(days)s days):\n\n%(link)s\n\n"
                "Thank you, and congratulations again on graduating.\n",
                name=graduate.first_name,
                days=LINK_TTL.days,
                link=link,
            ),
        )
    return email


@atomic
def request_survey(
    db: Session,
    settings: Settings,
    actor: Actor,
    *,
    graduate_id: int,
    make_token: Callable[[], str] = new_token,
) -> str:
    """Mail one roster graduate the survey link; the address mailed."""
    graduate = db.get(Graduate, graduate_id)
    if graduate is None:
        raise NotFound
    problem = _surveyable(graduate)
    if problem:
        raise DomainError(problem)
    email = _send_survey(db, settings, actor, graduate, make_token)
    if email is None:
        raise DomainError(gettext("This graduate has no e-mail address on record."))
    audit.record(
        db,
        "survey.requested",
        actor=actor,
        object_type="graduate",
        object_id=graduate.id,
        detail="survey link mailed",
    )
    return email


def request_cohort_survey(db: Session, settings: Settings, actor: Actor, *, cohort: int) -> int:
    """Mail every roster graduate of the cohort without a verified placement; how many."""
    verified = select(Placement.graduate_id).where(col(Placement.verified_at).is_not(None))
    graduates = db.exec(
        select(Graduate)
        .where(
            Graduate.cohort == cohort,
            col(Graduate.student_id).is_not(None),
            col(Graduate.deleted_at).is_(None),
            col(Graduate.merged_into_id).is_(None),
            col(Graduate.id).not_in(verified),
        )
        .order_by(col(Graduate.id))
    ).all()
    sent = sum(1 for graduate in graduates if _send_survey(db, settings, actor, graduate))
    audit.record(
        db,
        "survey.requested",
        actor=actor,
        object_type="cohort",
        object_id=cohort,
        detail=f"survey links mailed to {sent} graduate(s) of cohort {cohort}",
        after={"cohort": cohort, "sent": sent},
    )
    return sent


@dataclass(frozen=True)
class SurveyAnswer:
    status: str
    employer_name: str = ""
    job_title: str = ""
    start_date: date | None = None
    hours_per_week: int | None = None
    field: str | None = None


@atomic
def answer_survey(
    db: Session, link: OutcomeLink, answer: SurveyAnswer, *, ip: str = ""
) -> Graduate:
    """The graduate's own outcome: a job becomes a placement verified by
    `graduate_attested`; the other answers set the outcome."""
    if answer.status not in SURVEY_STATUSES:
        raise DomainError(gettext("Choose what describes you best."), "status")
    graduate = db.get(Graduate, link.graduate_id)
    if graduate is None:
        raise NotFound
    actor = Actor(user_id=graduate.user_id, role="graduate", ip=ip)
    detail: dict[str, object] = {"status": answer.status}
    if answer.status == "employed":
        employer = clean_text(answer.employer_name, "employer_name", 200, required=True)
        title = clean_text(answer.job_title, "job_title", 200, required=True)
        if answer.start_date is None:
            raise DomainError(gettext("Enter the date you started."), "start_date")
        if answer.field is None or answer.field not in taxonomy.PLACEMENT_FIELDS:
            raise DomainError(gettext("Say whether the job is in the field."), "field")
        if answer.hours_per_week is not None and not 1 <= answer.hours_per_week <= 80:
            raise DomainError(gettext("Enter the hours per week, from 1 to 80."), "hours_per_week")
        detail.update(
            employer_name=employer,
            job_title=title,
            start_date=answer.start_date,
            hours_per_week=answer.hours_per_week,
            field=answer.field,
        )
        _claim(db, link, answer.status, detail)
        placement, _created = placements.record_placement(
            db,
            actor,
            graduate_id=graduate.id or 0,
            employer_name=employer,
            job_title=title,
            start_date=answer.start_date,
            hours_per_week=answer.hours_per_week,
            field=answer.field,
        )
        if placement.verified_at is None:
            placements.verify_placement(
                db,
                actor,
                placement_id=placement.id or 0,
                method="graduate_attested",
                note=system_notes.SURVEY_ATTESTED,
            )
    else:
        _claim(db, link, answer.status, detail)
        if answer.status in ("continuing_education", "military"):
            placements.set_outcome(
                db,
                actor,
                graduate_id=graduate.id or 0,
                status="unavailable",
                unavailable_reason=answer.status,
                note=system_notes.FROM_SURVEY,
            )
        else:
            placements.set_outcome(
                db,
                actor,
                graduate_id=graduate.id or 0,
                status="seeking",
                unavailable_reason=None,
                note=system_notes.FROM_SURVEY,
            )
            graduate = db.get(Graduate, graduate.id) or graduate
            graduate.seeking = "not_seeking" if answer.status == "not_seeking" else "seeking"
            db.add(graduate)
    audit.record(
        db,
        "survey.answered",
        actor=Actor(user_id=graduate.user_id, role="graduate", ip=ip),
        object_type="graduate",
        object_id=graduate.id,
        detail=answer.status,
    )
    db.flush()
    return graduate


def forget(db: Session, graduate_id: int) -> None:
    """A graduate deleted their account: their survey links (which carry their address and
    answers) go, and no verification link about them works any more."""
    db.exec(
        delete(OutcomeLink).where(
            col(OutcomeLink.graduate_id) == graduate_id,
            col(OutcomeLink.purpose) == LinkPurpose.SURVEY,
        )
    )
    db.exec(
        update(OutcomeLink)
        .where(col(OutcomeLink.graduate_id) == graduate_id, col(OutcomeLink.used_at).is_(None))
        .values(used_at=utcnow())
    )


# -- for staff ------------------------------------------------------------------------------


def links_of_placement(db: Session, placement_id: int) -> list[OutcomeLink]:
    return list(
        db.exec(
            select(OutcomeLink)
            .where(OutcomeLink.placement_id == placement_id)
            .order_by(col(OutcomeLink.created_at).desc(), col(OutcomeLink.id).desc())
        ).all()
    )


@dataclass(frozen=True)
class SurveyRow:
    link: OutcomeLink
    graduate_name: str
    cohort: int | None


def survey_rows(db: Session, limit: int = 200) -> list[SurveyRow]:
    """The latest survey links, newest first, with their graduates."""
    rows = db.exec(
        select(OutcomeLink, Graduate.first_name, Graduate.last_name, Graduate.cohort)
        .join(Graduate, col(Graduate.id) == OutcomeLink.graduate_id)
        .where(OutcomeLink.purpose == LinkPurpose.SURVEY)
        .order_by(col(OutcomeLink.created_at).desc(), col(OutcomeLink.id).desc())
        .limit(limit)
    ).all()
    return [
        SurveyRow(link=link, graduate_name=f"{first} {last}".strip(), cohort=cohort)
        for link, first, last, cohort in rows
    ]
