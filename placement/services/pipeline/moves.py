"""Moving a candidate: one conditional UPDATE per move, its event, audit and message to the
graduate; a hire records the placement and, when the openings are all taken, answers every
candidate still waiting (`answer_the_rest`, also used by an accepted offer)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlmodel import Session, col

from placement import i18n, links, taxonomy
from placement.config import Settings
from placement.db import atomic
from placement.i18n import N_, gettext, ngettext
from placement.models import (
    Application,
    ApplicationEvent,
    ApplicationStage,
    Employer,
    Graduate,
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
    audit,
    mail,
    offers,
    placements,
    system_notes,
)
from placement.services.pipeline.stages import (
    FINAL_STAGES,
    MAX_NOTE,
    application_for_employer,
    is_legal,
    next_stages,
)
from placement.services.positions import (
    ACTIVE_STAGES,
    hires_for,
    mark_filled_if_full,
)
from placement.taxonomy import STAGE_LABELS

_A = core_table(Application).c


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
            shown = system_notes.shown(note)
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
                system_notes.POSITION_FILLED,
                "position_filled",
            )
            answered += 1
    return answered


# An accepted offer fills a position the same way a hire does.
answer_the_rest = _answer_the_rest
