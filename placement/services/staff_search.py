"""What staff read: work-queue counts, searches and lists, each page in one query.

List queries select only the columns a page shows and count the total in the same statement
(`count(*) OVER ()`), so a page costs one round trip however many rows it shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from placement import dates
from placement.localtime import day_bounds_utc
from placement.models import (
    Application,
    ApplicationEvent,
    AuditEvent,
    CredentialVersion,
    Employer,
    EmployerMember,
    EmployerStatus,
    Graduate,
    GraduateCredential,
    GraduateModality,
    Placement,
    Position,
    PositionStatus,
    Referral,
    ReferralStatus,
    User,
)
from placement.services import NotFound
from placement.services import credentials as credential_service

PER_PAGE = 25
EXPIRY_WINDOW_DAYS = 30  # the staff's "expiring within 30 days" queue


@dataclass(frozen=True)
class Page:
    rows: Sequence[Any]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def paginate(db: Session, query: Any, page: int, per_page: int = PER_PAGE) -> Page:
    """Run `query` with a window count for the total; rows are mappings of its columns."""
    page = max(1, page)
    statement = query.add_columns(func.count().over().label("_total"))
    result = db.exec(statement.limit(per_page).offset((page - 1) * per_page)).mappings().all()
    total = int(result[0]["_total"]) if result else 0
    if not result and page > 1:
        # Past the end: count without the offset so the pager can lead back.
        total = int(db.exec(select(func.count()).select_from(query.subquery())).one())
    return Page(rows=result, total=total, page=page, per_page=per_page)


# -- work queues ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueCounts:
    employers_pending: int
    positions_pending: int
    graduates_unverified: int
    credentials_unverified: int
    referrals_pending: int
    placements_unverified: int
    credentials_expiring: int
    employer_changes_held: int = 0
    placements_disputed: int = 0


def queue_counts(db: Session, today: date | None = None) -> QueueCounts:
    """Nine counts in one statement (scalar subqueries)."""
    today = today or dates.today()
    live = col(Graduate.deleted_at).is_(None)

    def count(model: Any, *where: Any) -> Any:
        return select(func.count()).select_from(model).where(*where).scalar_subquery()

    def credential_count(*where: Any) -> Any:
        return (
            select(func.count())
            .select_from(GraduateCredential)
            .join(Graduate, col(Graduate.id) == GraduateCredential.graduate_id)
            .where(live, *where)
            .scalar_subquery()
        )

    row = db.execute(
        sa_select(
            count(Employer, col(Employer.status) == EmployerStatus.PENDING),
            count(Position, col(Position.status) == PositionStatus.PENDING_REVIEW),
            count(Graduate, col(Graduate.verified_at).is_(None), live),
            credential_count(col(GraduateCredential.verified_at).is_(None)),
            count(Referral, col(Referral.status) == ReferralStatus.PENDING),
            count(Placement, col(Placement.verified_at).is_(None)),
            credential_count(
                col(GraduateCredential.expires_on) >= today,
                col(GraduateCredential.expires_on) <= today + timedelta(days=EXPIRY_WINDOW_DAYS),
            ),
            count(Employer, *HELD_CHANGES),
            count(Placement, col(Placement.disputed_at).is_not(None)),
        )
    ).one()
    return QueueCounts(*(int(value or 0) for value in row))


# -- employers and positions under review ---------------------------------------------------


# `?status=changes`: approved organisations whose change of name, website or NPI waits.
CHANGES = "changes"
HELD_CHANGES = (Employer.status == EmployerStatus.APPROVED, col(Employer.held_changes).is_not(None))


def employers_by_status(db: Session, status: str, page: int) -> Page:
    members = (
        select(func.count())
        .select_from(EmployerMember)
        .where(EmployerMember.employer_id == Employer.id)
        .scalar_subquery()
    )
    query = select(Employer, members.label("members"))
    if status == CHANGES:
        query = query.where(*HELD_CHANGES).order_by(col(Employer.held_at), col(Employer.id))
    else:
        query = query.where(Employer.status == status).order_by(
            col(Employer.created_at), col(Employer.id)
        )
    return paginate(db, query, page)


def positions_by_status(db: Session, status: str, page: int) -> Page:
    query = (
        select(Position, Employer)
        .join(Employer, col(Employer.id) == Position.employer_id)
        .where(Position.status == status)
        .order_by(col(Position.submitted_at), col(Position.id))
    )
    return paginate(db, query, page)


# -- graduates ------------------------------------------------------------------------------


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


# -- referrals and placements ---------------------------------------------------------------


def _referral_query() -> Any:
    staff = aliased(User)
    return (
        sa_select(
            col(Referral.id),
            col(Referral.status),
            col(Referral.note),
            col(Referral.decline_reason),
            col(Referral.created_at),
            col(Referral.answered_at),
            col(Referral.round_id),
            col(Referral.position_id),
            col(Referral.graduate_id),
            col(Position.title).label("position_title"),
            col(Employer.name).label("employer_name"),
            col(Graduate.first_name),
            col(Graduate.last_name),
            col(staff.name).label("staff_name"),
            col(staff.email).label("staff_email"),
            col(Application.id).label("application_id"),
            col(Application.stage).label("application_stage"),
            col(Placement.id).label("placement_id"),
            col(Placement.verified_at).label("placement_verified_at"),
        )
        .join(Position, col(Position.id) == col(Referral.position_id))
        .join(Employer, col(Employer.id) == col(Position.employer_id))
        .join(Graduate, col(Graduate.id) == col(Referral.graduate_id))
        .outerjoin(staff, col(staff.id) == col(Referral.staff_user_id))
        .outerjoin(
            Application,
            or_(
                col(Application.id) == col(Referral.application_id),
                and_(
                    col(Referral.application_id).is_(None),
                    col(Application.position_id) == col(Referral.position_id),
                    col(Application.graduate_id) == col(Referral.graduate_id),
                ),
            ),
        )
        .outerjoin(Placement, col(Placement.application_id) == col(Application.id))
    )


def referral_rows(db: Session, status: str | None, page: int) -> Page:
    """Every referral with its state and what happened next: the application's current stage
    and the placement it led to, if any — one query with joins."""
    query = _referral_query().order_by(col(Referral.created_at).desc(), col(Referral.id).desc())
    if status:
        query = query.where(Referral.status == status)
    return paginate(db, query, page)


def referral_row(db: Session, referral_id: int) -> Any:
    """One referral as `referral_rows` shows it, or None."""
    return db.exec(_referral_query().where(Referral.id == referral_id)).mappings().first()


def placement_rows(db: Session, verified: str | None, page: int) -> Page:
    query = sa_select(
        col(Placement.id),
        col(Placement.employer_name),
        col(Placement.job_title),
        col(Placement.start_date),
        col(Placement.hours_per_week),
        col(Placement.field),
        col(Placement.verification_method),
        col(Placement.verification_note),
        col(Placement.verified_at),
        col(Placement.disputed_at),
        col(Placement.reverified_at),
        col(Placement.application_id),
        col(Placement.created_at),
        col(Graduate.id).label("graduate_id"),
        col(Graduate.first_name),
        col(Graduate.last_name),
        col(Graduate.cohort),
    ).join(Graduate, col(Graduate.id) == col(Placement.graduate_id))
    if verified == "no":
        query = query.where(col(Placement.verified_at).is_(None))
    elif verified == "yes":
        query = query.where(col(Placement.verified_at).is_not(None))
    elif verified == "disputed":
        query = query.where(col(Placement.disputed_at).is_not(None))
    query = query.order_by(col(Placement.created_at).desc(), col(Placement.id).desc())
    return paginate(db, query, page)


# -- the audit log --------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor: str = ""
    object_type: str = ""
    object_id: int | None = None
    since: date | None = None
    until: date | None = None


AUDIT_EXPORT_LIMIT = 100_000


def audit_rows(db: Session, filters: AuditFilters, page: int, per_page: int = 50) -> Page:
    return paginate(db, _audit_query(filters), page, per_page)


def audit_export(db: Session, filters: AuditFilters, limit: int = AUDIT_EXPORT_LIMIT) -> list[Any]:
    """Every event the filters select, newest first (at most `limit`), for the CSV."""
    return list(db.exec(_audit_query(filters).limit(limit)).mappings().all())


def _audit_query(filters: AuditFilters) -> Any:
    query = sa_select(
        col(AuditEvent.id),
        col(AuditEvent.at),
        col(AuditEvent.action),
        col(AuditEvent.actor_role),
        col(AuditEvent.actor_user_id),
        col(AuditEvent.object_type),
        col(AuditEvent.object_id),
        col(AuditEvent.detail),
        col(AuditEvent.before),
        col(AuditEvent.after),
        col(AuditEvent.ip),
        col(User.name).label("actor_name"),
        col(User.email).label("actor_email"),
    ).outerjoin(User, col(User.id) == col(AuditEvent.actor_user_id))
    if filters.action:
        # "employer" finds every employer.* action; "employer.approved" exactly that one.
        if "." in filters.action:
            query = query.where(col(AuditEvent.action) == filters.action)
        else:
            query = query.where(
                col(AuditEvent.action).startswith(filters.action + ".", autoescape=True)
            )
    if filters.actor:
        actor = filters.actor.strip().lower()
        if actor.isdigit():
            query = query.where(col(AuditEvent.actor_user_id) == int(actor))
        else:
            query = query.where(
                or_(
                    func.lower(User.email).contains(actor, autoescape=True),
                    func.lower(User.name).contains(actor, autoescape=True),
                )
            )
    if filters.object_type:
        query = query.where(col(AuditEvent.object_type) == filters.object_type)
    if filters.object_id is not None:
        query = query.where(col(AuditEvent.object_id) == filters.object_id)
    # The dates staff type are school days, not UTC days.
    if filters.since:
        start, _ = day_bounds_utc(filters.since, dates.school_zone())
        query = query.where(col(AuditEvent.at) >= start)
    if filters.until:
        _, end = day_bounds_utc(filters.until, dates.school_zone())
        query = query.where(col(AuditEvent.at) < end)
    return query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())


def audit_actions(db: Session) -> list[str]:
    return sorted(db.exec(select(AuditEvent.action).distinct()).all())


def audit_object_types(db: Session) -> list[str]:
    return sorted(t for t in db.exec(select(AuditEvent.object_type).distinct()).all() if t)
