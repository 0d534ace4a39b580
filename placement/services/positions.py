"""Positions: the employer's structured openings, their review states and the public search.

Rules kept here:
- create and edit share one function (`save_position`); an edit made from an older version
  of the row is refused (`Conflict`), checked by a conditional UPDATE on `version`;
- a draft stays private, a submission waits in review (`pending_review`); editing an open
  position's requirements (modalities, credentials, minimum hours) or what it says and pays
  (title, description, pay) sends it back to review, with what staff approved kept in
  `approved_values` for the review queue's before and after; any other edit keeps it open;
- a position is public only while `visibility.public_position` says so (open, employer
  approved, closing date not passed). Search filters on that at query time;
  `expire_positions` writes the `expired` status down (cheaply) from the worker's
  `positions.expire` job, never from a page view;
- every change records `changes.position_changed` so the matching index (and the public
  pages' data version) sees it; every save rewrites the position's search document
  (`search.index_positions`).

The search reads only the columns a result card shows, in one query (plus one IN query for
the page's required modalities and credentials): no ORM objects, no query per row.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    Date,
    Executable,
    Float,
    Integer,
    String,
    bindparam,
    case,
    column,
    func,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.types import TypeEngine
from sqlmodel import Session

from placement import dates, geo, taxonomy
from placement.db import atomic
from placement.formats import money
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
    split_codes,
    utcnow,
)
from placement.services import (
    Actor,
    Conflict,
    DomainError,
    NotFound,
    audit,
    changes,
    search,
    visibility,
)

log = logging.getLogger("placement.positions")

PAGE_SIZE = 20
MAX_RADIUS_MILES = 3000
DEFAULT_RADIUS_MILES = 25
MAX_OPENINGS = 100
MAX_TRAINING_HOURS = 5000
MAX_PAY = 500.0
# Statuses an employer can still work on; `filled` reopens only with more openings.
EDITABLE_STATUSES = ("draft", "pending_review", "open", "rejected", "closed", "expired", "filled")
CLOSABLE_STATUSES = ("draft", "pending_review", "open", "rejected", "expired")
EXPIRING_STATUSES = ("open", "pending_review")
ACTIVE_STAGES = ("submitted", "screening", "interview", "offer")

_P = core_table(Position).c
_E = core_table(Employer).c
_R = core_table(PositionRequirement).c
_A = core_table(Application).c


# -- input and its rules -------------------------------------------------------------------


@dataclass(frozen=True)
class PositionInput:
    """What an employer may set on a position; nothing else from a form reaches the row."""

    title: str
    description: str
    setting: str
    employment_type: str
    pay_min: float | None
    pay_max: float | None
    zip: str
    start_date: date | None
    openings: int
    min_training_hours: int
    closes_on: date | None
    shifts: tuple[str, ...] = ()
    required_modalities: tuple[str, ...] = ()
    preferred_modalities: tuple[str, ...] = ()
    required_credentials: tuple[str, ...] = ()
    preferred_credentials: tuple[str, ...] = ()
    # Required credentials that count only once career services verified them.
    verified_credentials: tuple[str, ...] = ()

    def requirements(self) -> set[tuple[str, str, bool]]:
        return {
            *(("modality", code, True) for code in self.required_modalities),
            *(("modality", code, False) for code in self.preferred_modalities),
            *(("credential", code, True) for code in self.required_credentials),
            *(("credential", code, False) for code in self.preferred_credentials),
        }


def input_problems(
    data: PositionInput, *, today: date, previous: Position | None = None
) -> dict[str, str]:
    """Every rule that spans fields or needs today's date, as {field: message}.

    Single-field checks (lengths, formats, ranges, known codes) happen while the form is read;
    `save_position` runs this again so no caller can skip it.
    """
    problems: dict[str, str] = {}
    if not data.title.strip():
        problems["title"] = "This field is required."
    elif len(data.title) > 200:
        problems["title"] = f"Use at most 200 characters (this has {len(data.title)})."
    if len(data.description) > 20000:
        problems["description"] = "Use at most 20,000 characters."
    if data.setting not in taxonomy.SETTINGS:
        problems["setting"] = "Choose one of the options offered."
    if data.employment_type not in taxonomy.EMPLOYMENT_TYPES:
        problems["employment_type"] = "Choose one of the options offered."
    if data.pay_min is not None and data.pay_max is not None and data.pay_min > data.pay_max:
        problems["pay_max"] = (
            f"The highest pay (${data.pay_max:g}) is below the lowest (${data.pay_min:g})."
        )
    if not geo.is_known(data.zip):
        problems["zip"] = f"{data.zip} is not a US ZIP code we know."
    if not 1 <= data.openings <= MAX_OPENINGS:
        problems["openings"] = f"Enter a number from 1 to {MAX_OPENINGS}."
    if not 0 <= data.min_training_hours <= MAX_TRAINING_HOURS:
        problems["min_training_hours"] = f"Enter a number from 0 to {MAX_TRAINING_HOURS:,}."
    horizon = dates.years_after(today, 2)
    if data.start_date is not None:
        unchanged = previous is not None and previous.start_date == data.start_date
        if data.start_date < today and not unchanged:
            problems["start_date"] = "The start date has passed: choose today or a later date."
        elif data.start_date > horizon:
            problems["start_date"] = "Choose a start date within the next two years."
    if data.closes_on is not None:
        if data.closes_on < today:
            problems["closes_on"] = "The closing date has passed: choose today or a later date."
        elif data.closes_on > horizon:
            problems["closes_on"] = "Choose a closing date within the next two years."
        elif data.start_date is not None and data.closes_on > data.start_date:
            problems["closes_on"] = (
                "Applications should close on or before the start date "
                f"({data.start_date.isoformat()})."
            )
    for name, codes, vocabulary in (
        ("shifts", data.shifts, taxonomy.SLOTS),
        ("required_modalities", data.required_modalities, taxonomy.MODALITIES),
        ("preferred_modalities", data.preferred_modalities, taxonomy.MODALITIES),
        ("required_credentials", data.required_credentials, taxonomy.CREDENTIALS),
        ("preferred_credentials", data.preferred_credentials, taxonomy.CREDENTIALS),
        ("verified_credentials", data.verified_credentials, taxonomy.CREDENTIALS),
    ):
        unknown = [code for code in codes if code not in vocabulary]
        if unknown:
            problems[name] = f"Unknown choice: {unknown[0][:40]!r}."
    for kind, required, preferred, vocabulary in (
        (
            "modalities",
            data.required_modalities,
            data.preferred_modalities,
            taxonomy.MODALITIES,
        ),
        (
            "credentials",
            data.required_credentials,
            data.preferred_credentials,
            taxonomy.CREDENTIALS,
        ),
    ):
        both = sorted(set(required) & set(preferred))
        if both:
            names = ", ".join(taxonomy.label(vocabulary, code) for code in both)
            problems.setdefault(
                f"preferred_{kind}",
                f"{names}: already required. Mark each as required or preferred, not both.",
            )
    not_required = [
        code for code in data.verified_credentials if code not in data.required_credentials
    ]
    if not_required and "verified_credentials" not in problems:
        names = ", ".join(taxonomy.label(taxonomy.CREDENTIALS, code) for code in not_required)
        problems["verified_credentials"] = (
            f"{names}: only a required credential can be asked for verified. Mark it as "
            "required too, or untick it here."
        )
    return problems


# -- loaders -------------------------------------------------------------------------------


def position_for_employer(db: Session, employer_id: int | None, position_id: int) -> Position:
    """The employer's own position; NotFound for a missing id and for anyone else's."""
    position = db.get(Position, position_id) if 0 < position_id < 2**31 else None
    if position is None or employer_id is None or position.employer_id != employer_id:
        raise NotFound
    return position


def requirements_of(db: Session, position_id: int) -> dict[str, list[str]]:
    """{"required_modalities": [...], "preferred_modalities": [...], ...} in taxonomy order."""
    rows = db.execute(
        select(_R.kind, _R.code, _R.required, _R.verified_only).where(_R.position_id == position_id)
    ).all()
    return _group_requirements(rows)


_PLURAL = {"modality": "modalities", "credential": "credentials"}


def _group_requirements(rows: Any) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {
        "required_modalities": [],
        "preferred_modalities": [],
        "required_credentials": [],
        "preferred_credentials": [],
        "verified_credentials": [],
    }
    for kind, code, required, *verified_only in rows:
        key = f"{'required' if required else 'preferred'}_{_PLURAL.get(kind, kind)}"
        if key in grouped:
            grouped[key].append(code)
        if key == "required_credentials" and verified_only and verified_only[0]:
            grouped["verified_credentials"].append(code)
    for key, codes in grouped.items():
        vocabulary = taxonomy.MODALITIES if key.endswith("modalities") else taxonomy.CREDENTIALS
        grouped[key] = _ordered(codes, vocabulary)
    return grouped


_ORDER = {
    id(taxonomy.MODALITIES): {code: index for index, code in enumerate(taxonomy.MODALITIES)},
    id(taxonomy.CREDENTIALS): {code: index for index, code in enumerate(taxonomy.CREDENTIALS)},
}


_SLOT_ORDER = {slot: index for index, slot in enumerate(taxonomy.SLOTS)}


def ordered_slots(codes: list[str]) -> list[str]:
    """Shift slots in the week's order (Monday morning first), not alphabetically."""
    return sorted(codes, key=lambda slot: (_SLOT_ORDER.get(slot, len(_SLOT_ORDER)), slot))


def _ordered(codes: list[str], vocabulary: dict[str, taxonomy.Term]) -> list[str]:
    """Codes in the taxonomy's order (how forms list them), unknown ones last."""
    order = _ORDER[id(vocabulary)]
    return sorted(codes, key=lambda code: (order.get(code, len(order)), code))


# -- writing -------------------------------------------------------------------------------


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
        raise DomainError(
            f"Your organisation is {employer.status}: positions can be saved as drafts but "
            "not submitted. Contact career services.",
            None,
        )


def hires_for(db: Session, position_id: int) -> int:
    return int(
        db.execute(
            select(func.count())
            .select_from(core_table(Application))
            .where(_A.position_id == position_id, _A.stage == ApplicationStage.HIRED)
        ).scalar_one()
    )


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
        raise DomainError("Choose to save a draft or to submit for review.", "action")
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
            "Someone saved this position after you opened it. Your changes were not saved: "
            "reload the page to see the latest version, then make your changes again.",
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
                f"All {hires} opening(s) are filled. To hire more, raise the number of "
                "openings above the hires made.",
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
            "Someone saved this position a moment before you. Your changes were not saved: "
            "reload the page to see the latest version, then make your changes again.",
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


@dataclass(frozen=True)
class ReviewChange:
    """One reviewed field of a position sent back to review: what staff approved, what now."""

    field: str
    label: str
    before: str
    after: str


_REVIEW_LABELS = {
    "title": "Title",
    "description": "Description",
    "pay_min": "Pay from (USD/h)",
    "pay_max": "Pay to (USD/h)",
    "min_training_hours": "Minimum training hours",
    "requirements": "Requirements",
    "verified": "Credentials counted only once verified",
}


def review_changes(db: Session, positions: Sequence[Position]) -> dict[int, list[ReviewChange]]:
    """For each position back in review after an edit, the reviewed fields whose value differs
    from what staff approved (in one query for the page's requirements); a position never
    approved has none (it is a new submission)."""
    waiting = [p for p in positions if p.id is not None and p.approved_values]
    if not waiting:
        return {}
    ids = [p.id for p in waiting]
    requirements: dict[int, set[tuple[str, str, bool]]] = {i: set() for i in ids if i}
    verified: dict[int, list[str]] = {i: [] for i in ids if i}
    for row in db.execute(
        select(_R.position_id, _R.kind, _R.code, _R.required, _R.verified_only).where(
            _R.position_id.in_(ids)
        )
    ).all():
        requirements[row[0]].add((row[1], row[2], row[3]))
        if row[4]:
            verified[row[0]].append(row[2])
    result: dict[int, list[ReviewChange]] = {}
    for position in waiting:
        assert position.id is not None
        try:
            approved = json.loads(position.approved_values or "{}")
        except ValueError:
            continue
        now = _reviewed_snapshot(
            _snapshot(
                {
                    name: getattr(position, name)
                    for name in (*REVIEWED_FIELDS, "min_training_hours")
                },
                requirements[position.id],
                position.status,
            ),
            sorted(verified[position.id]),
        )
        result[position.id] = [
            ReviewChange(name, _REVIEW_LABELS[name], _shown(approved.get(name)), _shown(value))
            for name, value in now.items()
            if _shown(approved.get(name)) != _shown(value)
        ]
    return result


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    if isinstance(value, float):
        return money(value)
    return str(value)


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


# -- the employer's views ------------------------------------------------------------------


class EmployerPositionRow(NamedTuple):
    id: int
    title: str
    status: str
    closes_on: date | None
    openings: int
    candidates: int
    active: int
    hired: int
    updated_at: Any


def employer_positions(db: Session, employer_id: int) -> list[EmployerPositionRow]:
    """The employer's positions with candidate counts, in one query."""
    stage = _A.stage
    rows = db.execute(
        select(
            _P.id,
            _P.title,
            _P.status,
            _P.closes_on,
            _P.openings,
            func.count(_A.id),
            func.coalesce(func.sum(case((stage.in_(ACTIVE_STAGES), 1), else_=0)), 0),
            func.coalesce(func.sum(case((stage == ApplicationStage.HIRED, 1), else_=0)), 0),
            _P.updated_at,
        )
        .select_from(
            core_table(Position).outerjoin(core_table(Application), _A.position_id == _P.id)
        )
        .where(_P.employer_id == employer_id)
        .group_by(_P.id)
        .order_by(_P.id.desc())
    ).all()
    return [EmployerPositionRow(*row) for row in rows]


def stage_counts(db: Session, position_id: int) -> dict[str, int]:
    rows = db.execute(
        select(_A.stage, func.count()).where(_A.position_id == position_id).group_by(_A.stage)
    ).all()
    return {stage: int(count) for stage, count in rows}


def effective_status(status: str, closes_on: date | None, today: date) -> str:
    """What a reader should see: an open position past its closing date is expired."""
    if status in EXPIRING_STATUSES and closes_on is not None and closes_on < today:
        return "expired"
    return status


# -- the public search ---------------------------------------------------------------------


class PositionCard(NamedTuple):
    """One search result: exactly what `_partials/position_card.html` shows."""

    id: int
    title: str
    employer_name: str
    setting: str
    employment_type: str
    pay_min: float | None
    pay_max: float | None
    zip: str
    start_date: date | None
    closes_on: date | None
    distance: float | None = None
    required_modalities: tuple[str, ...] = ()
    required_credentials: tuple[str, ...] = ()

    # Labels as plain properties: cheaper for a template than calling label() per card.
    @property
    def setting_label(self) -> str:
        return taxonomy.label(taxonomy.SETTINGS, self.setting)

    @property
    def employment_type_label(self) -> str:
        return taxonomy.label(taxonomy.EMPLOYMENT_TYPES, self.employment_type)

    @property
    def pay_text(self) -> str:
        return pay_range(self.pay_min, self.pay_max)

    @property
    def required_labels(self) -> list[str]:
        return [
            *(taxonomy.label(taxonomy.MODALITIES, code) for code in self.required_modalities),
            *(taxonomy.label(taxonomy.CREDENTIALS, code) for code in self.required_credentials),
        ]


def pay_range(pay_min: float | None, pay_max: float | None) -> str:
    """The pay as people read it: "$28–$36 an hour", "$30 an hour" or "Pay not stated"."""
    if pay_min is None and pay_max is None:
        return "Pay not stated"
    if pay_min is None or pay_max is None or pay_min == pay_max:
        return f"{money(pay_min if pay_min is not None else pay_max or 0)} an hour"
    return f"{money(pay_min)}–{money(pay_max)} an hour"


@dataclass(frozen=True)
class SearchFilters:
    q: str = ""
    setting: str | None = None
    modality: str | None = None
    employment_type: str | None = None
    zip: str | None = None
    radius: int = DEFAULT_RADIUS_MILES
    page: int = 1


FILTER_NAMES = ("q", "setting", "modality", "employment_type", "zip", "radius")


def read_search_filters(
    params: Any, *, page: int = 1
) -> tuple[SearchFilters, dict[str, str], dict[str, str]]:
    """(filters, the values as typed, a message per bad filter) from a `/positions` query
    (the search page's and a saved search's: one reading of the filters)."""
    values = {name: str(params.get(name, "")).strip()[:200] for name in FILTER_NAMES}
    errors: dict[str, str] = {}
    for name, value in values.items():
        if "\x00" in value or any(ord(c) < 32 for c in value):
            errors[name] = "Remove the invisible control characters."
            values[name] = "".join(c for c in value if ord(c) >= 32)
    q = values["q"]
    if len(q) > 100:
        errors["q"] = "Use at most 100 characters."
    codes: dict[str, str | None] = {}
    for name, vocabulary, noun in (
        ("setting", taxonomy.SETTINGS, "setting"),
        ("modality", taxonomy.MODALITIES, "modality"),
        ("employment_type", taxonomy.EMPLOYMENT_TYPES, "employment type"),
    ):
        text = values[name]
        code = None
        if text and name not in errors:
            code = text if text in vocabulary else taxonomy.lookup_code(vocabulary, text)
            if code is None:
                errors[name] = f"We do not know the {noun} {text[:40]!r}: choose one from the list."
            else:
                values[name] = code
        codes[name] = code
    zip_code = None
    if values["zip"] and "zip" not in errors:
        zip_code = geo.normalize_zip(values["zip"])
        if zip_code is None:
            errors["zip"] = "Enter a 5-digit US ZIP code."
        elif not geo.is_known(zip_code):
            errors["zip"] = f"{zip_code} is not a US ZIP code we know."
            zip_code = None
    radius = DEFAULT_RADIUS_MILES
    if values["radius"] and "radius" not in errors:
        try:
            radius = int(values["radius"])
        except ValueError:
            errors["radius"] = "Enter the distance as a whole number of miles."
        else:
            if not 1 <= radius <= MAX_RADIUS_MILES:
                errors["radius"] = f"Enter a distance from 1 to {MAX_RADIUS_MILES:,} miles."
                radius = DEFAULT_RADIUS_MILES
    filters = SearchFilters(
        q=q if "q" not in errors else "",
        setting=codes["setting"],
        modality=codes["modality"],
        employment_type=codes["employment_type"],
        zip=zip_code,
        radius=radius,
        page=page,
    )
    return filters, values, errors


@dataclass
class SearchPage:
    """One page of results. `total` is exact unless `more` (then at least `total` match)."""

    cards: list[PositionCard]
    total: int
    page: int
    filters: SearchFilters
    more: bool = False

    @property
    def pages(self) -> int | None:
        """The number of pages, None while the count was cut short (`more`)."""
        return None if self.more else max(1, -(-self.total // PAGE_SIZE))

    @property
    def has_next(self) -> bool:
        return self.more or self.page * PAGE_SIZE < self.total


# The search runs hand-written SQL built once per combination of filters (building SQLAlchemy
# select() objects costs more per request than the queries themselves). The conditions read
# `position` alone, so finding, counting and grouping never join; only the page's cards join
# `employer`, for its name. See placement/bench_http.py for the figures.
_CARD_SQL = (
    "p.id, p.title, e.name AS employer_name, p.setting, p.employment_type, p.pay_min, "
    "p.pay_max, p.zip, p.start_date, p.closes_on"
)
_CARD_TYPES = (
    column("id", Integer),
    column("title", String),
    column("employer_name", String),
    column("setting", String),
    column("employment_type", String),
    column("pay_min", Float),
    column("pay_max", Float),
    column("zip", String),
    column("start_date", Date),
    column("closes_on", Date),
)
# Exact counts up to this many results (five pages); beyond it the page says "more than":
# counting further would read every match of a common word on every request.
COUNT_CAP = 100


@dataclass(frozen=True)
class _SearchSql:
    where: str  # the conditions, on `position p` alone
    names: frozenset[str]  # the filters' bind parameters
    ids: Executable  # the matching ids, newest first, up to :cap (the count and the page)
    per_zip: Executable


def _binds(clause: Any, names: set[str] | frozenset[str]) -> Any:
    types: dict[str, TypeEngine[Any]] = {
        "today": Date(),
        "q": String(),
        "setting": String(),
        "modality": String(),
    }
    types.update(employment_type=String(), limit=Integer(), offset=Integer(), cap=Integer())
    return clause.bindparams(
        *(bindparam(name, type_=types[name]) for name in sorted(names) if name in types)
    )


@lru_cache(maxsize=64)
def _search_sql(dialect: str, q: bool, setting: bool, modality: bool, kind: bool) -> _SearchSql:
    """The statements of one combination of filters, for one SQL dialect.

    Every condition reads `position` alone (the employer's status and name through
    uncorrelated subqueries, computed once per query), so counting and grouping never join;
    only the rows of the page join `employer`, for its name.
    """
    where = [visibility.public_position_sql(dialect)]
    names = {"today"}
    if q:
        # Full-text: the words of `q` against each position's search document (title,
        # description, employer name, the vocabulary of its requirements): see search.py.
        where.append(f"p.id IN ({search.matching_ids_sql(dialect)})")
        names.add("q")
    if setting:
        where.append("p.setting = :setting")
        names.add("setting")
    if kind:
        where.append("p.employment_type = :employment_type")
        names.add("employment_type")
    if modality:
        where.append(
            "p.id IN (SELECT r.position_id FROM position_requirement r "
            "WHERE r.kind = 'modality' AND r.code = :modality)"
        )
        names.add("modality")
    condition = " AND ".join(where)
    if q:
        # Ranked by relevance: the text condition becomes the join the ranking reads.
        ids = text(search.ranked_ids_sql(dialect, " AND ".join(where[:1] + where[2:])))
    else:
        ids = text(f"SELECT p.id FROM position p WHERE {condition} ORDER BY p.id DESC LIMIT :cap")
    # Per ZIP: how many match and which (a page near a ZIP is then picked without another
    # pass over the table).
    ids_of_zip = (
        "group_concat(p.id, ',')" if dialect == "sqlite" else "string_agg(CAST(p.id AS TEXT), ',')"
    )
    per_zip = text(
        f"SELECT p.zip, count(*), {ids_of_zip} FROM position p WHERE {condition} GROUP BY p.zip"
    )
    return _SearchSql(
        where=condition,
        names=frozenset(names),
        ids=_binds(ids, names | {"cap"}),
        per_zip=_binds(per_zip, names),
    )


@lru_cache(maxsize=4)
def _cards_sql(dialect: str) -> Executable:
    """The cards of a page by id, each with its required modalities and credentials as
    "kind:code" pairs (a correlated subquery run for these few rows only)."""
    if dialect == "sqlite":
        tags = "group_concat(r.kind || ':' || r.code, ',')"
        required = "r.required = 1"
    else:
        tags = "string_agg(r.kind || ':' || r.code, ',')"
        required = "r.required IS TRUE"
    return (
        text(
            f"SELECT {_CARD_SQL}, (SELECT {tags} FROM position_requirement r "
            f"WHERE r.position_id = p.id AND {required}) AS tags "
            "FROM position p JOIN employer e ON e.id = p.employer_id WHERE p.id IN :ids"
        )
        .columns(*_CARD_TYPES, column("tags", String))
        .bindparams(bindparam("ids", expanding=True))
    )


def _rows(connection: Connection, statement: Any, params: dict[str, Any]) -> Sequence[Any]:
    """The rows of one of the search's statements (plain tuples).

    On SQLite the statement's text goes straight to the driver, which takes `:name`
    parameters itself: profiled on the list page, SQLAlchemy's execution layer cost two to
    three times the query (0.3 ms of 0.45 ms per statement, two statements a page). Inside
    the session's transaction all the same. Dates go in as ISO text and come back as text
    (`_cards` reads both forms). PostgreSQL keeps the ordinary path.
    """
    if connection.dialect.name != "sqlite":
        return connection.execute(statement, params).all()
    values: dict[str, Any] = {}
    sql: str = getattr(statement, "element", statement).text  # a TextualSelect wraps it
    for name, value in params.items():
        if isinstance(value, list):
            names = [f"{name}_{index}" for index in range(len(value))]
            sql = sql.replace(f":{name}", "(" + ", ".join(f":{n}" for n in names) + ")")
            values.update(zip(names, value, strict=True))
        elif isinstance(value, date):
            values[name] = value.isoformat()
        else:
            values[name] = value
    driver = connection.connection.driver_connection
    assert driver is not None
    return driver.execute(sql, values).fetchall()


def _as_date(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


@lru_cache(maxsize=65536)
def _miles_between(a: str, b: str) -> float | None:
    pa, pb = geo.lookup(a), geo.lookup(b)
    if pa is None or pb is None:
        return None
    return geo.distance_miles(pa, pb)


def search_positions(db: Session, filters: SearchFilters, today: date | None = None) -> SearchPage:
    """Open positions of approved employers, filtered, newest first (nearest first with a ZIP).

    One query reads the page's rows (only the columns a card shows) and one reads their
    required modalities and credentials. The count is exact up to COUNT_CAP results and
    stops there. With a ZIP the distance filter works on distinct ZIPs: a GROUP BY query
    counts the results per ZIP, Python keeps the ZIPs within the radius sorted by distance
    and picks those that cover the requested page, and the row query reads only those.
    """
    today = today or dates.today()
    # Core statements on the session's connection: the ORM's execution layer has nothing to
    # add for plain rows, and costs a fair part of the page.
    connection = db.connection()
    dialect = connection.dialect.name
    flags = (
        bool(filters.q),
        bool(filters.setting),
        bool(filters.modality),
        bool(filters.employment_type),
    )
    sql = _search_sql(dialect, *flags)
    params: dict[str, Any] = {"today": today}
    if filters.q:
        match = search.match_query(dialect, filters.q)
        if match is None:  # no word at all (only punctuation): nothing can match
            return SearchPage([], 0, filters.page, filters)
        params["q"] = match
    if filters.setting:
        params["setting"] = filters.setting
    if filters.modality:
        params["modality"] = filters.modality
    if filters.employment_type:
        params["employment_type"] = filters.employment_type
    if filters.zip:
        return _search_near(connection, filters, dialect, sql, params)
    offset = (filters.page - 1) * PAGE_SIZE
    # One pass over the matches gives the count (up to the cap) and the page's ids; a text
    # search thus scans the descriptions once, not once for the rows and again to count.
    cap = max(COUNT_CAP, offset + PAGE_SIZE) + 1
    ids = [row[0] for row in _rows(connection, sql.ids, {**params, "cap": cap})]
    total, more = min(len(ids), cap - 1), len(ids) >= cap
    cards = _cards(connection, dialect, ids[offset : offset + PAGE_SIZE])
    return SearchPage(cards, total, filters.page, filters, more)


def _search_near(
    db: Connection, filters: SearchFilters, dialect: str, sql: _SearchSql, params: dict[str, Any]
) -> SearchPage:
    origin = filters.zip or ""
    near: list[tuple[float, str, int, str]] = []
    for zip_code, count, ids in _rows(db, sql.per_zip, params):
        miles = _miles_between(origin, zip_code)
        if miles is not None and miles <= filters.radius:
            near.append((miles, zip_code, int(count), ids or ""))
    near.sort()
    total = sum(count for _, _, count, _ in near)
    # Nearest ZIP first, newest first within a ZIP: walk the ZIPs to the requested page.
    offset = (filters.page - 1) * PAGE_SIZE
    page: list[int] = []
    distances: dict[str, float] = {}
    seen = 0
    for miles, zip_code, count, ids in near:
        if seen + count > offset and len(page) < PAGE_SIZE:
            ordered = sorted((int(i) for i in ids.split(",") if i), reverse=True)
            page.extend(ordered[max(0, offset - seen) :][: PAGE_SIZE - len(page)])
            distances[zip_code] = miles
        seen += count
        if len(page) >= PAGE_SIZE:
            break
    cards = [card._replace(distance=distances[card.zip]) for card in _cards(db, dialect, page)]
    return SearchPage(cards, total, filters.page, filters)


def _cards(db: Connection, dialect: str, ids: list[int]) -> list[PositionCard]:
    """The cards of these ids, in this order, with their required tags: one query."""
    if not ids:
        return []
    rows = {row[0]: row for row in _rows(db, _cards_sql(dialect), {"ids": ids})}
    cards = []
    for position_id in ids:
        row = rows.get(position_id)
        if row is None:
            continue
        modalities: list[str] = []
        credentials: list[str] = []
        for tag in filter(None, (row[10] or "").split(",")):
            kind, _, code = tag.partition(":")
            (modalities if kind == "modality" else credentials).append(code)
        cards.append(
            PositionCard(
                id=row[0],
                title=row[1],
                employer_name=row[2],
                setting=row[3],
                employment_type=row[4],
                pay_min=row[5],
                pay_max=row[6],
                zip=row[7],
                start_date=_as_date(row[8]),
                closes_on=_as_date(row[9]),
                required_modalities=tuple(_ordered(modalities, taxonomy.MODALITIES)),
                required_credentials=tuple(_ordered(credentials, taxonomy.CREDENTIALS)),
            )
        )
    return cards


@dataclass
class PublicPosition:
    id: int
    title: str
    description: str
    setting: str
    employment_type: str
    pay_min: float | None
    pay_max: float | None
    zip: str
    start_date: date | None
    closes_on: date | None
    openings: int
    min_training_hours: int
    shifts: list[str]
    employer_name: str
    employer_website: str
    employer_kind: str
    requirements: dict[str, list[str]]
    employer_id: int = 0

    @property
    def place(self) -> str:
        point = geo.lookup(self.zip)
        return f"{self.zip}, {point.state}" if point else self.zip


_PUBLIC_FROM = core_table(Position).join(core_table(Employer), _E.id == _P.employer_id)


def public_position(db: Session, position_id: int, today: date | None = None) -> PublicPosition:
    """A position anyone may read; NotFound unless open, approved and not past its closing."""
    today = today or dates.today()
    if not 0 < position_id < 2**31:
        raise NotFound
    row = db.execute(
        select(
            _P.id,
            _P.title,
            _P.description,
            _P.setting,
            _P.employment_type,
            _P.pay_min,
            _P.pay_max,
            _P.zip,
            _P.start_date,
            _P.closes_on,
            _P.openings,
            _P.min_training_hours,
            _P.shifts,
            _E.name,
            _E.website,
            _E.kind,
            _P.employer_id,
        )
        .select_from(_PUBLIC_FROM)
        .where(_P.id == position_id, visibility.public_position(today))
    ).first()
    if row is None:
        raise NotFound
    # mypy cannot count a slice: the row's first 12 columns are exactly the first 12 fields.
    found = PublicPosition(  # type: ignore[misc]
        *row[:12],
        shifts=ordered_slots(split_codes(row[12])),
        employer_name=row[13],
        employer_website=row[14],
        employer_kind=row[15],
        requirements=requirements_of(db, position_id),
    )
    found.employer_id = row[16]
    return found
