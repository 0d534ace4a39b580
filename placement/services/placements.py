"""Placements recorded by staff, their verification, and each graduate's outcome.

An employer's move of a candidate to `hired` records a verified placement on its own (in the
pipeline service); staff record the jobs graduates found elsewhere here. Recording a placement
sets the graduate's outcome to `placed`; the outcome report counts both kinds alike.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from placement import taxonomy
from placement.models import Graduate, Placement, Position, utcnow
from placement.services import Conflict, DomainError, NotFound, audit, changes
from placement.services.approvals import Actor

MAX_NOTE = 2000


def _graduate(db: Session, graduate_id: int) -> Graduate:
    graduate = db.get(Graduate, graduate_id)
    if graduate is None:
        raise NotFound
    return graduate


def _clean(text: str | None, name: str, limit: int, *, required: bool = False) -> str:
    value = (text or "").strip()
    if "\x00" in value:
        raise DomainError("Remove the invisible NUL character.", name)
    if len(value) > limit:
        raise DomainError(f"Use at most {limit} characters.", name)
    if required and not value:
        raise DomainError("This field is required.", name)
    return value


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
) -> tuple[Placement, bool]:
    """A job a graduate took; (placement, created). A second placement for the same graduate
    and position is not recorded twice: the existing one comes back with created False."""
    graduate = _graduate(db, graduate_id)
    if graduate.deleted_at is not None:
        raise DomainError("This graduate deleted their account: no new placement can be added.")
    if field not in taxonomy.PLACEMENT_FIELDS:
        raise DomainError("Choose in field, related field or out of field.", "field")
    employer_name = _clean(employer_name, "employer_name", 200, required=True)
    job_title = _clean(job_title, "job_title", 200, required=True)
    if hours_per_week is not None and not 1 <= hours_per_week <= 80:
        raise DomainError("Enter the hours per week, from 1 to 80.", "hours_per_week")
    employer_id = None
    if position_id is not None:
        position = db.get(Position, position_id)
        if position is None:
            raise DomainError(f"There is no position #{position_id}.", "position_id")
        employer_id = position.employer_id
        existing = db.exec(
            select(Placement).where(
                Placement.graduate_id == graduate_id, Placement.position_id == position_id
            )
        ).first()
        if existing is not None:
            return existing, False
    placement = Placement(
        graduate_id=graduate_id,
        employer_id=employer_id,
        employer_name=employer_name,
        position_id=position_id,
        job_title=job_title,
        start_date=start_date,
        hours_per_week=hours_per_week,
        field=field,
        created_by=actor.user_id,
    )
    db.add(placement)
    before = {
        "outcome_status": graduate.outcome_status,
        "unavailable_reason": graduate.unavailable_reason,
    }
    graduate.outcome_status = "placed"
    graduate.unavailable_reason = None
    # As for a hire through the pipeline: a placed graduate leaves the matching lists until
    # they say they are seeking again.
    graduate.seeking = "placed"
    graduate.updated_at = utcnow()
    db.add(graduate)
    db.flush()
    changes.graduate_changed(db, graduate.id)
    audit.record(
        db,
        "placement.recorded",
        actor_user_id=actor.user_id,
        actor_role=actor.role,
        object_type="placement",
        object_id=placement.id,
        detail=f"{job_title} at {employer_name} for graduate #{graduate_id}",
        before=before,
        after={
            "graduate_id": graduate_id,
            "employer_name": employer_name,
            "position_id": position_id,
            "job_title": job_title,
            "start_date": start_date,
            "hours_per_week": hours_per_week,
            "field": field,
            "outcome_status": "placed",
        },
        ip=actor.ip,
    )
    return placement, True


def verify_placement(
    db: Session, actor: Actor, *, placement_id: int, method: str, note: str = ""
) -> Placement:
    """Document the employment: how it was confirmed. A second verification replaces the
    first (both stay in the audit log)."""
    placement = db.get(Placement, placement_id)
    if placement is None:
        raise NotFound
    if method not in taxonomy.VERIFICATION_METHODS:
        raise DomainError("Choose how the employment was verified.", "method")
    note = _clean(note, "note", MAX_NOTE)
    before = {
        "verification_method": placement.verification_method,
        "verification_note": placement.verification_note,
        "verified_at": placement.verified_at,
    }
    if placement.verification_method == method and placement.verification_note == note:
        raise Conflict("This placement is already verified that way.")
    placement.verification_method = method
    placement.verification_note = note
    placement.verified_at = utcnow()
    placement.verified_by = actor.user_id
    db.add(placement)
    audit.record(
        db,
        "placement.verified",
        actor_user_id=actor.user_id,
        actor_role=actor.role,
        object_type="placement",
        object_id=placement.id,
        detail=f"{placement.job_title} at {placement.employer_name}: {method}",
        before=before,
        after={
            "verification_method": method,
            "verification_note": note,
            "verified_at": placement.verified_at,
        },
        ip=actor.ip,
    )
    return placement


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
        raise DomainError("Choose seeking, placed, unavailable or unknown.", "status")
    reason = (unavailable_reason or "").strip() or None
    if status == "unavailable":
        if reason is None:
            raise DomainError("Say why the graduate is unavailable.", "unavailable_reason")
        if reason not in taxonomy.UNAVAILABLE_REASONS:
            raise DomainError("Choose one of the reasons offered.", "unavailable_reason")
    elif reason is not None:
        raise DomainError(
            "Only an unavailable graduate has a reason: leave it empty.", "unavailable_reason"
        )
    note = _clean(note, "note", MAX_NOTE)
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
        actor_user_id=actor.user_id,
        actor_role=actor.role,
        object_type="graduate",
        object_id=graduate.id,
        detail=f"{before['outcome_status']} → {status}" + (f" ({reason})" if reason else ""),
        before=before,
        after=after,
        ip=actor.ip,
    )
    return graduate


def placements_of(db: Session, graduate_id: int) -> list[Placement]:
    return list(
        db.exec(
            select(Placement)
            .where(Placement.graduate_id == graduate_id)
            .order_by(col(Placement.id).desc())
        ).all()
    )
