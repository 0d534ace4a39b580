"""Graduates: the staff search, a graduate's record, and the credentials queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from placement import dates
from placement.models import (
    Application,
    ApplicationEvent,
    AuditEvent,
    CredentialVersion,
    Employer,
    Graduate,
    GraduateCredential,
    GraduateModality,
    Placement,
    Position,
    Referral,
    User,
)
from placement.services import NotFound
from placement.services import credentials as credential_service
from placement.services.staff_search.common import EXPIRY_WINDOW_DAYS, Page, paginate


@dataclass(frozen=True)
class GraduateFilters:
    q: str = ""
    modality: str | None = None
    cohort: int | None = None
    credential: str | None = None
    status: str | None = None
    verified: str | None = None  # yes | no


def search_graduates(db: Session, filters: GraduateFilters, page: int) -> Page:
    """Staff's graduate search: every graduate of the school, whatever their visibility."""
    query = sa_select(
        col(Graduate.id),
        col(Graduate.first_name),
        col(Graduate.last_name),
        col(Graduate.email),
        func.coalesce(col(Graduate.student_id), col(Graduate.claimed_student_id)).label(
            "student_id"
        ),
        col(Graduate.program),
        col(Graduate.cohort),
        col(Graduate.outcome_status),
        col(Graduate.unavailable_reason),
        col(Graduate.visibility),
        col(Graduate.verified_at),
        col(Graduate.deleted_at),
    )
    for word in filters.q.lower().split()[:6]:
        query = query.where(
            or_(
                *(
                    func.lower(column).contains(word, autoescape=True)
                    for column in (
                        col(Graduate.first_name),
                        col(Graduate.last_name),
                        col(Graduate.email),
                        func.coalesce(Graduate.student_id, ""),
                        func.coalesce(Graduate.claimed_student_id, ""),
                    )
                )
            )
        )
    if filters.modality:
        query = query.where(
            exists().where(
                col(GraduateModality.graduate_id) == col(Graduate.id),
                col(GraduateModality.code) == filters.modality,
                col(GraduateModality.proficiency) > 0,
            )
        )
    if filters.credential:
        query = query.where(
            exists().where(
                col(GraduateCredential.graduate_id) == col(Graduate.id),
                col(GraduateCredential.code) == filters.credential,
            )
        )
    if filters.cohort is not None:
        query = query.where(col(Graduate.cohort) == filters.cohort)
    if filters.status:
        query = query.where(col(Graduate.outcome_status) == filters.status)
    if filters.verified == "yes":
        query = query.where(col(Graduate.verified_at).is_not(None))
    elif filters.verified == "no":
        query = query.where(col(Graduate.verified_at).is_(None), col(Graduate.deleted_at).is_(None))
    query = query.order_by(col(Graduate.last_name), col(Graduate.first_name), col(Graduate.id))
    return paginate(db, query, page)


@dataclass
class GraduateRecord:
    """Everything staff see about one graduate, loaded in a fixed number of queries."""

    graduate: Graduate
    account: User | None
    modalities: list[GraduateModality]
    credentials: list[GraduateCredential]
    applications: list[Any]
    history: dict[int, list[Any]]
    referrals: list[Any]
    placements: list[Placement]
    events: list[Any] = field(default_factory=list)
    # Earlier versions of each credential, and who verified what (user id -> name).
    credential_history: dict[int, list[CredentialVersion]] = field(default_factory=dict)
    verifiers: dict[int, str] = field(default_factory=dict)


def graduate_record(db: Session, graduate_id: int) -> GraduateRecord:
    graduate = db.get(Graduate, graduate_id)
    if graduate is None:
        raise NotFound
    account = db.get(User, graduate.user_id) if graduate.user_id else None
    modalities = db.exec(
        select(GraduateModality)
        .where(GraduateModality.graduate_id == graduate_id, col(GraduateModality.proficiency) > 0)
        .order_by(col(GraduateModality.code))
    ).all()
    credentials = db.exec(
        select(GraduateCredential)
        .where(GraduateCredential.graduate_id == graduate_id)
        .order_by(col(GraduateCredential.code), col(GraduateCredential.id))
    ).all()
    applications = (
        db.execute(
            sa_select(
                col(Application.id),
                col(Application.position_id),
                col(Application.source),
                col(Application.stage),
                col(Application.rejection_reason),
                col(Application.created_at),
                col(Application.updated_at),
                col(Position.title),
                col(Employer.name).label("employer_name"),
            )
            .join(Position, col(Position.id) == col(Application.position_id))
            .join(Employer, col(Employer.id) == col(Position.employer_id))
            .where(col(Application.graduate_id) == graduate_id)
            .order_by(col(Application.created_at).desc())
        )
        .mappings()
        .all()
    )
    history: dict[int, list[Any]] = {}
    if applications:
        for event in db.exec(
            select(ApplicationEvent)
            .where(col(ApplicationEvent.application_id).in_([row["id"] for row in applications]))
            .order_by(col(ApplicationEvent.at), col(ApplicationEvent.id))
        ).all():
            history.setdefault(event.application_id, []).append(event)
    staff = aliased(User)
    referrals = (
        db.execute(
            sa_select(
                col(Referral.id),
                col(Referral.position_id),
                col(Referral.status),
                col(Referral.note),
                col(Referral.decline_reason),
                col(Referral.created_at),
                col(Referral.answered_at),
                col(Position.title),
                col(Employer.name).label("employer_name"),
                col(staff.name).label("staff_name"),
            )
            .join(Position, col(Position.id) == col(Referral.position_id))
            .join(Employer, col(Employer.id) == col(Position.employer_id))
            .outerjoin(staff, col(staff.id) == col(Referral.staff_user_id))
            .where(col(Referral.graduate_id) == graduate_id)
            .order_by(col(Referral.created_at).desc())
        )
        .mappings()
        .all()
    )
    placements = db.exec(
        select(Placement)
        .where(Placement.graduate_id == graduate_id)
        .order_by(col(Placement.start_date).desc(), col(Placement.id).desc())
    ).all()
    events = (
        db.execute(
            sa_select(
                col(AuditEvent.action),
                col(AuditEvent.at),
                col(AuditEvent.detail),
                col(User.name).label("actor_name"),
                col(User.email).label("actor_email"),
            )
            .outerjoin(User, col(User.id) == col(AuditEvent.actor_user_id))
            .where(
                col(AuditEvent.object_type) == "graduate", col(AuditEvent.object_id) == graduate_id
            )
            .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
            .limit(20)
        )
        .mappings()
        .all()
    )
    credential_history = credential_service.history_of(
        db, [credential.id for credential in credentials if credential.id is not None]
    )
    verifiers = credential_service.verifier_names(
        db, [*credentials, *(row for rows in credential_history.values() for row in rows)]
    )
    return GraduateRecord(
        credential_history=credential_history,
        verifiers=verifiers,
        graduate=graduate,
        account=account,
        modalities=list(modalities),
        credentials=list(credentials),
        applications=list(applications),
        history=history,
        referrals=list(referrals),
        placements=list(placements),
        events=list(events),
    )


def credentials_queue(db: Session, which: str, page: int, today: date | None = None) -> Page:
    """Credentials to verify (`unverified`) or expiring within 30 days (`expiring`), across
    graduates."""
    today = today or dates.today()
    query = (
        sa_select(
            col(GraduateCredential.id),
            col(GraduateCredential.code),
            col(GraduateCredential.number),
            col(GraduateCredential.state),
            col(GraduateCredential.issued_on),
            col(GraduateCredential.expires_on),
            col(GraduateCredential.verified_at),
            col(GraduateCredential.verification_method),
            col(GraduateCredential.version),
            col(GraduateCredential.document_file),
            col(Graduate.id).label("graduate_id"),
            col(Graduate.first_name),
            col(Graduate.last_name),
            col(Graduate.email),
        )
        .join(Graduate, col(Graduate.id) == col(GraduateCredential.graduate_id))
        .where(col(Graduate.deleted_at).is_(None))
    )
    if which == "expiring":
        query = query.where(
            col(GraduateCredential.expires_on) >= today,
            col(GraduateCredential.expires_on) <= today + timedelta(days=EXPIRY_WINDOW_DAYS),
        ).order_by(col(GraduateCredential.expires_on), col(GraduateCredential.id))
    else:
        query = query.where(col(GraduateCredential.verified_at).is_(None)).order_by(
            col(GraduateCredential.created_at), col(GraduateCredential.id)
        )
    return paginate(db, query, page)
