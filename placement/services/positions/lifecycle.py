"""A position's life: create and edit (one function), submit, close, expire, fill.

The position status machine lives here, the staff review's transitions included
(`REVIEW_ACTIONS`, used by `services.approvals`):
- a draft stays private, a submission waits in review (`pending_review`); editing an open
  position's requirements (modalities, credentials, minimum hours) or what it says and pays
  (title, description, pay) sends it back to review, with what staff approved kept in
  `approved_values` for the review queue's before and after; any other edit keeps it open;
- staff approve (`pending_review` → `open`) or reject (→ `rejected`);
- an edit made from an older version of the row is refused (`Conflict`), checked by a
  conditional UPDATE on `version`;
- `expire_positions` writes the `expired` status down (cheaply) from the worker's
  `positions.expire` job, never from a page view; `mark_filled_if_full` writes `filled`.

Every change records `changes.position_changed` so the matching index (and the public pages'
data version) sees it; every save rewrites the position's search document
(`search.index_positions`).
"""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from placement import dates
from placement.db import atomic
from placement.i18n import gettext, ngettext
from placement.models import (
    Application,
    ApplicationStage,
    Employer,
    EmployerStatus,
    Position,
    PositionRequirement,
    PositionStatus,
    core_table,
    join_codes,
    utcnow,
)
from placement.services import Actor, Conflict, DomainError, NotFound, audit, changes, search
from placement.services.positions.rules import PositionInput, input_problems

log = logging.getLogger("placement.positions")

# -- the status machine ---------------------------------------------------------------------

# Statuses an employer can still work on; `filled` reopens only with more openings.
EDITABLE_STATUSES = ("draft", "pending_review", "open", "rejected", "closed", "expired", "filled")
CLOSABLE_STATUSES = ("draft", "pending_review", "open", "rejected", "expired")
EXPIRING_STATUSES = ("open", "pending_review")
# Staff review: action -> (the status it sets, the statuses it may start from).
REVIEW_ACTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "approve": (PositionStatus.OPEN, (PositionStatus.PENDING_REVIEW,)),
    "reject": (PositionStatus.REJECTED, (PositionStatus.PENDING_REVIEW,)),
}

_P = core_table(Position).c
_R = core_table(PositionRequirement).c
_A = core_table(Application).c


# What staff read before approving: a change of any of these sends an open position back to
# review (with its requirements, compared separately).
REVIEWED_FIELDS = ("title", "description", "pay_min", "pay_max")


def _status_after_save(
    current: str | None, action: str, requirements_changed: bool, content_changed: bool = False
) -> tuple[str, str]:
    """(new status, audit action) for a save of a position in `current` with `action`."""
    if current is None:
        if action == "draft":
            return "draft", "position.created"
        return "pending_review", "position.submitted"
    if current == "open":
        # An open position stays public through small edits; new requirements, or a new
        # title, description or pay, need a review (a live page must not become an offer
        # nobody approved).
        if requirements_changed:
            return "pending_review", "position.requirements_changed"
        if content_changed:
            return "pending_review", "position.content_changed"
        return "open", "position.edited"
    if action == "draft":
        return "draft", "position.edited"
    return "pending_review", "position.submitted"


def _employer_may_submit(employer: Employer) -> None:
    if employer.status in (EmployerStatus.REJECTED, EmployerStatus.SUSPENDED):
        if employer.status == EmployerStatus.SUSPENDED:
            message = gettext(
                "Your organisation is suspended: positions can be saved as drafts but not "
                "submitted. Contact career services."
            )
        else:
            message = gettext(
                "Your organisation is rejected: positions can be saved as drafts but not "
                "submitted. Contact career services."
            )
        raise DomainError(message, None)


def effective_status(status: str, closes_on: date | None, today: date) -> str:
    """What a reader should see: an open position past its closing date is expired."""
    if status in EXPIRING_STATUSES and closes_on is not None and closes_on < today:
        return "expired"
    return status


def hires_for(db: Session, position_id: int) -> int:
    return int(
        db.execute(
            select(func.count())
            .select_from(core_table(Application))
            .where(_A.position_id == position_id, _A.stage == ApplicationStage.HIRED)
        ).scalar_one()
    )


# -- loader ---------------------------------------------------------------------------------


def position_for_employer(db: Session, employer_id: int | None, position_id: int) -> Position:
    """The employer's own position; NotFound for a missing id and for anyone else's."""
    position = db.get(Position, position_id) if 0 < position_id < 2**31 else None
    if position is None or employer_id is None or position.employer_id != employer_id:
        raise NotFound
    return position


# -- writing --------------------------------------------------------------------------------


@atomic
def save_position(
    db: Session,
    *,
    employer_id: int,
    actor: Actor,
    data: PositionInput,
    action: str,
    position_id: int | None = None,
    version: int | None = None,
    today: date | None = None,
) -> Position:
    """Create (position_id None) or edit a position, then save it as a draft or submit it.

    Raises NotFound (not this employer's position), Conflict (edited from an older version),
    DomainError (a rule said no, with the field).
    """
    today = today or dates.today()
    if action not in ("draft", "submit"):
        raise DomainError(gettext("Choose to save a draft or to submit for review."), "action")
    employer = db.get(Employer, employer_id)
    if employer is None:
        raise NotFound
    previous = None
    if position_id is not None:
        previous = position_for_employer(db, employer_id, position_id)
    problems = input_problems(data, today=today, previous=previous)
    if problems:
        name, message = next(iter(problems.items()))
        raise DomainError(message, name)

    values: dict[str, Any] = {
        "title": data.title,
        "description": data.description,
        "setting": data.setting,
        "employment_type": data.employment_type,
        "pay_min": data.pay_min,
        "pay_max": data.pay_max,
        "zip": data.zip,
        "start_date": data.start_date,
        "openings": data.openings,
        "min_training_hours": data.min_training_hours,
        "closes_on": data.closes_on,
        "shifts": join_codes(data.shifts),
    }
    now = utcnow()
    if previous is None:
        status, event = _status_after_save(None, action, False)
        if status == PositionStatus.PENDING_REVIEW:
            _employer_may_submit(employer)
        position = Position(
            employer_id=employer_id,
            status=status,
            submitted_at=now if status == PositionStatus.PENDING_REVIEW else None,
            **values,
        )
        db.add(position)
        db.flush()
        _write_requirements(db, position.id or 0, data.requirements())
        _mark_verified_only(db, position.id or 0, data.verified_credentials)
        search.index_positions(db, [position.id])
        audit.record(
            db,
            event,
            actor=actor,
            object_type="position",
            object_id=position.id,
            detail=position.title,
            after=_snapshot(values, data.requirements(), status),
        )
        changes.position_changed(db, position.id)
        return position

    assert position_id is not None
    if version is None or version != previous.version:
        raise Conflict(
            gettext(
                "Someone saved this position after you opened it. Your changes were not saved: "
                "reload the page to see the latest version, then make your changes again."
            ),
            None,
        )
    old_requirements = {
        (row.kind, row.code, row.required)
        for row in db.execute(
            select(_R.kind, _R.code, _R.required).where(_R.position_id == position_id)
        ).all()
    }
    new_requirements = data.requirements()
    old_verified = _verified_only(db, position_id)
    requirements_changed = (
        old_requirements != new_requirements
        or old_verified != set(data.verified_credentials)
        or previous.min_training_hours != data.min_training_hours
    )
    content_changed = any(getattr(previous, name) != values[name] for name in REVIEWED_FIELDS)
    status, event = _status_after_save(
        previous.status, action, requirements_changed, content_changed
    )
    if previous.status == PositionStatus.FILLED and action == "submit":
        hires = hires_for(db, position_id)
        if data.openings <= hires:
            raise DomainError(
                ngettext(
                    "All %(num)s opening is filled. To hire more, raise the number of openings "
                    "above the hires made.",
                    "All %(num)s openings are filled. To hire more, raise the number of openings "
                    "above the hires made.",
                    hires,
                ),
                "openings",
            )
    if status == PositionStatus.PENDING_REVIEW and previous.status != PositionStatus.PENDING_REVIEW:
        _employer_may_submit(employer)
    before = _snapshot(
        {name: getattr(previous, name) for name in values}, old_requirements, previous.status
    )
    approved_values = previous.approved_values
    if previous.status == PositionStatus.OPEN and status == PositionStatus.PENDING_REVIEW:
        approved_values = _approved_json(_reviewed_snapshot(before, sorted(old_verified)))
    updated = db.exec(
        update(core_table(Position))
        .where(_P.id == position_id, _P.version == version)
        .values(
            **values,
            status=status,
            status_reason="" if status != previous.status else previous.status_reason,
            version=version + 1,
            updated_at=now,
            submitted_at=now if status == PositionStatus.PENDING_REVIEW else previous.submitted_at,
            approved_values=approved_values,
        )
    )
    if updated.rowcount != 1:
        raise Conflict(
            gettext(
                "Someone saved this position a moment before you. Your changes were not saved: "
                "reload the page to see the latest version, then make your changes again."
            ),
            None,
        )
    if old_requirements != new_requirements:
        db.execute(core_table(PositionRequirement).delete().where(_R.position_id == position_id))
        _write_requirements(db, position_id, new_requirements)
    _mark_verified_only(db, position_id, data.verified_credentials)
    search.index_positions(db, [position_id])
    db.refresh(previous)
    after = _snapshot(values, new_requirements, status)
    audit.record(
        db,
        event,
        actor=actor,
        object_type="position",
        object_id=position_id,
        detail=data.title,
        before={k: v for k, v in before.items() if after.get(k) != v},
        after={k: v for k, v in after.items() if before.get(k) != v},
    )
    changes.position_changed(db, position_id)
    return previous


def _reviewed_snapshot(snapshot: dict[str, Any], verified: list[str]) -> dict[str, Any]:
    """The part of a position's snapshot that staff review (REVIEWED_FIELDS, the minimum
    hours and the requirements), as stored in `approved_values`."""
    kept = {name: snapshot.get(name) for name in (*REVIEWED_FIELDS, "min_training_hours")}
    kept["description"] = (kept["description"] or "")[:REVIEWED_DESCRIPTION]
    return {**kept, "requirements": snapshot.get("requirements", []), "verified": verified}


# `approved_values` holds at most this many characters (its column's length).
APPROVED_VALUES_LENGTH = 40000
# The description kept for the comparison: with JSON escapes (a quote or a line break takes
# two characters) and the title and requirements it still fits the column.
REVIEWED_DESCRIPTION = 15000


def _approved_json(snapshot: dict[str, Any]) -> str:
    text = json.dumps(snapshot, ensure_ascii=False, default=str)
    if len(text) > APPROVED_VALUES_LENGTH:  # only a pathological description gets here
        text = json.dumps({**snapshot, "description": ""}, ensure_ascii=False, default=str)
    return text[:APPROVED_VALUES_LENGTH]


def _write_requirements(db: Session, position_id: int, rows: set[tuple[str, str, bool]]) -> None:
    if rows:
        db.execute(
            core_table(PositionRequirement).insert(),
            [
                {"position_id": position_id, "kind": kind, "code": code, "required": required}
                for kind, code, required in sorted(rows)
            ],
        )


def _mark_verified_only(db: Session, position_id: int, codes: tuple[str, ...]) -> None:
    """Flag the required credentials that count only once verified (and unflag the rest)."""
    table = core_table(PositionRequirement)
    mine = (_R.position_id == position_id, _R.kind == "credential")
    db.execute(update(table).where(*mine).values(verified_only=False))
    if codes:
        db.execute(
            update(table)
            .where(*mine, _R.required, _R.code.in_(list(codes)))
            .values(verified_only=True)
        )


def _verified_only(db: Session, position_id: int) -> set[str]:
    return {
        code
        for (code,) in db.execute(
            select(_R.code).where(
                _R.position_id == position_id, _R.kind == "credential", _R.verified_only
            )
        ).all()
    }


def _snapshot(
    values: dict[str, Any], requirements: set[tuple[str, str, bool]], status: str
) -> dict[str, Any]:
    snapshot = {name: value for name, value in values.items()}
    snapshot["status"] = status
    snapshot["requirements"] = [
        f"{'required' if required else 'preferred'} {kind} {code}"
        for kind, code, required in sorted(requirements)
    ]
    return snapshot


def close_position(db: Session, *, employer_id: int, actor: Actor, position_id: int) -> Position:
    """Close a position (it leaves the search); idempotent for closed and filled ones."""
    position = position_for_employer(db, employer_id, position_id)
    if position.status not in CLOSABLE_STATUSES:
        return position
    updated = db.exec(
        update(core_table(Position))
        .where(_P.id == position_id, _P.status == position.status)
        .values(status="closed", version=_P.version + 1, updated_at=utcnow())
    )
    if updated.rowcount == 1:
        audit.record(
            db,
            "position.closed",
            actor=actor,
            object_type="position",
            object_id=position_id,
            detail=position.title,
            before={"status": position.status},
            after={"status": "closed"},
        )
        changes.position_changed(db, position_id)
    db.refresh(position)
    return position


def expire_positions(db: Session, today: date | None = None) -> int:
    """Write `expired` on open or pending positions whose closing date has passed.

    Cheap (one indexed SELECT of ids, and an UPDATE only when there is something to do);
    search pages never need it because they filter on the date themselves. Best effort:
    it runs inside a savepoint, and when another writer holds the database (a read
    transaction on SQLite cannot always become a write one) it gives up for this time.
    """
    today = today or dates.today()
    try:
        with db.begin_nested():
            ids = list(
                db.execute(
                    select(_P.id).where(_P.closes_on < today, _P.status.in_(EXPIRING_STATUSES))
                ).scalars()
            )
            if not ids:
                return 0
            db.execute(
                update(core_table(Position))
                .where(_P.id.in_(ids), _P.status.in_(EXPIRING_STATUSES))
                .values(status="expired", version=_P.version + 1, updated_at=utcnow())
            )
            for position_id in ids:
                audit.record(
                    db,
                    "position.expired",
                    actor=Actor(user_id=None, role="system"),
                    object_type="position",
                    object_id=position_id,
                    detail=f"Closing date before {today.isoformat()}",
                )
                changes.position_changed(db, position_id)
            db.flush()
    except OperationalError as error:
        log.info("expiry sweep skipped: %s", error.orig)
        return 0
    return len(ids)


def mark_filled_if_full(db: Session, position_id: int) -> bool:
    """`filled` once hires reach the openings; True when this call filled it."""
    position = db.get(Position, position_id)
    if position is None or position.status == PositionStatus.FILLED:
        return False
    if hires_for(db, position_id) < position.openings:
        return False
    updated = db.exec(
        update(core_table(Position))
        .where(_P.id == position_id, _P.status != PositionStatus.FILLED)
        .values(status="filled", version=_P.version + 1, updated_at=utcnow())
    )
    if updated.rowcount == 1:
        changes.position_changed(db, position_id)
        db.refresh(position)
        return True
    return False
