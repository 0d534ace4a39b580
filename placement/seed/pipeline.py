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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

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
)
from placement.seed import DEMO_ADMIN_EMAIL, DEMO_STAFF_EMAIL

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
class _Counts:
    applications: int = 0
    referrals: int = 0
    placements: int = 0
    unavailable: int = 0
    audit_events: int = 0


class _Builder:
    def __init__(self, db: Session, rng: random.Random, today: date) -> None:
        self.db = db
        self.rng = rng
        self.today = today
        self.counts = _Counts()
        self.staff_id = db.exec(select(User.id).where(User.email == DEMO_STAFF_EMAIL)).first()
        self.admin_id = db.exec(select(User.id).where(User.email == DEMO_ADMIN_EMAIL)).first()
        self.members: dict[int, int] = {}
        for employer_id, user_id in db.exec(
            select(EmployerMember.employer_id, EmployerMember.user_id).order_by(
                col(EmployerMember.id)
            )
        ).all():
            self.members.setdefault(employer_id, user_id)
        self.pairs: set[tuple[int, int]] = set()
        # Work that needs the id of a row not flushed yet: run after the next batch flush, so
        # thousands of rows go to the database in a few multi-row INSERTs, not one at a time.
        self.pending: list[Callable[[], None]] = []

    def later(self, work: Callable[[], None]) -> None:
        self.pending.append(work)

    def flush(self) -> None:
        while self.pending:
            self.db.flush()
            work, self.pending = self.pending, []
            for item in work:
                item()
        self.db.flush()

    # -- the ledger ---------------------------------------------------------------------

    def audit(
        self,
        action: str,
        *,
        actor: int | None,
        role: str,
        object_type: str,
        object_id: int | None,
        at: datetime,
        detail: str = "",
        before: dict[str, object] | None = None,
        after: dict[str, object] | None = None,
    ) -> None:
        self.db.add(
            AuditEvent(
                actor_user_id=actor,
                actor_role=role,
                action=action,
                object_type=object_type,
                object_id=object_id,
                detail=detail,
                before=json.dumps(before, sort_keys=True) if before is not None else None,
                after=json.dumps(after, sort_keys=True) if after is not None else None,
                at=at,
            )
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
    ) -> Application:
        path = PATHS[final]
        reason = _weighted(self.rng, REJECTION_REASONS)[0] if final == "rejected" else None
        application = Application(
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
        self.db.add(application)
        self.pairs.add((position.id, graduate_id))
        self.later(lambda: self._history(application, position, path, applied_on, reason))
        self.counts.applications += 1
        return application

    def _history(
        self,
        application: Application,
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
            self.db.add(
                ApplicationEvent(
                    application_id=application.id or 0,
                    from_stage=previous,
                    to_stage=stage,
                    actor_user_id=employer_user if by_employer else None,
                    note=STAGE_NOTES.get(stage, "") if by_employer else "",
                    reason=reason if stage == "rejected" else None,
                    at=moment,
                )
            )
            if previous is not None and by_employer:
                self.audit(
                    "application.stage_changed",
                    actor=employer_user,
                    role="employer",
                    object_type="application",
                    object_id=application.id,
                    at=moment,
                    detail=f"{previous} -> {stage}" + (f" ({reason})" if reason else ""),
                    before={"stage": previous},
                    after={"stage": stage, "reason": reason if stage == "rejected" else None},
                )
            previous = stage

    # -- placements -----------------------------------------------------------------------

    def hire(self, graduate: Graduate, position: _Position, applied_on: date) -> None:
        application = self.application(
            graduate.id or 0, position, "hired", source="applied", applied_on=applied_on
        )
        position.hires += 1
        self.counts.placements += 1
        self.later(lambda: self._hired(graduate, position, application, applied_on))

    def _hired(
        self, graduate: Graduate, position: _Position, application: Application, applied_on: date
    ) -> None:
        hired_at = _at(applied_on + timedelta(days=16), 14)
        employer_user = self.members.get(position.employer_id)
        placement = Placement(
            graduate_id=graduate.id or 0,
            employer_id=position.employer_id,
            employer_name=position.employer_name,
            position_id=position.id,
            application_id=application.id,
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
        self.db.add(placement)
        self.later(
            lambda: self.audit(
                "placement.recorded",
                actor=employer_user,
                role="employer",
                object_type="placement",
                object_id=placement.id,
                at=hired_at,
                detail=f"{position.title} at {position.employer_name} (employer confirmed)",
            )
        )

    def outside_placement(self, graduate: Graduate, graduated: date) -> None:
        field = _weighted(self.rng, FIELDS)[0]
        title, employers = self.rng.choice(OUTSIDE_JOBS[field])
        start = graduated + timedelta(days=self.rng.randrange(20, 150))
        start = min(start, self.today)
        recorded = _at(start + timedelta(days=self.rng.randrange(3, 20)), 11)
        placement = Placement(
            graduate_id=graduate.id or 0,
            employer_name=self.rng.choice(employers),
            job_title=title,
            start_date=start,
            hours_per_week=self.rng.choice((16, 24, 32, 40, 40)),
            field=field,
            created_by=self.staff_id,
            created_at=recorded,
        )
        verified = self.rng.random() < 0.75
        if verified:
            method, _weight, note = _weighted(self.rng, METHODS)
            placement.verification_method = method
            placement.verification_note = note
            placement.verified_at = recorded + timedelta(days=self.rng.randrange(5, 40))
            placement.verified_by = self.staff_id
        self.db.add(placement)
        self.counts.placements += 1
        self.later(lambda: self._placement_ledger(placement, graduate, title, field, verified))

    def _placement_ledger(
        self, placement: Placement, graduate: Graduate, title: str, field: str, verified: bool
    ) -> None:
        recorded = placement.created_at
        self.audit(
            "placement.recorded",
            actor=self.staff_id,
            role="staff",
            object_type="placement",
            object_id=placement.id,
            at=recorded,
            detail=f"{title} at {placement.employer_name} for graduate #{graduate.id}",
            before={"outcome_status": "seeking"},
            after={"field": field, "outcome_status": "placed"},
        )
        if verified and placement.verified_at is not None:
            self.audit(
                "placement.verified",
                actor=self.staff_id,
                role="staff",
                object_type="placement",
                object_id=placement.id,
                at=placement.verified_at,
                detail=f"{title} at {placement.employer_name}: {placement.verification_method}",
                before={"verification_method": None},
                after={"verification_method": placement.verification_method},
            )

    # -- referrals ------------------------------------------------------------------------

    def referral(self, graduate: Graduate, position: _Position, status: str) -> None:
        referred_on = self.today - timedelta(days=self.rng.randrange(2, 40))
        referral = Referral(
            position_id=position.id,
            graduate_id=graduate.id or 0,
            staff_user_id=self.staff_id,
            note=f"{graduate.first_name}, this team asks for exactly your modalities.",
            status=status,
            open_pair=f"{position.id}:{graduate.id}" if status == "pending" else None,
            created_at=_at(referred_on, 15),
            answered_at=None if status == "pending" else _at(referred_on + timedelta(days=2)),
            decline_reason=self.rng.choice(DECLINE_REASONS) if status == "declined" else "",
        )
        self.pairs.add((position.id, graduate.id or 0))
        self.counts.referrals += 1
        if status == "accepted":
            application = self.application(
                graduate.id or 0,
                position,
                self.rng.choice(("submitted", "screening", "interview")),
                source="referred",
                applied_on=referred_on + timedelta(days=2),
            )
            self.later(lambda: self._add_referral(referral, graduate, position, application))
        else:
            self._add_referral(referral, graduate, position, None)

    def _add_referral(
        self,
        referral: Referral,
        graduate: Graduate,
        position: _Position,
        application: Application | None,
    ) -> None:
        if application is not None:
            referral.application_id = application.id
        self.db.add(referral)
        self.later(lambda: self._referral_ledger(referral, graduate, position))

    def _referral_ledger(self, referral: Referral, graduate: Graduate, position: _Position) -> None:
        self.audit(
            "referral.created",
            actor=self.staff_id,
            role="staff",
            object_type="referral",
            object_id=referral.id,
            at=referral.created_at,
            detail=(
                f"Disclosed graduate {graduate.id} to {position.employer_name} "
                f"for position {position.id}"
            ),
        )


def seed_pipeline(db: Session, rng: random.Random, today: date | None = None) -> dict[str, int]:
    today = today or dates.today()
    builder = _Builder(db, rng, today)
    positions = [
        _Position(*row)
        for row in db.exec(
            select(
                Position.id,
                Position.employer_id,
                Employer.name,
                Position.title,
                Position.status,
                Position.openings,
                Position.start_date,
                Position.employment_type,
            )
            .join(Employer, col(Employer.id) == Position.employer_id)
            .where(
                Employer.status == "approved",
                col(Position.status).in_(("open", "filled", "closed")),
            )
            .order_by(col(Position.id))
        ).all()
    ]
    open_positions = [p for p in positions if p.status == "open"]
    past_positions = [p for p in positions if p.status in ("filled", "closed")]

    for employer_id, created in db.exec(
        select(Employer.id, Employer.created_at)
        .where(Employer.status == "approved")
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

    graduates = db.exec(select(Graduate).order_by(col(Graduate.id))).all()
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
            graduate.outcome_status = "unavailable"
            graduate.unavailable_reason = reason
            graduate.outcome_note = note
            graduate.seeking = "not_seeking"
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
            candidates = [
                p
                for p in past_positions
                if p.hires < p.openings and (p.id, graduate.id) not in builder.pairs
            ]
            earlier = [p for p in past_positions if (p.id, graduate.id) not in builder.pairs]
            if earlier and rng.random() < 0.25:
                # Most people hear "no" somewhere before a "yes".
                position = rng.choice(earlier)
                applied = (position.start_date or today) - timedelta(days=50)
                builder.application(
                    graduate.id or 0,
                    position,
                    rng.choice(("rejected", "rejected", "withdrawn")),
                    source="applied",
                    applied_on=max(applied, graduated),
                )
                candidates = [p for p in candidates if p.id != position.id]
            if candidates and rng.random() < 0.35:
                position = rng.choice(candidates)
                applied = (position.start_date or today) - timedelta(days=35)
                builder.hire(graduate, position, max(applied, graduated))
            else:
                builder.outside_placement(graduate, graduated)
            graduate.outcome_status = "placed"
            graduate.seeking = "placed"
        elif outcome == "unknown":
            graduate.outcome_status = "unknown"
            graduate.outcome_note = "No answer to three follow-up e-mails and a call."
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
                        graduate.id or 0, position, stage, source="applied", applied_on=applied_on
                    )
            if (
                open_positions
                and graduate.visibility != "private"
                and (index == 0 or rng.random() < 0.3)
            ):
                choices = [p for p in open_positions if (p.id, graduate.id) not in builder.pairs]
                if choices:
                    status = (
                        "pending"
                        if index == 0
                        else rng.choice(("pending", "pending", "accepted", "declined"))
                    )
                    builder.referral(graduate, rng.choice(choices), status)
        db.add(graduate)
        if index % 500 == 499:
            builder.flush()
    builder.flush()
    counts = builder.counts
    return {
        "applications": counts.applications,
        "referrals": counts.referrals,
        "placements": counts.placements,
        "unavailable": counts.unavailable,
        "audit_events": counts.audit_events,
    }
