"""Demo evidence of outcomes: employer verification requests and graduate surveys.

Through the services themselves (placement.services.outcome_links), so the demo shows the
mails, the links and their answers exactly as staff would make them: a few hires waiting for
the employer's confirmation, one confirmed again more than 90 days after its start
(re-verified), one the employer did not confirm (in the staff's "not confirmed" queue), and
survey links to graduates of the latest cohort, two answered. The links' tokens come from
the seed's generator, so the same seed gives the same rows (they are demo links).
"""

from __future__ import annotations

import base64
import json
import random
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, col, func, select

from placement import dates
from placement.config import Settings
from placement.models import AuditEvent, Graduate, OutcomeLink, Placement, User
from placement.seed import DEMO_STAFF_EMAIL
from placement.services import Actor, DomainError, outcome_links

VERIFICATION_REQUESTS = 4
SURVEYS = 4


def seed_outcome_links(db: Session, rng: random.Random, settings: Settings) -> dict[str, int]:
    def token() -> str:
        return (
            base64.urlsafe_b64encode(rng.getrandbits(256).to_bytes(32, "big")).decode().rstrip("=")
        )

    first_event = db.exec(select(func.max(AuditEvent.id))).one() or 0
    first_placement = db.exec(select(func.max(Placement.id))).one() or 0
    staff_id = db.exec(select(User.id).where(User.email == DEMO_STAFF_EMAIL)).first()
    staff = Actor(user_id=staff_id, role="staff")
    today = dates.today()
    counts = {"verification_requests": 0, "surveys": 0}
    # Hires in the app name their organisation: its members are the contact. Jobs found
    # elsewhere get the address staff would type.
    hires = db.exec(
        select(Placement)
        .where(col(Placement.position_id).is_not(None), col(Placement.start_date) <= today)
        .order_by(col(Placement.id))
        .limit(VERIFICATION_REQUESTS)
    ).all()
    elsewhere = db.exec(
        select(Placement)
        .where(
            col(Placement.position_id).is_(None),
            col(Placement.start_date) <= today,
            col(Placement.verified_at).is_(None),
        )
        .order_by(col(Placement.id))
        .limit(VERIFICATION_REQUESTS)
    ).all()
    chosen = [*hires, *elsewhere][:VERIFICATION_REQUESTS]
    for index, placement in enumerate(chosen):
        if index == 0:
            # Asked again long after the start, and confirmed: sustained employment.
            placement.start_date = min(placement.start_date or today, today - timedelta(days=120))
            db.add(placement)
            db.flush()
        contact = None
        if placement.position_id is None:
            slug = "".join(c for c in placement.employer_name.lower() if c.isalnum())[:30]
            contact = f"hr@{slug or 'employer'}.example"
        try:
            outcome_links.request_verification(
                db, settings, staff, placement_id=placement.id or 0, contact_email=contact,
                today=today, make_token=token,
            )  # fmt: skip
        except DomainError:
            continue
        counts["verification_requests"] += 1
        link = db.exec(
            select(OutcomeLink)
            .where(OutcomeLink.placement_id == placement.id, col(OutcomeLink.used_at).is_(None))
            .order_by(col(OutcomeLink.id))
        ).first()
        if link is None or index > 1:
            continue  # the rest wait for the employer
        answer = outcome_links.VerificationAnswer(
            confirmed="yes" if index == 0 else "no",
            job_title=placement.job_title,
            start_date=placement.start_date,
            hours_per_week=placement.hours_per_week,
            confirmer_name="Jordan Lee, HR coordinator",
        )
        outcome_links.answer_verification(db, link, answer)
    latest = db.exec(
        select(Graduate.cohort)
        .where(col(Graduate.student_id).is_not(None), col(Graduate.cohort).is_not(None))
        .order_by(col(Graduate.cohort).desc())
    ).first()
    verified = select(Placement.graduate_id).where(col(Placement.verified_at).is_not(None))
    graduates = db.exec(
        select(Graduate)
        .where(
            Graduate.cohort == latest,
            col(Graduate.student_id).is_not(None),
            col(Graduate.deleted_at).is_(None),
            col(Graduate.id).not_in(verified),
        )
        .order_by(col(Graduate.id))
        .limit(SURVEYS)
    ).all()
    for index, graduate in enumerate(graduates):
        try:
            outcome_links.request_survey(
                db, settings, staff, graduate_id=graduate.id or 0, make_token=token
            )
        except DomainError:
            continue
        counts["surveys"] += 1
        link = db.exec(
            select(OutcomeLink)
            .where(OutcomeLink.graduate_id == graduate.id, col(OutcomeLink.used_at).is_(None))
            .order_by(col(OutcomeLink.id).desc())
        ).first()
        if link is None or index > 1:
            continue
        if index == 0:
            reply = outcome_links.SurveyAnswer(
                status="employed",
                employer_name="Pacific Wellness Spa",
                job_title="Massage therapist",
                start_date=today - timedelta(days=30 + rng.randrange(60)),
                hours_per_week=24,
                field="related_field",
            )
        else:
            reply = outcome_links.SurveyAnswer(status="continuing_education")
        outcome_links.answer_survey(db, link, reply)
    db.flush()
    _settle_the_clock(
        db, first_event, first_placement, datetime.combine(today, time(15, 0), tzinfo=UTC)
    )
    return counts


def _settle_the_clock(
    db: Session, after_event: int, after_placement: int, moment: datetime
) -> None:
    """The answers were recorded "now": give them one moment of the seeded day instead, in
    the placements and in the audit's copies, so two seeds give the same ledger."""
    events = db.exec(
        select(AuditEvent).where(
            col(AuditEvent.id) > after_event, AuditEvent.action == "placement.verified"
        )
    ).all()
    for event in events:
        after = json.loads(event.after or "{}")
        if "verified_at" in after:
            after["verified_at"] = str(moment)
            event.after = json.dumps(after, default=str, sort_keys=True)
            db.add(event)
        placement = db.get(Placement, event.object_id or 0)
        if placement is not None:
            placement.verified_at = moment
            db.add(placement)
    touched = db.exec(
        select(Placement).where(
            (col(Placement.id) > after_placement)
            | col(Placement.reverified_at).is_not(None)
            | col(Placement.disputed_at).is_not(None)
        )
    ).all()
    for placement in touched:
        if placement.id is not None and placement.id > after_placement:
            placement.created_at = moment
        placement.reverified_at = moment if placement.reverified_at else None
        placement.disputed_at = moment if placement.disputed_at else None
        db.add(placement)
    db.flush()
