"""Who is which student: student ids belong to roster records; anything else is a claim.

A roster record (imported from the school's roster, or confirmed by staff) holds its
`student_id`, unique without regard to case. A self-registered account holds the id it typed
only as `claimed_student_id`. A claim that names a roster record's id, or another account's
claim, is a conflict that waits for staff: `link` makes the account that roster record's
login (after staff checked the person), `reject` drops the claim. Nothing of a roster record
ever reaches a claimant without staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from placement.db import atomic, metadata
from placement.i18n import gettext
from placement.models import Graduate, User, core_table, utcnow
from placement.models.graduates import student_key
from placement.services import Actor, Conflict, DomainError, NotFound, audit, changes

# The profile a graduate keeps for themself: a claimant's choices move to the roster record
# it is linked with (the school's fields — names, program, dates, hours — stay the record's).
PROFILE_FIELDS = (
    "zip",
    "travel_radius_miles",
    "settings",
    "employment_types",
    "availability",
    "pay_expectation",
    "bio",
    "visibility",
    "seeking",
    "resume_file",
    "resume_name",
    "resume_uploaded_at",
)


@dataclass(frozen=True)
class Side:
    graduate_id: int
    first_name: str
    last_name: str
    email: str
    student_id: str | None
    program: str
    graduation_date: date | None
    created_at: datetime
    has_login: bool


@dataclass(frozen=True)
class IdConflict:
    claimant: Side
    claimed_student_id: str
    roster: list[Side]
    other_claimants: list[Side]


def roster_record_for(db: Session, student_id: str) -> Graduate | None:
    """The roster record holding this id (any case), or None."""
    key = student_key(student_id)
    return db.exec(select(Graduate).where(Graduate.student_key == key)).first()


def _side(graduate: Graduate, has_login: bool) -> Side:
    return Side(
        graduate_id=graduate.id or 0,
        first_name=graduate.first_name,
        last_name=graduate.last_name,
        email=graduate.email,
        student_id=graduate.student_id,
        program=graduate.program,
        graduation_date=graduate.graduation_date,
        created_at=graduate.created_at,
        has_login=has_login,
    )


def conflicts(db: Session) -> list[IdConflict]:
    """Every open claim that names a roster record's id or another account's claim, oldest
    first, with both sides."""
    claimant = core_table(Graduate).alias("claimant")
    other = core_table(Graduate).alias("other")
    clashing = (
        select(claimant.c.id)
        .join(
            other,
            and_(
                other.c.id != claimant.c.id,
                other.c.deleted_at.is_(None),
                or_(
                    other.c.student_key == func.lower(claimant.c.claimed_student_id),
                    func.lower(other.c.claimed_student_id)
                    == func.lower(claimant.c.claimed_student_id),
                ),
            ),
        )
        .where(claimant.c.claimed_student_id.is_not(None), claimant.c.deleted_at.is_(None))
        .distinct()
    )
    ids = [row[0] for row in db.execute(clashing).all()]
    if not ids:
        return []
    claimants = db.exec(
        select(Graduate).where(col(Graduate.id).in_(ids)).order_by(col(Graduate.created_at))
    ).all()
    keys = sorted({(g.claimed_student_id or "").lower() for g in claimants})
    related = db.exec(
        select(Graduate).where(
            col(Graduate.deleted_at).is_(None),
            or_(
                col(Graduate.student_key).in_(keys),
                func.lower(Graduate.claimed_student_id).in_(keys),
            ),
        )
    ).all()
    user_ids = [g.user_id for g in related if g.user_id is not None]
    with_password = set(
        db.exec(
            select(User.id).where(col(User.id).in_(user_ids), col(User.password_hash).is_not(None))
        ).all()
    )
    found: list[IdConflict] = []
    for graduate in claimants:
        key = (graduate.claimed_student_id or "").lower()
        found.append(
            IdConflict(
                claimant=_side(graduate, graduate.user_id in with_password),
                claimed_student_id=graduate.claimed_student_id or "",
                roster=[
                    _side(g, g.user_id in with_password)
                    for g in related
                    if (g.student_id or "").lower() == key
                ],
                other_claimants=[
                    _side(g, g.user_id in with_password)
                    for g in related
                    if g.id != graduate.id and (g.claimed_student_id or "").lower() == key
                ],
            )
        )
    return found


def _claimant(db: Session, graduate_id: int) -> Graduate:
    graduate = db.get(Graduate, graduate_id)
    if graduate is None or graduate.deleted_at is not None:
        raise NotFound
    if not graduate.claimed_student_id:
        raise Conflict(gettext("This account holds no claim to a student ID (already resolved?)."))
    return graduate


@atomic
def link(db: Session, actor: Actor, *, graduate_id: int, roster_graduate_id: int) -> Graduate:
    """The claimant's account becomes the roster record's login: its applications,
    credentials and everything else it holds move to the record, with its own profile
    choices; the claimant's row goes. Refused when the record already has a login."""
    claimant = _claimant(db, graduate_id)
    record = db.get(Graduate, roster_graduate_id)
    if record is None or record.deleted_at is not None or record.student_id is None:
        raise DomainError(gettext("Choose a roster record of the conflict."), "roster_graduate_id")
    if record.id == claimant.id:
        raise DomainError(gettext("Choose a roster record of the conflict."), "roster_graduate_id")
    placeholder = db.get(User, record.user_id) if record.user_id is not None else None
    if placeholder is not None and placeholder.password_hash is not None:
        raise Conflict(
            gettext(
                "This roster record already has a login of its own: reject the claim, or ask "
                "the school which account is the student's."
            )
        )
    login_id = claimant.user_id
    try:
        with db.begin_nested():
            claimant.user_id = None
            db.add(claimant)
            record.user_id = None
            db.add(record)
            db.flush()
            if placeholder is not None:
                db.delete(placeholder)  # never had a password; its invitation links go too
                db.flush()
            _move_rows(db, from_id=claimant.id or 0, to_id=record.id or 0)
            for name in PROFILE_FIELDS:
                setattr(record, name, getattr(claimant, name))
            record.user_id = login_id
            record.updated_at = utcnow()
            record.version += 1
            db.delete(claimant)
            db.flush()
            db.add(record)
            db.flush()
    except IntegrityError:
        raise Conflict(
            gettext(
                "Both records hold the same application or referral: merge the duplicates first."
            )
        ) from None
    changes.graduate_changed(db, record.id)
    audit.record(
        db,
        "graduate.conflict_linked",
        actor=actor,
        object_type="graduate",
        object_id=record.id,
        after={"claimant_graduate_id": graduate_id, "user_id": login_id},
    )
    return record


def _move_rows(db: Session, *, from_id: int, to_id: int) -> None:
    """Every row that points at the claimant's graduate row points at the record instead
    (found from the metadata, so a table added later moves too)."""
    for table in metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "graduate" and fk.column.name == "id":
                db.execute(
                    update(table).where(fk.parent == from_id).values({fk.parent.name: to_id})
                )


@atomic
def reject(db: Session, actor: Actor, *, graduate_id: int, reason: str) -> Graduate:
    """The claim is dropped; the account stays as it is, unverified."""
    claimant = _claimant(db, graduate_id)
    reason = reason.strip()
    if not reason:
        raise DomainError(
            gettext("Say why the claim is rejected (the graduate is not told)."), "reason"
        )
    claimant.claimed_student_id = None
    claimant.updated_at = utcnow()
    claimant.version += 1
    db.add(claimant)
    audit.record(
        db,
        "graduate.conflict_rejected",
        actor=actor,
        object_type="graduate",
        object_id=claimant.id,
        after={"reason": reason[:500]},
    )
    return claimant


def confirm_claim(db: Session, graduate: Graduate) -> None:
    """Staff verify a self-registered graduate: its claim becomes its student id, unless a
    roster record holds that id (then the conflict must be resolved first)."""
    claimed = graduate.claimed_student_id
    if not claimed:
        return
    holder = roster_record_for(db, claimed)
    if holder is not None and holder.id != graduate.id:
        raise Conflict(
            gettext(
                "Student ID %(id)s belongs to a roster record: resolve the conflict under "
                "Identity conflicts first.",
                id=claimed,
            )
        )
    try:
        with db.begin_nested():
            graduate.student_id = claimed
            graduate.claimed_student_id = None
            db.add(graduate)
            db.flush()
    except IntegrityError:
        raise Conflict(
            gettext(
                "Student ID %(id)s was just given to another record: reload the page.", id=claimed
            )
        ) from None
