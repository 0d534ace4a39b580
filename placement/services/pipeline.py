"""The candidate pipeline: who applied to an employer's position and how far they got.

The legal moves live in one table (`LEGAL_MOVES`). Every move is a conditional UPDATE
(`WHERE stage = <the stage the employer saw>`), so two clicks give one result, and writes an
ApplicationEvent (from, to, who, note, reason), an audit event and a message to the graduate.
A hire counts against the position's openings, fills the position when they are all taken
(answering every candidate still waiting with `position_filled`: nobody is left without an
answer), records the placement (unverified) and marks the graduate placed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select, update
from sqlmodel import Session, col

from placement import dates, i18n, links, taxonomy
from placement.config import Settings
from placement.db import atomic
from placement.i18n import N_, gettext, ngettext
from placement.matching import MatchResult
from placement.models import (
    Application,
    ApplicationEvent,
    ApplicationStage,
    Employer,
    EmployerMember,
    Graduate,
    GraduateCredential,
    GraduateModality,
    Placement,
    Position,
    User,
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
    offers,
    placements,
)
from placement.services.matching import explain_many
from placement.services.positions import (
    ACTIVE_STAGES,
    hires_for,
    mark_filled_if_full,
    position_for_employer,
)
from placement.taxonomy import STAGE_LABELS

# The employer's moves. `withdrawn` is the graduate's own move and never appears here;
# `hired`, `rejected` and `withdrawn` are final.
LEGAL_MOVES: dict[str, tuple[str, ...]] = {
    "submitted": ("screening", "interview", "rejected"),
    "screening": ("interview", "rejected"),
    "interview": ("offer", "rejected"),
    "offer": ("hired", "rejected"),
    "hired": (),
    "rejected": (),
    "withdrawn": (),
}
FINAL_STAGES = frozenset(stage for stage, moves in LEGAL_MOVES.items() if not moves)
MAX_NOTE = 4000
RESUME_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")

_A = core_table(Application).c
_MODALITY_ORDER = {code: index for index, code in enumerate(taxonomy.MODALITIES)}


def next_stages(stage: str) -> tuple[str, ...]:
    return LEGAL_MOVES.get(stage, ())


def is_legal(from_stage: str, to_stage: str) -> bool:
    return to_stage in LEGAL_MOVES.get(from_stage, ())


# -- loaders -------------------------------------------------------------------------------


def application_for_employer(
    db: Session, employer_id: int | None, application_id: int
) -> tuple[Application, Position]:
    """An application to one of the employer's positions; NotFound for any other id."""
    if employer_id is None or not 0 < application_id < 2**31:
        raise NotFound
    row = db.execute(
        select(Application, Position)
        .join(Position, col(Position.id) == col(Application.position_id))
        .where(col(Application.id) == application_id, col(Position.employer_id) == employer_id)
    ).first()
    if row is None:
        raise NotFound
    return row[0], row[1]


# -- moving a candidate --------------------------------------------------------------------


@dataclass
class StageResult:
    application: Application
    position: Position
    placement: Placement | None = None
    filled: bool = False
    answered: int = 0  # other candidates told the position is filled


@atomic
def move_stage(
    db: Session,
    settings: Settings,
    *,
    employer_id: int,
    actor: Actor,
    application_id: int,
    to_stage: str,
    note: str = "",
    reason: str | None = None,
    expected_stage: str | None = None,
) -> StageResult:
    """Move a candidate to `to_stage` if the table allows it from the current stage.

    `expected_stage` is the stage the employer saw on the page; when somebody moved the
    candidate meanwhile the move is refused (Conflict) rather than applied to a newer state.
    """
    application, position = application_for_employer(db, employer_id, application_id)
    current = application.stage
    if expected_stage and expected_stage != current:
        raise Conflict(
            gettext(
                "Someone moved this candidate to %(stage)s meanwhile; nothing was changed. "
                "Check the history and choose again.",
                stage=STAGE_LABELS.get(current, current),
            ),
            "stage",
        )
    if to_stage not in STAGE_LABELS:
        raise DomainError(gettext("Choose one of the stages offered."), "stage")
    if to_stage == ApplicationStage.WITHDRAWN:
        raise DomainError(gettext("Only the graduate can withdraw an application."), "stage")
    if not is_legal(current, to_stage):
        if current in FINAL_STAGES:
            message = gettext(
                "This application is %(stage)s: it cannot move on.",
                stage=STAGE_LABELS[current].lower(),
            )
        else:
            message = gettext(
                "A candidate cannot go from %(current)s to %(target)s; from here: %(allowed)s.",
                current=STAGE_LABELS[current],
                target=STAGE_LABELS[to_stage],
                allowed=", ".join(STAGE_LABELS[s] for s in next_stages(current)),
            )
        raise DomainError(message, "stage")
    if len(note) > MAX_NOTE or "\x00" in note:
        raise DomainError(gettext("Keep the note under %(max)s characters.", max=MAX_NOTE), "note")
    if to_stage == ApplicationStage.REJECTED:
        if not reason:
            raise DomainError(gettext("Choose the reason the candidate will see."), "reason")
        if reason not in taxonomy.REJECTION_REASONS:
            raise DomainError(gettext("Choose one of the reasons offered."), "reason")
    else:
        reason = None
    if (
        to_stage == ApplicationStage.HIRED
        and offers.pending_offer(db, application.id or 0) is not None
    ):
        raise DomainError(
            gettext(
                "An offer made in the app is waiting for the candidate's answer: the candidate "
                "is hired when they accept it."
            ),
            "stage",
        )
    if to_stage == ApplicationStage.HIRED:
        # Lock the position row (PostgreSQL) so two hires cannot both take the last opening.
        db.execute(
            select(col(Position.id)).where(col(Position.id) == position.id).with_for_update()
        )
        hires = hires_for(db, position.id or 0)
        if hires >= position.openings:
            raise DomainError(
                ngettext(
                    "All %(num)s opening of this position is filled. Raise the number of "
                    "openings to hire more.",
                    "All %(num)s openings of this position are filled. Raise the number of "
                    "openings to hire more.",
                    position.openings,
                ),
                "stage",
            )

    _set_stage(db, application, current, to_stage, reason)
    if to_stage != ApplicationStage.OFFER:
        offers.withdraw_waiting(db, application.id or 0)
    result = StageResult(application=application, position=position)
    _record_move(db, settings, application, position, current, to_stage, actor, note, reason)
    if to_stage == ApplicationStage.HIRED:
        result.placement = _record_placement(db, application, position, actor)
        if mark_filled_if_full(db, position.id or 0):
            result.filled = True
            audit.record(
                db,
                "position.filled",
                actor=actor,
                object_type="position",
                object_id=position.id,
                detail=position.title,
            )
            result.answered = _answer_the_rest(db, settings, position, actor)
    return result


def _set_stage(
    db: Session, application: Application, current: str, to_stage: str, reason: str | None
) -> None:
    updated = db.exec(
        update(core_table(Application))
        .where(_A.id == application.id, _A.stage == current)
        .values(stage=to_stage, rejection_reason=reason, updated_at=utcnow())
    )
    if updated.rowcount != 1:
        db.refresh(application)
        raise Conflict(
            gettext(
                "Someone moved this candidate a moment before you (now %(stage)s); nothing was "
                "changed.",
                stage=STAGE_LABELS.get(application.stage, application.stage),
            ),
            "stage",
        )
    db.refresh(application)


def _record_move(
    db: Session,
    settings: Settings,
    application: Application,
    position: Position,
    from_stage: str,
    to_stage: str,
    actor: Actor,
    note: str,
    reason: str | None,
) -> None:
    db.add(
        ApplicationEvent(
            application_id=application.id or 0,
            from_stage=from_stage,
            to_stage=to_stage,
            actor_user_id=actor.user_id,
            note=note,
            reason=reason,
        )
    )
    audit.record(
        db,
        "application.stage_changed",
        actor=actor,
        object_type="application",
        object_id=application.id,
        detail=f"{from_stage} -> {to_stage}" + (f" ({reason})" if reason else ""),
        before={"stage": from_stage},
        after={"stage": to_stage, "reason": reason},
    )
    _tell_graduate(db, settings, application, position, to_stage, note, reason)


# What the stage-change mail says, by stage (any other stage: "is now <stage>").
_STAGE_HEADLINES = {
    "screening": N_("Your application for %(job)s at %(employer)s is being screened."),
    "interview": N_("Your application for %(job)s at %(employer)s moved to the interview stage."),
    "offer": N_("Your application for %(job)s at %(employer)s comes with an offer."),
    "hired": N_("Your application for %(job)s at %(employer)s ended in a hire: congratulations!"),
    "rejected": N_("Your application for %(job)s at %(employer)s was not successful."),
}
# The note of the automatic answer to candidates still waiting on a filled position: kept in
# the history in English, shown in the reader's language.
FILLED_NOTE = N_("All openings of this position have been filled.")


def _tell_graduate(
    db: Session,
    settings: Settings,
    application: Application,
    position: Position,
    to_stage: str,
    note: str,
    reason: str | None,
) -> None:
    graduate = db.get(Graduate, application.graduate_id)
    if graduate is None or graduate.deleted_at is not None:
        return
    user = db.get(User, graduate.user_id) if graduate.user_id else None
    email = user.email if user else graduate.email
    if not email:
        return
    employer = db.get(Employer, position.employer_id)
    history = links.url(settings, "graduate:application", application_id=application.id)
    # In the graduate's language (an address without an account reads English).
    with i18n.using(user.language if user else None):
        employer_name = employer.name if employer else gettext("The employer")
        words = {"job": position.title, "employer": employer_name}
        headline = _STAGE_HEADLINES.get(to_stage)
        if headline is None:
            stage = STAGE_LABELS.get(to_stage, to_stage)
            sentence = gettext(
                "Your application for %(job)s at %(employer)s is now %(stage)s.",
                stage=stage,
                **words,
            )
        else:
            sentence = gettext(headline, **words)
        lines = [gettext("Hello %(name)s,", name=graduate.first_name), "", sentence]
        if reason:
            reason_label = taxonomy.REJECTION_REASONS.get(reason, reason)
            lines += ["", gettext("Reason: %(reason)s.", reason=reason_label)]
        if note:
            shown = gettext(FILLED_NOTE) if note == FILLED_NOTE else note
            lines += ["", gettext("Note from %(employer)s:", employer=employer_name), shown]
        lines += ["", gettext("See the whole history at %(link)s", link=history), ""]
        subject = gettext(
            "%(job)s at %(employer)s: %(stage)s",
            stage=STAGE_LABELS.get(to_stage, to_stage),
            **words,
        )
        mail.queue(
            db,
            settings,
            to_email=email,
            to_user_id=user.id if user else None,
            kind="application_stage",
            subject=subject,
            body="\n".join(lines),
        )


def _record_placement(
    db: Session, application: Application, position: Position, actor: Actor
) -> Placement:
    """A hire is the employer's word: the placement is recorded unverified (staff verify it)
    and counts in the reports from its start date on."""
    employer = db.get(Employer, position.employer_id)
    placement, _ = placements.record_placement(
        db,
        actor,
        graduate_id=application.graduate_id,
        employer_name=(employer.name if employer else "") or "Employer",
        job_title=position.title,
        start_date=position.start_date,
        hours_per_week=40 if position.employment_type == "full_time" else None,
        field="in_field",
        position_id=position.id,
        application_id=application.id,
    )
    return placement


def _answer_the_rest(db: Session, settings: Settings, position: Position, actor: Actor) -> int:
    """Every candidate still waiting on a filled position hears so, with the reason."""
    waiting = db.execute(
        select(Application).where(
            col(Application.position_id) == position.id,
            col(Application.stage).in_(ACTIVE_STAGES),
        )
    ).scalars()
    answered = 0
    for application in list(waiting):
        current = application.stage
        updated = db.exec(
            update(core_table(Application))
            .where(_A.id == application.id, _A.stage == current)
            .values(stage="rejected", rejection_reason="position_filled", updated_at=utcnow())
        )
        if updated.rowcount == 1:
            db.refresh(application)
            _record_move(
                db,
                settings,
                application,
                position,
                current,
                "rejected",
                actor,
                FILLED_NOTE,
                "position_filled",
            )
            answered += 1
    return answered


# An accepted offer fills a position the same way a hire does.
answer_the_rest = _answer_the_rest


# -- telling the employer ------------------------------------------------------------------


def notify_new_application(db: Session, settings: Settings, application: Application) -> int:
    """Tell every active member of the position's employer about a new candidate.

    Called by the graduates' apply flow (and by an accepted referral). Returns how many
    messages were queued.
    """
    position = db.get(Position, application.position_id)
    if position is None:
        return 0
    graduate = db.get(Graduate, application.graduate_id)
    candidates = links.url(settings, "employer:candidates", position_id=position.id)
    this_one = links.url(settings, "employer:application", application_id=application.id)
    members = db.execute(
        select(User)
        .join(EmployerMember, col(EmployerMember.user_id) == col(User.id))
        .where(col(EmployerMember.employer_id) == position.employer_id, col(User.active).is_(True))
    ).scalars()
    sent = 0
    for member in members:
        with i18n.using(member.language):
            name = (
                f"{graduate.first_name} {graduate.last_name}" if graduate else gettext("A graduate")
            )
            if application.source == "referred":
                news = gettext(
                    "%(name)s was referred by career services and accepted for %(job)s.",
                    name=name,
                    job=position.title,
                )
            else:
                news = gettext("%(name)s applied for %(job)s.", name=name, job=position.title)
            mail.queue(
                db,
                settings,
                to_email=member.email,
                to_user_id=member.id,
                kind="new_application",
                subject=gettext(
                    "New candidate for %(job)s: %(name)s", job=position.title, name=name
                ),
                body="\n".join(
                    [
                        gettext("Hello %(name)s,", name=member.name or member.email),
                        "",
                        news,
                        "",
                        gettext("See the candidates at %(link)s", link=candidates),
                        gettext("and this application at %(link)s", link=this_one),
                        "",
                    ]
                ),
            )
        sent += 1
    return sent


# -- what the employer reads ---------------------------------------------------------------


@dataclass
class CredentialView:
    code: str
    state: str | None
    expires_on: date | None
    verified: bool
    expired: bool


@dataclass
class EventView:
    from_stage: str | None
    to_stage: str
    actor_name: str
    note: str
    reason: str | None
    at: datetime


@dataclass
class Candidate:
    application_id: int
    graduate_id: int
    name: str
    source: str
    stage: str
    applied_at: datetime
    cover_note: str
    rejection_reason: str | None
    program: str
    zip: str | None
    has_resume: bool
    modalities: list[tuple[str, int]] = field(default_factory=list)
    credentials: list[CredentialView] = field(default_factory=list)
    history: list[EventView] = field(default_factory=list)
    match: MatchResult | None = None

    @property
    def moves(self) -> tuple[str, ...]:
        return next_stages(self.stage)


def candidates_for_position(
    db: Session,
    employer_id: int,
    position_id: int,
    *,
    application_id: int | None = None,
    today: date | None = None,
) -> tuple[Position, list[Candidate]]:
    """The position's applicants (applied or referred-and-accepted) with what the employer
    may see: profile facts, modalities, credentials with verification and expiry, the stage
    history and the match explanation. A handful of queries for the whole list; staff notes
    and school records (hours) never appear."""
    today = today or dates.today()
    position = position_for_employer(db, employer_id, position_id)
    query: Select[*tuple[Any, ...]] = (
        select(
            col(Application.id).label("application_id"),
            col(Graduate.id).label("graduate_id"),
            col(Graduate.first_name),
            col(Graduate.last_name),
            col(Application.source),
            col(Application.stage),
            col(Application.created_at),
            col(Application.cover_note),
            col(Application.rejection_reason),
            col(Graduate.program),
            col(Graduate.zip),
            col(Graduate.resume_file),
            col(Graduate.deleted_at),
        )
        .join(Graduate, col(Graduate.id) == col(Application.graduate_id))
        .where(col(Application.position_id) == position_id)
        .order_by(col(Application.created_at), col(Application.id))
    )
    if application_id is not None:
        query = query.where(col(Application.id) == application_id)
    candidates: list[Candidate] = []
    for row in db.execute(query).all():
        deleted = row.deleted_at is not None
        candidates.append(
            Candidate(
                application_id=row.application_id,
                graduate_id=row.graduate_id,
                name=(
                    gettext("Former graduate (account deleted)")
                    if deleted
                    else f"{row.first_name} {row.last_name}"
                ),
                source=row.source,
                stage=row.stage,
                applied_at=row.created_at,
                cover_note=row.cover_note,
                rejection_reason=row.rejection_reason,
                program=row.program,
                zip=None if deleted else row.zip,
                has_resume=bool(row.resume_file) and not deleted,
            )
        )
    if not candidates:
        return position, candidates
    graduate_ids = [c.graduate_id for c in candidates]
    modalities: dict[int, list[tuple[str, int]]] = {gid: [] for gid in graduate_ids}
    for gid, code, level in db.execute(
        select(
            col(GraduateModality.graduate_id),
            col(GraduateModality.code),
            col(GraduateModality.proficiency),
        )
        .where(col(GraduateModality.graduate_id).in_(graduate_ids))
        .where(col(GraduateModality.proficiency) > 0)
    ).all():
        modalities[gid].append((code, level))
    credentials: dict[int, list[CredentialView]] = {gid: [] for gid in graduate_ids}
    for gid, code, state, expires_on, verified_at in db.execute(
        select(
            col(GraduateCredential.graduate_id),
            col(GraduateCredential.code),
            col(GraduateCredential.state),
            col(GraduateCredential.expires_on),
            col(GraduateCredential.verified_at),
        ).where(col(GraduateCredential.graduate_id).in_(graduate_ids))
    ).all():
        credentials[gid].append(
            CredentialView(
                code=code,
                state=state,
                expires_on=expires_on,
                verified=verified_at is not None,
                expired=expires_on is not None and expires_on < today,
            )
        )
    history: dict[int, list[EventView]] = {c.application_id: [] for c in candidates}
    for app_id, from_stage, to_stage, actor_name, note, reason, at in db.execute(
        select(
            col(ApplicationEvent.application_id),
            col(ApplicationEvent.from_stage),
            col(ApplicationEvent.to_stage),
            col(User.name),
            col(ApplicationEvent.note),
            col(ApplicationEvent.reason),
            col(ApplicationEvent.at),
        )
        .outerjoin(User, col(User.id) == col(ApplicationEvent.actor_user_id))
        .where(col(ApplicationEvent.application_id).in_(list(history)))
        .order_by(col(ApplicationEvent.at), col(ApplicationEvent.id))
    ).all():
        history[app_id].append(
            EventView(
                from_stage=from_stage,
                to_stage=to_stage,
                actor_name=actor_name
                or (gettext("the graduate") if to_stage == ApplicationStage.WITHDRAWN else "—"),
                note=note,
                reason=reason,
                at=at,
            )
        )
    explanations = explain_many(db, position_id, graduate_ids, audience="employer")
    for candidate in candidates:
        gid = candidate.graduate_id
        candidate.modalities = sorted(
            modalities[gid], key=lambda item: (-item[1], _MODALITY_ORDER.get(item[0], 99))
        )
        candidate.credentials = credentials[gid]
        candidate.history = history[candidate.application_id]
        candidate.match = explanations.get(gid)
    # An employer's list is ordered by the score it sees (banded), ties by name.
    candidates.sort(key=lambda c: (-(c.match.score if c.match else 0.0), c.name, c.application_id))
    return position, candidates


@dataclass(frozen=True)
class ResumeFile:
    path: Path
    download_name: str


def resume_for_employer(
    db: Session, settings: Settings, employer_id: int | None, application_id: int
) -> ResumeFile:
    """The applicant's résumé file; NotFound when there is none or it is not this employer's."""
    application, _position = application_for_employer(db, employer_id, application_id)
    graduate = db.get(Graduate, application.graduate_id)
    if graduate is None or graduate.deleted_at is not None or not graduate.resume_file:
        raise NotFound
    if not RESUME_NAME.match(graduate.resume_file) or ".." in graduate.resume_file:
        raise NotFound
    base = Path(settings.upload_dir).resolve()
    path = (base / graduate.resume_file).resolve()
    if base not in path.parents or not path.is_file():
        raise NotFound
    original = graduate.resume_name or "resume.pdf"
    safe = "".join(c for c in original if c.isalnum() or c in " ._-()").strip(" .") or "resume"
    if not safe.lower().endswith(".pdf"):
        safe += ".pdf"
    return ResumeFile(path=path, download_name=safe[:120])
