"""Placements, their verification, and each graduate's outcome.

Every placement is recorded here, once: by staff (jobs graduates found elsewhere), by an
employer's hire in the pipeline (unverified: the hire is the employer's word, and the start
date is usually ahead), or by an accepted offer. One placement is one (graduate, position)
or, without a position, one (graduate, employer name ignoring case and spacing, job title,
start date): `Placement.dedupe_key` spells that out under a unique index, so recording it
again, even at the same moment from two requests, leads to the existing row. Recording a
placement sets the graduate's outcome to `placed`; the outcome report counts it from its
start date on.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from placement import taxonomy
from placement.db import atomic
from placement.i18n import gettext
from placement.models import Graduate, Placement, Position, utcnow
from placement.services import Actor, Conflict, DomainError, NotFound, audit, changes, clean_text

MAX_NOTE = 2000


def _graduate(db: Session, graduate_id: int) -> Graduate:
    graduate = db.get(Graduate, graduate_id)
    if graduate is None:
        raise NotFound
    return graduate


def dedupe_key(
    graduate_id: int,
    *,
    position_id: int | None,
    employer_name: str,
    job_title: str,
    start_date: date | None,
) -> str:
    """What makes two recordings one placement (see the module's docstring)."""
    if position_id is not None:
        return f"g{graduate_id}:p{position_id}"
    employer = "".join(employer_name.casefold().split())
    title = " ".join(job_title.casefold().split())
    started = start_date.isoformat() if start_date else "-"
    return f"g{graduate_id}:{started}:{title}:{employer}"[:450]


def _by_key(db: Session, key: str) -> Placement | None:
    return db.exec(select(Placement).where(Placement.dedupe_key == key)).first()


@atomic
def record_placement(
    db: Session,
    actor: Actor,
    *,
    graduate_id: int,
    employer_name: str,
    job_title: str,
    start_date: date | None,
    hours_per_week: int | None,
    field: str,
    position_id: int | None = None,
    application_id: int | None = None,
) -> tuple[Placement, bool]:
    """A job a graduate took, unverified until someone verifies it; (placement, created).

    The same placement recorded again (or twice at once) is not a second row: the existing
    one comes back with created False.
    """
    graduate = _graduate(db, graduate_id)
    if graduate.deleted_at is not None:
        raise DomainError(
            gettext("This graduate deleted their account: no new placement can be added.")
        )
    if field not in taxonomy.PLACEMENT_FIELDS:
        raise DomainError(gettext("Choose in field, related field or out of field."), "field")
    employer_name = clean_text(employer_name, "employer_name", 200, required=True)
    job_title = clean_text(job_title, "job_title", 200, required=True)
    if hours_per_week is not None and not 1 <= hours_per_week <= 80:
        raise DomainError(gettext("Enter the hours per week, from 1 to 80."), "hours_per_week")
    employer_id = None
    if position_id is not None:
        position = db.get(Position, position_id)
        if position is None:
            raise DomainError(
                gettext("There is no position #%(id)s.", id=position_id), "position_id"
            )
        employer_id = position.employer_id
    key = dedupe_key(
        graduate_id,
        position_id=position_id,
        employer_name=employer_name,
        job_title=job_title,
        start_date=start_date,
    )
    existing = _by_key(db, key)
    if existing is not None:
        return _link_application(db, existing, application_id), False
    placement = Placement(
        graduate_id=graduate_id,
        employer_id=employer_id,
        employer_name=employer_name,
        position_id=position_id,
        application_id=application_id,
        job_title=job_title,
        start_date=start_date,
        hours_per_week=hours_per_week,
        field=field,
        created_by=actor.user_id,
        dedupe_key=key,
    )
    try:
        with db.begin_nested():
            db.add(placement)
            db.flush()
    except IntegrityError:
        # Another request recorded the same placement a moment ago: that one stands.
        existing = _by_key(db, key)
        if existing is None:  # pragma: no cover - the constraint fired for another reason
            raise
        return _link_application(db, existing, application_id), False
    before = {
        "outcome_status": graduate.outcome_status,
        "unavailable_reason": graduate.unavailable_reason,
    }
    graduate.outcome_status = "placed"
    graduate.unavailable_reason = None
    # A placed graduate leaves the matching lists until they say they are seeking again.
    graduate.seeking = "placed"
    graduate.updated_at = utcnow()
    db.add(graduate)
    db.flush()
    changes.graduate_changed(db, graduate.id)
    audit.record(
        db,
        "placement.recorded",
        actor=actor,
        object_type="placement",
        object_id=placement.id,
        detail=f"{job_title} at {employer_name} for graduate #{graduate_id}",
        before=before,
        after={
            "graduate_id": graduate_id,
            "employer_name": employer_name,
            "position_id": position_id,
            "application_id": application_id,
            "job_title": job_title,
            "start_date": start_date,
            "hours_per_week": hours_per_week,
            "field": field,
            "outcome_status": "placed",
        },
    )
    return placement, True


def _link_application(db: Session, placement: Placement, application_id: int | None) -> Placement:
    """A hire of a placement staff had already recorded: the placement learns its application."""
    if application_id is not None and placement.application_id is None:
        placement.application_id = application_id
        db.add(placement)
        db.flush()
    return placement


@atomic
def verify_placement(
    db: Session, actor: Actor, *, placement_id: int, method: str, note: str = ""
) -> Placement:
    """Document the employment: how it was confirmed. A second verification replaces the
    first (both stay in the audit log)."""
    placement = db.get(Placement, placement_id)
    if placement is None:
        raise NotFound
    if method not in taxonomy.VERIFICATION_METHODS:
        raise DomainError(gettext("Choose how the employment was verified."), "method")
    note = clean_text(note, "note", MAX_NOTE)
    before = {
        "verification_method": placement.verification_method,
        "verification_note": placement.verification_note,
        "verified_at": placement.verified_at,
    }
    if placement.verification_method == method and placement.verification_note == note:
        raise Conflict(gettext("This placement is already verified that way."))
    placement.verification_method = method
    placement.verification_note = note
    placement.verified_at = utcnow()
    placement.verified_by = actor.user_id
    # A verification settles a dispute (an employer's "no" waiting for staff).
    placement.disputed_at = None
    db.add(placement)
    audit.record(
        db,
        "placement.verified",
        actor=actor,
        object_type="placement",
        object_id=placement.id,
        detail=f"{placement.job_title} at {placement.employer_name}: {method}",
        before=before,
        after={
            "verification_method": method,
            "verification_note": note,
            "verified_at": placement.verified_at,
        },
    )
    return placement


@atomic
def set_outcome(
    db: Session,
    actor: Actor,
    *,
    graduate_id: int,
    status: str,
    unavailable_reason: str | None,
    note: str = "",
) -> Graduate:
    """Staff record what became of a graduate; `unavailable` needs a reason, nothing else
    may have one."""
    graduate = _graduate(db, graduate_id)
    if status not in taxonomy.OUTCOME_STATUSES:
        raise DomainError(gettext("Choose seeking, placed, unavailable or unknown."), "status")
    reason = (unavailable_reason or "").strip() or None
    if status == "unavailable":
        if reason is None:
            raise DomainError(gettext("Say why the graduate is unavailable."), "unavailable_reason")
        if reason not in taxonomy.UNAVAILABLE_REASONS:
            raise DomainError(gettext("Choose one of the reasons offered."), "unavailable_reason")
    elif reason is not None:
        raise DomainError(
            gettext("Only an unavailable graduate has a reason: leave it empty."),
            "unavailable_reason",
        )
    note = clean_text(note, "note", MAX_NOTE)
    before = {
        "outcome_status": graduate.outcome_status,
        "unavailable_reason": graduate.unavailable_reason,
        "outcome_note": graduate.outcome_note,
    }
    after = {"outcome_status": status, "unavailable_reason": reason, "outcome_note": note}
    if before == after:
        return graduate
    graduate.outcome_status = status
    graduate.unavailable_reason = reason
    graduate.outcome_note = note
    graduate.updated_at = utcnow()
    db.add(graduate)
    changes.graduate_changed(db, graduate.id)
    audit.record(
        db,
        "graduate.outcome_changed",
        actor=actor,
        object_type="graduate",
        object_id=graduate.id,
        detail=f"{before['outcome_status']} → {status}" + (f" ({reason})" if reason else ""),
        before=before,
        after=after,
    )
    return graduate
