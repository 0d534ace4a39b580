"""Demo sourcing: invitations to apply, talent pools and saved searches.

Invitations go from the first employers' open positions to graduates who let employers see
them and meet the position's requirements (the reference scorer on their records), a few
already declined; the demo graduate gets one when she matches. Each of those employers gets
a talent pool of visible graduates (the demo graduate in the demo employer's), and the demo
graduate keeps two saved searches. Bounded whatever the seed's size: a few hundred
candidates are scored.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from placement import dates
from placement.matching import GraduateRecord, PositionRecord, score
from placement.models import (
    Employer,
    EmployerMember,
    Graduate,
    Invitation,
    Position,
    PositionRequirement,
    SavedSearch,
    TalentInterest,
    User,
)
from placement.seed import DEMO_EMPLOYER_EMAIL, DEMO_GRADUATE_EMAIL
from placement.services import matching as matching_service
from placement.services import search, visibility

EMPLOYERS = 4
POSITIONS_PER_EMPLOYER = 2
INVITATIONS_PER_POSITION = 3
POOL_SIZE = 6
CANDIDATES = 200
MAX_POSITIONS = 120
MAYA_INVITATIONS = 2
NOTES = (
    "Your oncology and lymphatic work is what our floor needs. We would love to see your "
    "application.",
    "We are growing our inpatient team and your profile stood out. Apply if the shifts suit you.",
    "",
)


def _at(days_ago: int, hour: int = 10) -> datetime:
    day = dates.today() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _ids(rows: Iterable[int | None]) -> list[int]:
    return [int(row) for row in rows if row is not None]


def _an_opening_the_demo_employer_can_fill(
    db: Session,
    demo_employer: int | None,
    graduates: dict[int, GraduateRecord],
    positions: dict[int, PositionRecord],
    today: date,
) -> int | None:
    """A newcomer signing in as the demo employer should find graduates on its matches page.
    Few random pairs meet every rule, so when none of its openings is met by a visible
    graduate it posts (as a satellite site) a copy of the opening that most of them meet."""
    if demo_employer is None:
        return None

    def met_by(record: PositionRecord) -> int:
        return sum(score(g, record, today=today).eligible for g in graduates.values())

    if any(met_by(r) for r in positions.values() if r.employer_id == demo_employer):
        return None
    best = max(positions, key=lambda pid: (met_by(positions[pid]), -pid), default=None)
    if best is None or not met_by(positions[best]):
        return None
    model = db.get(Position, best)
    assert model is not None
    copy = Position(
        **model.model_dump(exclude={"id", "employer_id", "created_at", "updated_at", "version"}),
        employer_id=demo_employer,
    )
    copy.title = "Massage therapist, satellite clinic"
    db.add(copy)
    db.flush()
    assert copy.id is not None
    requirements = db.exec(
        select(PositionRequirement).where(PositionRequirement.position_id == best)
    ).all()
    for requirement in requirements:
        db.add(
            PositionRequirement(
                **requirement.model_dump(exclude={"id", "position_id"}), position_id=copy.id
            )
        )
    db.flush()
    search.index_positions(db, [copy.id])
    return copy.id


def seed_sourcing(db: Session, rng: random.Random) -> dict[str, int]:
    today = dates.today()
    demo_employer = db.exec(
        select(EmployerMember.employer_id)
        .join(User, col(User.id) == col(EmployerMember.user_id))
        .where(User.email == DEMO_EMPLOYER_EMAIL)
    ).first()
    employer_ids = _ids(
        db.exec(
            select(col(Employer.id))
            .where(Employer.status == "approved")
            .order_by(col(Employer.id))
            .limit(EMPLOYERS)
        )
    )
    if demo_employer is not None and demo_employer not in employer_ids:
        employer_ids = [demo_employer, *employer_ids[: EMPLOYERS - 1]]
    maya = db.exec(select(Graduate.id).where(Graduate.email == DEMO_GRADUATE_EMAIL)).first()
    visible = _ids(
        db.exec(
            select(col(Graduate.id))
            .where(
                Graduate.visibility == "employers",
                col(Graduate.deleted_at).is_(None),
                col(Graduate.verified_at).is_not(None),
                Graduate.seeking == "seeking",
            )
            .order_by(col(Graduate.id))
            .limit(CANDIDATES)
        )
    )
    if maya is not None and maya not in visible:
        visible.append(maya)
    graduates = matching_service.load_graduates(db, visible)
    invitations = pools = 0
    invited: set[tuple[int, int]] = set()

    def invite(position_id: int, employer_id: int, graduate_id: int, declined: bool) -> None:
        nonlocal invitations
        days_ago = rng.randint(1, 6)
        db.add(
            Invitation(
                position_id=position_id,
                graduate_id=graduate_id,
                employer_id=employer_id,
                note=rng.choice(NOTES),
                status="declined" if declined else "pending",
                created_at=_at(days_ago),
                answered_at=_at(days_ago - 1, 15) if declined else None,
            )
        )
        invited.add((position_id, graduate_id))
        invitations += 1

    public = _ids(
        db.exec(
            select(col(Position.id))
            .where(visibility.public_position(today))
            .order_by(col(Position.id))
            .limit(MAX_POSITIONS)
        )
    )
    positions = matching_service.load_positions(db, public)
    opening = _an_opening_the_demo_employer_can_fill(db, demo_employer, graduates, positions, today)
    if opening is not None:
        public.append(opening)
        positions.update(matching_service.load_positions(db, [opening]))
    by_employer: dict[int, list[int]] = {}
    for position_id in public:
        record = positions.get(position_id)
        if record is not None:
            by_employer.setdefault(record.employer_id, []).append(position_id)
    # Invitations from the first employers whose open positions someone visible matches
    # (few pairs meet every rule in the demo, so the employers are looked for).
    inviting = 0
    for employer_id in sorted(by_employer, key=lambda e: (e != demo_employer, e)):
        if inviting >= EMPLOYERS:
            break
        used = 0
        for position_id in by_employer[employer_id]:
            if used >= POSITIONS_PER_EMPLOYER:
                break
            record = positions[position_id]
            results = {
                graduate_id: score(graduate, record, today=today)
                for graduate_id, graduate in graduates.items()
            }
            eligible = sorted(
                ((result.score, gid) for gid, result in results.items() if result.eligible),
                reverse=True,
            )
            chosen = [gid for _, gid in eligible if gid != maya][:INVITATIONS_PER_POSITION]
            if not chosen:
                continue
            used += 1
            for index, graduate_id in enumerate(chosen):
                invite(position_id, employer_id, graduate_id, index == 2)
        inviting += 1 if used else 0
    for employer_id in employer_ids:
        members = sorted(rng.sample(visible, min(POOL_SIZE, len(visible))))
        if employer_id == demo_employer and maya is not None and maya not in members:
            members = [maya, *members[: POOL_SIZE - 1]]
        for graduate_id in members:
            db.add(
                TalentInterest(
                    graduate_id=graduate_id,
                    employer_id=employer_id,
                    created_at=_at(rng.randint(3, 40)),
                )
            )
            pools += 1
    # The demo graduate: invited to the best open positions she meets every rule of.
    maya_record = graduates.get(maya) if maya is not None else None
    if maya is not None and maya_record is not None:
        ranked = sorted(
            (
                (result.score, position_id)
                for position_id, record in positions.items()
                if (result := score(maya_record, record, today=today)).eligible
            ),
            reverse=True,
        )
        for _points, position_id in ranked[:MAYA_INVITATIONS]:
            if (position_id, maya) not in invited:
                invite(position_id, positions[position_id].employer_id, maya, False)
    searches = 0
    if maya is not None:
        for name, query in (
            ("Oncology near Long Beach", "modality=oncology&zip=90802&radius=25"),
            ("Hospice work", "setting=hospice"),
        ):
            db.add(SavedSearch(graduate_id=maya, name=name, query=query, created_at=_at(10)))
            searches += 1
    db.flush()
    return {"invitations": invitations, "talent_pool": pools, "saved_searches": searches}
