"""Applications, referrals, placements and outcomes between the seeded graduates and positions.

Deterministic: graduates and positions are read in id order and every choice comes from the
seed's `rng`, so the same seed gives the same pipeline. What it makes, so every staff page has
something real to show:

- applications at every stage, each with its stage history (and the employer's notes);
- hires on filled and closed positions, each with its employer-confirmed placement;
- placements staff recorded for jobs found elsewhere (in field, related, out of field), most
  of them verified by one of the methods;
- outcomes: graduates unavailable with a reason, unknown, still seeking;
- referrals from career services: pending, accepted (with their application) and declined;
- the audit events of all of the above, and of the organisations' approval.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlmodel import Session, col

from placement import dates
from placement.models import (
    Application,
    ApplicationEvent,
    AuditEvent,
    Employer,
    EmployerMember,
    Graduate,
    Placement,
    Position,
    Referral,
    User,
    core_table,
)
from placement.seed import DEMO_ADMIN_EMAIL, DEMO_STAFF_EMAIL, Progress, insert_rows, reserve_ids

# Core tables: rows go in as plain dicts, many to an INSERT.
APPLICATIONS = core_table(Application)
EVENTS = core_table(ApplicationEvent)
AUDIT = core_table(AuditEvent)
PLACEMENTS = core_table(Placement)
REFERRALS = core_table(Referral)
GRADUATES = core_table(Graduate)
_GRADUATE_UPDATE = (
    update(GRADUATES)
    .where(GRADUATES.c.id == bindparam("graduate_id"))
    .values(
        outcome_status=bindparam("outcome_status"),
        seeking=bindparam("seeking"),
        unavailable_reason=bindparam("unavailable_reason"),
        outcome_note=bindparam("outcome_note"),
    )
)
BATCH = 2000  # graduates between two writes

PATHS: dict[str, tuple[str, ...]] = {
    "submitted": ("submitted",),
    "screening": ("submitted", "screening"),
    "interview": ("submitted", "screening", "interview"),
    "offer": ("submitted", "screening", "interview", "offer"),
    "hired": ("submitted", "screening", "interview", "offer", "hired"),
    "rejected": ("submitted", "screening", "rejected"),
    "withdrawn": ("submitted", "withdrawn"),
}
OPEN_STAGES = (
    ("submitted", 35),
    ("screening", 20),
    ("interview", 15),
    ("offer", 5),
    ("rejected", 20),
    ("withdrawn", 5),
)
REJECTION_REASONS = (("qualifications", 4), ("schedule", 3), ("location", 2), ("other", 1))
STAGE_NOTES = {
    "screening": "Thanks for applying: we are reviewing your credentials.",
    "interview": "We would like to meet you on the unit; we will call to set a time.",
    "offer": "We are happy to offer you the position; details by e-mail.",
    "hired": "Welcome to the team! Orientation starts on the first Monday.",
    "rejected": "Thank you for your interest; we chose a candidate closer to our schedule.",
}
UNAVAILABLE = (
    ("continuing_education", 40, "Enrolled in a physical therapist assistant programme."),
    ("military", 15, "On active duty."),
    ("health", 20, "On medical leave; asked not to be contacted this year."),
    ("relocated_abroad", 20, "Moved abroad with family."),
    ("deceased", 3, "Reported by a classmate; confirmed by the family."),
    ("incarcerated", 2, "Confirmed by the county."),
)
OUTSIDE_JOBS = {
    "in_field": (
        (
            "Massage therapist",
            (
                "Coastline Therapeutic Massage",
                "Long Beach Wellness Studio",
                "Anaheim Pain Relief Center",
                "Pasadena Bodywork Collective",
            ),
        ),
        ("Medical massage therapist", ("Irvine Spine & Sports Clinic", "Torrance Recovery Clinic")),
    ),
    "related_field": (
        ("Physical therapy aide", ("Westwood Physical Therapy", "Fullerton Rehab Partners")),
        ("Rehabilitation technician", ("Culver City Rehab Center",)),
        ("Chiropractic assistant", ("Burbank Family Chiropractic",)),
    ),
    "out_of_field": (
        ("Retail associate", ("South Coast Outfitters",)),
        ("Administrative assistant", ("Glendale Property Services",)),
        ("Barista", ("Silver Lake Coffee Bar",)),
    ),
}
FIELDS = (("in_field", 70), ("related_field", 16), ("out_of_field", 14))
METHODS = (
    ("graduate_attested", 35, "Graduate confirmed by e-mail."),
    ("pay_stub", 25, "Pay stub for the first month seen."),
    ("employer_confirmed", 30, "Confirmed by the employer's HR by phone."),
    ("other", 10, "Listed on the employer's staff page."),
)
DECLINE_REASONS = (
    "The commute is too long for me.",
    "I accepted another offer.",
    "The shifts do not fit my childcare.",
)


def _weighted(rng: random.Random, options: tuple) -> tuple:
    total = sum(option[1] for option in options)
    roll = rng.random() * total
    for option in options:
        roll -= option[1]
        if roll < 0:
            return option
    return options[-1]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def _json(value: dict[str, object] | None) -> str | None:
    return json.dumps(value, sort_keys=True) if value is not None else None


@dataclass
class _Position:
    id: int
    employer_id: int
    employer_name: str
    title: str
    status: str
    openings: int
    start_date: date | None
    employment_type: str
    hires: int = 0


@dataclass
class _Graduate:
    id: int
    first_name: str
    graduation_date: date | None
    cohort: int | None
    visibility: str
    seeking: str


class _Pending:
    """A row waiting for its INSERT; rows that point at it get its id once it has one."""

    __slots__ = ("values", "id")

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.id: int | None = None


def _resolved(row: _Pending) -> dict[str, Any]:
    return {
        key: value.id if type(value) is _Pending else value for key, value in row.values.items()
    }


@dataclass
class _Counts:
    applications: int = 0
    referrals: int = 0
    placements: int = 0
    unavailable: int = 0
    audit_events: int = 0


# Parents first: a row may point at a row of a table before it in this order.
_ORDER = (APPLICATIONS, PLACEMENTS, REFERRALS, EVENTS, AUDIT)
_PARENTS = {APPLICATIONS, PLACEMENTS, REFERRALS}  # their ids are known before their INSERT


class _Builder:
    """Collects plain rows and writes them with multi-row Core INSERTs, a batch at a time.

    No ORM objects: at 100,000 graduates building them was three quarters of the seed's time.
    """

    def __init__(self, db: Session, rng: random.Random, today: date) -> None:
        self.db = db
        self.rng = rng
        self.today = today
        self.counts = _Counts()
        self.staff_id = db.execute(
            select(col(User.id)).where(col(User.email) == DEMO_STAFF_EMAIL)
        ).scalar()
        self.admin_id = db.execute(
            select(col(User.id)).where(col(User.email) == DEMO_ADMIN_EMAIL)
        ).scalar()
        self.members: dict[int, int] = {}
        for employer_id, user_id in db.execute(
            select(col(EmployerMember.employer_id), col(EmployerMember.user_id)).order_by(
                col(EmployerMember.id)
            )
        ).all():
            self.members.setdefault(employer_id, user_id)
        self.pairs: set[tuple[int, int]] = set()
        self.rows: dict[Table, list[_Pending]] = {table: [] for table in _ORDER}
        self.outcomes: list[dict[str, Any]] = []

    def add(self, table: Table, **values: Any) -> _Pending:
        row = _Pending(values)
        self.rows[table].append(row)
        return row

    def flush(self) -> None:
        for table in _ORDER:
            rows, self.rows[table] = self.rows[table], []
            if not rows:
                continue
            params = [_resolved(row) for row in rows]
            if table in _PARENTS:
                ids = reserve_ids(self.db, table, len(rows))
                for row, param, new_id in zip(rows, params, ids, strict=True):
                    row.id = param["id"] = new_id
            insert_rows(self.db, table, params)
        if self.outcomes:
            self.db.execute(_GRADUATE_UPDATE, self.outcomes)
            self.outcomes = []

    # -- the ledger ---------------------------------------------------------------------

    def audit(
        self,
        action: str,
        *,
        actor: int | None,
        role: str,
        object_type: str,
        object_id: int | _Pending | None,
        at: datetime,
        detail: str = "",
        before: dict[str, object] | None = None,
        after: dict[str, object] | None = None,
    ) -> None:
        self.add(
            AUDIT,
            actor_user_id=actor,
            actor_role=role,
            action=action,
            object_type=object_type,
            object_id=object_id,
            detail=detail,
            before=_json(before),
            after=_json(after),
            at=at,
        )
        self.counts.audit_events += 1

    # -- applications ---------------------------------------------------------------------

    def application(
        self,
        graduate_id: int,
        position: _Position,
        final: str,
        *,
        source: str,
        applied_on: date,
    ) -> _Pending:
        path = PATHS[final]
        reason = _weighted(self.rng, REJECTION_REASONS)[0] if final == "rejected" else None
        application = self.add(
            APPLICATIONS,
            position_id=position.id,
            graduate_id=graduate_id,
            source=source,
            stage=final,
            cover_note=""
            if source == "referred"
            else "I trained in medical massage and would love to join your team.",
            rejection_reason=reason,
            created_at=_at(applied_on),
            updated_at=_at(applied_on + timedelta(days=4 * (len(path) - 1))),
        )
        self.pairs.add((position.id, graduate_id))
        self._history(application, position, path, applied_on, reason)
        self.counts.applications += 1
        return application

    def _history(
        self,
        application: _Pending,
        position: _Position,
        path: tuple[str, ...],
        applied_on: date,
        reason: str | None,
    ) -> None:
        employer_user = self.members.get(position.employer_id)
        previous: str | None = None
        for step, stage in enumerate(path):
            moment = _at(applied_on + timedelta(days=4 * step), 9 + step)
            by_employer = stage not in ("submitted", "withdrawn")
            self.add(
                EVENTS,
                application_id=application,
                from_stage=previous,
                to_stage=stage,
                actor_user_id=employer_user if by_employer else None,
                note=STAGE_NOTES.get(stage, "") if by_employer else "",
                reason=reason if stage == "rejected" else None,
                at=moment,
            )
            if previous is not None and by_employer:
                self.audit(
                    "application.stage_changed",
                    actor=employer_user,
                    role="employer",
                    object_type="application",
                    object_id=application,
                    at=moment,
                    detail=f"{previous} -> {stage}" + (f" ({reason})" if reason else ""),
                    before={"stage": previous},
                    after={"stage": stage, "reason": reason if stage == "rejected" else None},
                )
            previous = stage

    # -- placements -----------------------------------------------------------------------

    def hire(self, graduate: _Graduate, position: _Position, applied_on: date) -> None:
        application = self.application(
            graduate.id, position, "hired", source="applied", applied_on=applied_on
        )
        position.hires += 1
        self.counts.placements += 1
        hired_at = _at(applied_on + timedelta(days=16), 14)
        employer_user = self.members.get(position.employer_id)
        placement = self.add(
            PLACEMENTS,
            graduate_id=graduate.id,
            employer_id=position.employer_id,
            employer_name=position.employer_name,
            position_id=position.id,
            application_id=application,
            job_title=position.title,
            start_date=position.start_date or applied_on + timedelta(days=30),
            hours_per_week=40 if position.employment_type == "full_time" else 24,
            field="in_field",
            verification_method="employer_confirmed",
            verification_note="Hire recorded by the employer in the candidate pipeline.",
            verified_at=hired_at,
            verified_by=employer_user,
            created_by=employer_user,
            created_at=hired_at,
        )
        self.audit(
            "placement.recorded",
            actor=employer_user,
            role="employer",
            object_type="placement",
            object_id=placement,
            at=hired_at,
            detail=f"{position.title} at {position.employer_name} (employer confirmed)",
        )

    def outside_placement(self, graduate: _Graduate, graduated: date) -> None:
        field = _weighted(self.rng, FIELDS)[0]
        title, employers = self.rng.choice(OUTSIDE_JOBS[field])
        start = graduated + timedelta(days=self.rng.randrange(20, 150))
        start = min(start, self.today)
        recorded = _at(start + timedelta(days=self.rng.randrange(3, 20)), 11)
        employer_name = self.rng.choice(employers)
        hours = self.rng.choice((16, 24, 32, 40, 40))
        method = note = verified_at = None
        if self.rng.random() < 0.75:
            method, _weight, note = _weighted(self.rng, METHODS)
            verified_at = recorded + timedelta(days=self.rng.randrange(5, 40))
        placement = self.add(
            PLACEMENTS,
            graduate_id=graduate.id,
            employer_id=None,
            employer_name=employer_name,
            position_id=None,
            application_id=None,
            job_title=title,
            start_date=start,
            hours_per_week=hours,
            field=field,
            verification_method=method,
            verification_note=note or "",
            verified_at=verified_at,
            verified_by=self.staff_id if method else None,
            created_by=self.staff_id,
            created_at=recorded,
        )
        self.counts.placements += 1
        self.audit(
            "placement.recorded",
            actor=self.staff_id,
            role="staff",
            object_type="placement",
            object_id=placement,
            at=recorded,
            detail=f"{title} at {employer_name} for graduate #{graduate.id}",
            before={"outcome_status": "seeking"},
            after={"field": field, "outcome_status": "placed"},
        )
        if verified_at is not None:
            self.audit(
                "placement.verified",
                actor=self.staff_id,
                role="staff",
                object_type="placement",
                object_id=placement,
                at=verified_at,
                detail=f"{title} at {employer_name}: {method}",
                before={"verification_method": None},
                after={"verification_method": method},
            )

    # -- referrals ------------------------------------------------------------------------

    def referral(self, graduate: _Graduate, position: _Position, status: str) -> None:
        referred_on = self.today - timedelta(days=self.rng.randrange(2, 40))
        decline_reason = self.rng.choice(DECLINE_REASONS) if status == "declined" else ""
        self.pairs.add((position.id, graduate.id))
        self.counts.referrals += 1
        application = None
        if status == "accepted":
            application = self.application(
                graduate.id,
                position,
                self.rng.choice(("submitted", "screening", "interview")),
                source="referred",
                applied_on=referred_on + timedelta(days=2),
            )
        created_at = _at(referred_on, 15)
        referral = self.add(
            REFERRALS,
            position_id=position.id,
            graduate_id=graduate.id,
            staff_user_id=self.staff_id,
            note=f"{graduate.first_name}, this team asks for exactly your modalities.",
            status=status,
            open_pair=f"{position.id}:{graduate.id}" if status == "pending" else None,
            application_id=application,
            created_at=created_at,
            answered_at=None if status == "pending" else _at(referred_on + timedelta(days=2)),
            decline_reason=decline_reason,
        )
        self.audit(
            "referral.created",
            actor=self.staff_id,
            role="staff",
            object_type="referral",
            object_id=referral,
            at=created_at,
            detail=(
                f"Disclosed graduate {graduate.id} to {position.employer_name} "
                f"for position {position.id}"
            ),
        )

    def outcome(
        self, graduate: _Graduate, status: str, seeking: str, reason: str | None, note: str
    ) -> None:
        self.outcomes.append(
            {
                "graduate_id": graduate.id,
                "outcome_status": status,
                "seeking": seeking,
                "unavailable_reason": reason,
                "outcome_note": note,
            }
        )


def _choice_outside(
    rng: random.Random, options: list[_Position], taken: set[tuple[int, int]], graduate_id: int
) -> _Position | None:
    """A random position this graduate has no application or referral for yet."""
    free = sum(1 for position in options if (position.id, graduate_id) not in taken)
    if not free:
        return None
    # A graduate has at most a handful of pairs: drawing again is cheaper than filtering.
    while True:
        position = rng.choice(options)
        if (position.id, graduate_id) not in taken:
            return position


def seed_pipeline(
    db: Session,
    rng: random.Random,
    today: date | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    today = today or dates.today()
    builder = _Builder(db, rng, today)
    positions = [
        _Position(*row)
        for row in db.execute(
            select(
                col(Position.id),
                col(Position.employer_id),
                col(Employer.name),
                col(Position.title),
                col(Position.status),
                col(Position.openings),
                col(Position.start_date),
                col(Position.employment_type),
            )
            .join(Employer, col(Employer.id) == Position.employer_id)
            .where(
                col(Employer.status) == "approved",
                col(Position.status).in_(("open", "filled", "closed")),
            )
            .order_by(col(Position.id))
        ).all()
    ]
    open_positions = [p for p in positions if p.status == "open"]
    past_positions = [p for p in positions if p.status in ("filled", "closed")]
    # Past positions with an opening left, in id order; a full one leaves the list.
    hiring = [p for p in past_positions if p.openings > 0]

    for employer_id, created in db.execute(
        select(col(Employer.id), col(Employer.created_at))
        .where(col(Employer.status) == "approved")
        .order_by(col(Employer.id))
    ).all():
        builder.audit(
            "employer.approved",
            actor=builder.admin_id,
            role="admin",
            object_type="employer",
            object_id=employer_id,
            at=created,
            before={"status": "pending", "status_reason": ""},
            after={"status": "approved", "status_reason": ""},
        )

    graduates = [
        _Graduate(*row)
        for row in db.execute(
            select(
                col(Graduate.id),
                col(Graduate.first_name),
                col(Graduate.graduation_date),
                col(Graduate.cohort),
                col(Graduate.visibility),
                col(Graduate.seeking),
            ).order_by(col(Graduate.id))
        ).all()
    ]
    for index, graduate in enumerate(graduates):
        graduated = graduate.graduation_date or date(graduate.cohort or today.year, 6, 15)
        months = (today - graduated).days / 30.4
        if index == 0 or months < 1:
            outcome = "seeking"
        else:
            roll = rng.random()
            placed_share = 0.72 if months >= 9 else 0.35
            if roll < 0.07:
                outcome = "unavailable"
            elif roll < 0.07 + placed_share:
                outcome = "placed"
            elif roll < 0.12 + placed_share and months >= 9:
                outcome = "unknown"
            else:
                outcome = "seeking"

        if outcome == "unavailable":
            reason, _weight, note = _weighted(rng, UNAVAILABLE)
            builder.outcome(graduate, "unavailable", "not_seeking", reason, note)
            builder.audit(
                "graduate.outcome_changed",
                actor=builder.staff_id,
                role="staff",
                object_type="graduate",
                object_id=graduate.id,
                at=_at(min(graduated + timedelta(days=60), today)),
                detail=f"seeking → unavailable ({reason})",
                before={"outcome_status": "seeking", "unavailable_reason": None},
                after={"outcome_status": "unavailable", "unavailable_reason": reason},
            )
            builder.counts.unavailable += 1
        elif outcome == "placed":
            rejected_by: _Position | None = None
            if past_positions and rng.random() < 0.25:
                # Most people hear "no" somewhere before a "yes".
                rejected_by = rng.choice(past_positions)
                applied = (rejected_by.start_date or today) - timedelta(days=50)
                builder.application(
                    graduate.id,
                    rejected_by,
                    rng.choice(("rejected", "rejected", "withdrawn")),
                    source="applied",
                    applied_on=max(applied, graduated),
                )
            position = _choice_outside(rng, hiring, builder.pairs, graduate.id)
            if position is not None and rng.random() < 0.35:
                applied = (position.start_date or today) - timedelta(days=35)
                builder.hire(graduate, position, max(applied, graduated))
                if position.hires >= position.openings:
                    hiring.remove(position)
            else:
                builder.outside_placement(graduate, graduated)
            builder.outcome(graduate, "placed", "placed", None, "")
        elif outcome == "unknown":
            note = "No answer to three follow-up e-mails and a call."
            builder.outcome(graduate, "unknown", graduate.seeking, None, note)
            builder.audit(
                "graduate.outcome_changed",
                actor=builder.staff_id,
                role="staff",
                object_type="graduate",
                object_id=graduate.id,
                at=_at(min(graduated + timedelta(days=180), today)),
                detail="seeking → unknown",
                before={"outcome_status": "seeking"},
                after={"outcome_status": "unknown"},
            )
        else:
            # Still looking: some applications, and some referrals from career services.
            if open_positions and (index == 0 or rng.random() < 0.7):
                for position in rng.sample(open_positions, k=min(len(open_positions), 3))[
                    : rng.randrange(1, 4)
                ]:
                    if (position.id, graduate.id) in builder.pairs:
                        continue
                    stage = _weighted(rng, OPEN_STAGES)[0]
                    applied_on = today - timedelta(days=rng.randrange(5, 45))
                    builder.application(
                        graduate.id, position, stage, source="applied", applied_on=applied_on
                    )
            if (
                open_positions
                and graduate.visibility != "private"
                and (index == 0 or rng.random() < 0.3)
            ):
                position = _choice_outside(rng, open_positions, builder.pairs, graduate.id)
                if position is not None:
                    status = (
                        "pending"
                        if index == 0
                        else rng.choice(("pending", "pending", "accepted", "declined"))
                    )
                    builder.referral(graduate, position, status)
        if index % BATCH == BATCH - 1:
            builder.flush()
            if progress is not None:
                progress.advance(BATCH, "applications")
    builder.flush()
    if progress is not None:
        progress.advance(len(graduates) % BATCH, "applications")
    counts = builder.counts
    return {
        "applications": counts.applications,
        "referrals": counts.referrals,
        "placements": counts.placements,
        "unavailable": counts.unavailable,
        "audit_events": counts.audit_events,
    }
