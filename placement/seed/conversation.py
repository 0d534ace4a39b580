"""Conversations, interviews and offers in the demo, so a newcomer sees them at once.

The demo graduate (Maya) has an application to the demo employer with a conversation (its
last message unread) and a confirmed interview a few days ahead; her other open application
waits for her to choose an interview time. Another candidate of the demo employer has an
offer waiting for an answer, and a handful of other applications carry short exchanges.
Deterministic: rows are read in id order and the few random choices come from `rng`.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from placement import dates
from placement.config import Settings
from placement.models import (
    Application,
    ApplicationEvent,
    ConversationMessage,
    EmployerMember,
    Graduate,
    Interview,
    InterviewSlot,
    Offer,
    Position,
    User,
)
from placement.seed import DEMO_EMPLOYER_EMAIL, DEMO_GRADUATE_EMAIL, DEMO_STAFF_EMAIL

ACTIVE = ("submitted", "screening", "interview")
EXCHANGES = (
    (
        ("graduate", "Thank you for considering me. Is the position on a fixed weekly schedule?"),
        ("employer", "Mostly: Tuesday and Thursday mornings on the oncology floor, every week."),
    ),
    (
        ("employer", "Could you send a copy of your current BLS/CPR card before we meet?"),
        ("graduate", "Of course: I uploaded it to my profile this morning."),
    ),
    (
        ("graduate", "Do you provide the massage tables, or should I bring my own?"),
        ("employer", "We provide hospital beds and a portable table; bring your own linens."),
        ("staff", "Career services here: the clinical hours on this profile are verified."),
    ),
)


def _local(day: date, hour: int, settings: Settings) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=settings.zone).astimezone(UTC)


def _say(
    db: Session, application_id: int, author: int | None, side: str, body: str, at: datetime
) -> None:
    db.add(
        ConversationMessage(
            application_id=application_id,
            author_user_id=author,
            author_role=side,
            body=body,
            created_at=at,
        )
    )


def _move(db: Session, application: Application, to_stage: str, actor: int | None) -> None:
    if application.stage == to_stage:
        return
    db.add(
        ApplicationEvent(
            application_id=application.id or 0,
            from_stage=application.stage,
            to_stage=to_stage,
            actor_user_id=actor,
            note="",
        )
    )
    application.stage = to_stage
    db.add(application)


def _interview(
    db: Session, settings: Settings, application: Application, author: int | None, **fields: object
) -> Interview:
    host = urlsplit(settings.base_url).hostname or "placement.invalid"
    interview = Interview(
        application_id=application.id or 0,
        uid=f"interview-{uuid.UUID(int=application.id or 0)}@{host}",
        created_by=author,
        **fields,  # type: ignore[arg-type]  # the callers pass Interview columns
    )
    db.add(interview)
    db.flush()
    return interview


def seed_conversations(
    db: Session, rng: random.Random, settings: Settings, today: date | None = None
) -> dict[str, int]:
    today = today or dates.today()
    # From the calendar day, not the clock: the same seed gives the same rows in any process.
    now = _local(today, 0, settings)
    employer_user = db.exec(select(User).where(User.email == DEMO_EMPLOYER_EMAIL)).first()
    maya_user = db.exec(select(User).where(User.email == DEMO_GRADUATE_EMAIL)).first()
    staff_id = db.exec(select(User.id).where(User.email == DEMO_STAFF_EMAIL)).first()
    if employer_user is None or maya_user is None:
        return {"conversations": 0}
    employer_id = db.exec(
        select(EmployerMember.employer_id).where(EmployerMember.user_id == employer_user.id)
    ).one()
    maya = db.exec(select(Graduate).where(Graduate.user_id == maya_user.id)).one()
    positions = db.exec(
        select(Position)
        .where(Position.employer_id == employer_id, Position.status == "open")
        .order_by(col(Position.id))
    ).all()
    if not positions:
        return {"conversations": 0}
    speakers = {"employer": employer_user.id, "staff": staff_id}
    counts = {"conversations": 0, "interviews": 0, "offers": 0}

    # Maya and the demo employer: a conversation and a confirmed interview ahead.
    own = db.exec(
        select(Application)
        .join(Position, col(Position.id) == col(Application.position_id))
        .where(
            Application.graduate_id == maya.id,
            Position.employer_id == employer_id,
            col(Application.stage).in_(ACTIVE),
        )
        .order_by(col(Application.id))
    ).first()
    applied_to = set(
        db.exec(select(Application.position_id).where(Application.graduate_id == maya.id)).all()
    )
    fresh = [position for position in positions if position.id not in applied_to]
    if own is None and fresh:
        own = Application(
            position_id=fresh[0].id or 0,
            graduate_id=maya.id or 0,
            stage="submitted",
            created_at=now - timedelta(days=9),
            updated_at=now - timedelta(days=9),
        )
        db.add(own)
        db.flush()
        db.add(
            ApplicationEvent(application_id=own.id or 0, to_stage="submitted", at=own.created_at)
        )
    if own is None:
        return counts
    if own.stage in ACTIVE:
        _move(db, own, "interview", employer_user.id)
        start = _local(today + timedelta(days=3), 10, settings)
        interview = _interview(
            db,
            settings,
            own,
            employer_user.id,
            mode="in_person",
            location="Harborview Medical Center, 3rd floor, oncology day unit",
            duration_minutes=45,
            note="Ask for the rehabilitation desk; parking validation at reception.",
            status="confirmed",
            confirmed_start=start,
            sequence=1,
        )
        db.add(InterviewSlot(interview_id=interview.id or 0, starts_at=start))
        counts["interviews"] += 1
    speakers["graduate"] = maya_user.id
    for offset, (side, body) in enumerate(EXCHANGES[0] + EXCHANGES[1][:1]):
        at = now - timedelta(days=3, hours=-offset * 5)
        _say(db, own.id or 0, speakers[side], side, body, at)
    counts["conversations"] += 1

    # Maya's other open application waits for her to choose an interview time.
    other = db.exec(
        select(Application)
        .where(
            Application.graduate_id == maya.id,
            col(Application.id) != own.id,
            col(Application.stage).in_(ACTIVE),
        )
        .order_by(col(Application.id))
    ).first()
    if other is not None:
        other_employer = db.exec(
            select(EmployerMember.user_id)
            .join(Position, col(Position.employer_id) == col(EmployerMember.employer_id))
            .where(Position.id == other.position_id)
        ).first()
        proposed = _interview(
            db,
            settings,
            other,
            other_employer,
            mode="video",
            location="https://meet.example/placement-demo",
            duration_minutes=30,
            note="A first conversation with our rehabilitation lead.",
            status="proposed",
        )
        for days, hour in ((4, 9), (5, 14), (6, 11)):
            db.add(
                InterviewSlot(
                    interview_id=proposed.id or 0,
                    starts_at=_local(today + timedelta(days=days), hour, settings),
                )
            )
        counts["interviews"] += 1

    # Another candidate of the demo employer has an offer waiting.
    candidates = db.exec(
        select(Application)
        .join(Position, col(Position.id) == col(Application.position_id))
        .where(
            Position.employer_id == employer_id,
            col(Application.graduate_id) != maya.id,
            col(Application.stage).in_((*ACTIVE, "offer")),
        )
        .order_by(col(Application.id))
    ).all()
    if candidates:
        chosen = candidates[0]
        position = db.get(Position, chosen.position_id)
        _move(db, chosen, "offer", employer_user.id)
        db.add(
            Offer(
                application_id=chosen.id or 0,
                pending_for=chosen.id,
                job_title=position.title if position else "Massage therapist",
                start_date=(position.start_date if position and position.start_date else today)
                + timedelta(days=14),
                pay_rate=position.pay_max or 32.0 if position else 32.0,
                hours_per_week=32,
                employment_type=position.employment_type if position else "part_time",
                respond_by=today + timedelta(days=6),
                note="We would be glad to have you on the team.",
                created_by=employer_user.id,
                created_at=now - timedelta(days=1),
            )
        )
        counts["offers"] += 1

    # Short exchanges on a few other applications.
    others = db.exec(
        select(Application.id, Application.position_id, Graduate.user_id)
        .join(Graduate, col(Graduate.id) == col(Application.graduate_id))
        .where(col(Application.stage).in_(("screening", "interview", "offer")))
        .where(col(Application.id) != own.id)
        .order_by(col(Application.id))
    ).all()
    for application_id, position_id, graduate_user_id in rng.sample(
        list(others), k=min(len(others), 8)
    ):
        member = db.exec(
            select(EmployerMember.user_id)
            .join(Position, col(Position.employer_id) == col(EmployerMember.employer_id))
            .where(Position.id == position_id)
        ).first()
        people = {"graduate": graduate_user_id, "employer": member, "staff": staff_id}
        exchange = rng.choice(EXCHANGES)
        started = now - timedelta(days=rng.randrange(2, 12))
        for offset, (side, body) in enumerate(exchange):
            at = started + timedelta(hours=offset)
            _say(db, application_id or 0, people[side], side, body, at)
        counts["conversations"] += 1
    db.flush()
    return counts
