"""The talent pool: a graduate tells an approved employer "interested in future openings".

The employer sees these graduates on its dashboard only while their visibility is
`employers` (the contract's visibility rule); the graduate withdraws at any time (the row is
deleted). When the employer opens a position the graduate is eligible for, the worker's
`sourcing.notify` job tells the graduate once (a `PositionNotice` row, unique per graduate
and position, so two workers or two runs never send it twice).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, exists, func
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from placement import dates, i18n, links, taxonomy
from placement.config import Settings
from placement.i18n import gettext
from placement.models import (
    Employer,
    EmployerStatus,
    Graduate,
    Position,
    PositionNotice,
    TalentInterest,
)
from placement.services import Actor, DomainError, NotFound, audit, mail, visibility
from placement.services import matching as matching_service
from placement.services.invitations import graduate_address

log = logging.getLogger("placement.sourcing")
POOL_SHOWN = 100


def approved_employer(db: Session, employer_id: int) -> Employer:
    """An approved organisation; NotFound for any other (pending, rejected, suspended)."""
    employer = db.get(Employer, employer_id) if matching_service.valid_id(employer_id) else None
    if employer is None or employer.status != EmployerStatus.APPROVED:
        raise NotFound
    return employer


def express_interest(
    db: Session, *, graduate_id: int, actor: Actor, employer_id: int
) -> tuple[TalentInterest, bool]:
    """Join the employer's talent pool: (the row, True), or (the one there already, False).
    NotFound for an organisation that is not approved; DomainError unless the graduate's
    visibility is `employers` (the employer could not see them otherwise)."""
    employer = approved_employer(db, employer_id)
    graduate = db.get(Graduate, graduate_id)
    if graduate is None or graduate.deleted_at is not None:
        raise NotFound
    if graduate.visibility != "employers":
        raise DomainError(
            gettext(
                "Employers can see you only when your profile's visibility is “%(visibility)s”: "
                "change it on your profile first, then tell this employer again.",
                visibility=taxonomy.VISIBILITIES["employers"],
            )
        )
    existing = _interest(db, graduate_id, employer_id)
    if existing is not None:
        return existing, False
    row = TalentInterest(graduate_id=graduate_id, employer_id=employer.id or 0)
    try:
        with db.begin_nested():
            db.add(row)
            db.flush()
    except IntegrityError:
        existing = _interest(db, graduate_id, employer_id)
        if existing is None:  # pragma: no cover - the constraint fired for another reason
            raise
        return existing, False
    audit.record(
        db,
        "talent_pool.joined",
        actor=actor,
        object_type="employer",
        object_id=employer_id,
        after={"graduate_id": graduate_id},
    )
    return row, True


def withdraw_interest(db: Session, *, graduate_id: int, actor: Actor, employer_id: int) -> bool:
    """Leave the employer's talent pool; True when there was something to withdraw. NotFound
    for an organisation that does not exist."""
    if not matching_service.valid_id(employer_id) or db.get(Employer, employer_id) is None:
        raise NotFound
    result = db.exec(
        delete(TalentInterest).where(
            col(TalentInterest.graduate_id) == graduate_id,
            col(TalentInterest.employer_id) == employer_id,
        )
    )
    if result.rowcount:
        audit.record(
            db,
            "talent_pool.left",
            actor=actor,
            object_type="employer",
            object_id=employer_id,
            after={"graduate_id": graduate_id},
        )
    return bool(result.rowcount)


def _interest(db: Session, graduate_id: int, employer_id: int) -> TalentInterest | None:
    return db.exec(
        select(TalentInterest).where(
            TalentInterest.graduate_id == graduate_id, TalentInterest.employer_id == employer_id
        )
    ).first()


def is_interested(db: Session, graduate_id: int, employer_id: int) -> bool:
    return _interest(db, graduate_id, employer_id) is not None


@dataclass(frozen=True)
class Interest:
    employer_id: int
    employer_name: str
    since: datetime


def interests_of(db: Session, graduate_id: int) -> list[Interest]:
    """The organisations the graduate told, by name."""
    rows = db.execute(
        sa_select(
            col(TalentInterest.employer_id), col(Employer.name), col(TalentInterest.created_at)
        )
        .join(Employer, col(Employer.id) == col(TalentInterest.employer_id))
        .where(col(TalentInterest.graduate_id) == graduate_id)
        .order_by(col(Employer.name))
    ).all()
    return [Interest(*row) for row in rows]


@dataclass(frozen=True)
class PoolMember:
    graduate_id: int
    name: str
    program: str
    cohort: int | None
    since: datetime


def pool_for_employer(
    db: Session, employer_id: int, *, limit: int = POOL_SHOWN
) -> list[PoolMember]:
    """The graduates interested in the employer's future openings who let employers see
    them (visibility `employers`, not deleted), newest first."""
    rows = db.execute(
        sa_select(
            col(Graduate.id),
            col(Graduate.first_name),
            col(Graduate.last_name),
            col(Graduate.program),
            col(Graduate.cohort),
            col(TalentInterest.created_at),
        )
        .join(Graduate, col(Graduate.id) == col(TalentInterest.graduate_id))
        .where(
            col(TalentInterest.employer_id) == employer_id,
            col(Graduate.visibility) == "employers",
            col(Graduate.deleted_at).is_(None),
        )
        .order_by(col(TalentInterest.created_at).desc(), col(Graduate.id).desc())
        .limit(limit)
    ).all()
    return [
        PoolMember(gid, f"{first} {last}".strip(), program, cohort, since)
        for gid, first, last, program, cohort, since in rows
    ]


# -- telling the pool about a new opening (the worker) ----------------------------------------


def notify_openings(db: Session, settings: Settings) -> int:
    """Tell each talent-pool graduate, once, of every open position their employer opened
    since they joined that they are eligible for. Returns how many were told."""
    opened = func.coalesce(col(Position.reviewed_at), col(Position.created_at))
    told = exists().where(
        col(PositionNotice.graduate_id) == col(TalentInterest.graduate_id),
        col(PositionNotice.position_id) == col(Position.id),
    )
    pairs = db.execute(
        sa_select(col(Position.id), col(TalentInterest.graduate_id))
        .join(TalentInterest, col(TalentInterest.employer_id) == col(Position.employer_id))
        .join(Graduate, col(Graduate.id) == col(TalentInterest.graduate_id))
        .where(
            visibility.public_position(dates.today()),
            and_(opened >= col(TalentInterest.created_at)),
            col(Graduate.visibility) == "employers",
            col(Graduate.deleted_at).is_(None),
            ~told,
        )
        .order_by(col(Position.id), col(TalentInterest.graduate_id))
    ).all()
    by_position: dict[int, list[int]] = {}
    for position_id, graduate_id in pairs:
        by_position.setdefault(position_id, []).append(graduate_id)
    sent = 0
    for position_id, graduate_ids in by_position.items():
        results = matching_service.explain_many(db, position_id, graduate_ids)
        eligible = [gid for gid in graduate_ids if gid in results and results[gid].eligible]
        if not eligible:
            continue
        position = db.get(Position, position_id)
        employer = db.get(Employer, position.employer_id) if position else None
        if position is None or employer is None:
            continue
        for graduate_id in eligible:
            if tell(db, graduate_id, position_id, "talent_pool"):
                _mail_opening(db, settings, graduate_id, position, employer.name)
                sent += 1
    if sent:
        log.info("talent pool: %d graduate(s) told of new openings", sent)
    return sent


def tell(db: Session, graduate_id: int, position_id: int, source: str) -> bool:
    """Record that a position was told to a graduate; False when it already was (by any
    source, or by another worker at the same moment)."""
    try:
        with db.begin_nested():
            db.add(PositionNotice(graduate_id=graduate_id, position_id=position_id, source=source))
            db.flush()
    except IntegrityError:
        return False
    return True


def _mail_opening(
    db: Session, settings: Settings, graduate_id: int, position: Position, employer_name: str
) -> None:
    graduate = db.get(Graduate, graduate_id)
    if graduate is None:
        return
    user_id, email = graduate_address(db, graduate)
    if not email:
        return
    with i18n.using(mail.language_of(db, user_id)):
        subject = gettext(
            "%(employer)s opened a position you match: %(position)s",
            employer=employer_name,
            position=position.title,
        )
        body = gettext(
            "Hello %(name)s,\n\n"
            "You told %(employer)s you are interested in future openings. They opened "
            "“%(position)s”, and you meet its requirements.\n\n"
            "Read it and apply: %(link)s\n",
            name=graduate.first_name,
            employer=employer_name,
            position=position.title,
            link=links.url(settings, "position", position_id=position.id),
        )
    mail.queue(
        db,
        settings,
        to_email=email,
        to_user_id=user_id,
        kind="talent_pool.opening",
        subject=subject,
        body=body,
    )
