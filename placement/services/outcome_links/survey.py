"""The graduate survey: one graduate or a cohort asked, the answer recorded as a placement or an
outcome, and a deleted graduate's links forgotten."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, delete, select, update

from placement import i18n, links, taxonomy
from placement.config import Settings
from placement.db import atomic
from placement.i18n import gettext
from placement.models import (
    Graduate,
    LinkPurpose,
    OutcomeLink,
    Placement,
    User,
    utcnow,
)
from placement.security import new_token
from placement.services import (
    Actor,
    DomainError,
    NotFound,
    audit,
    clean_text,
    mail,
    placements,
    system_notes,
)
from placement.services.outcome_links.common import (
    LINK_TTL,
    SURVEY_KIND,
    SURVEY_STATUSES,
    _claim,
    _issue,
)


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
