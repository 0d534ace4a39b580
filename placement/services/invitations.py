"""Sourcing: an employer's matches for a position, and invitations to apply.

The visibility rule (CONTRACT, "Sourcing"): an employer sees, and may invite, only graduates
whose visibility is `employers`; any other graduate answers exactly like a missing one
(NotFound). A graduate who turned invitations off (`/me/privacy`) cannot be invited either,
and answers the same way.

Limits: at most INVITATIONS_PER_DAY invitations per position in any 24 hours, counted by
services.limits under a lock (so a concurrent burst gets exactly that many through on
SQLite and PostgreSQL alike), and one invitation per (graduate, position) ever, held by a
unique constraint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from placement import dates, i18n, links
from placement.config import Settings
from placement.i18n import gettext, ngettext
from placement.models import (
    Application,
    Employer,
    Graduate,
    Invitation,
    InvitationStatus,
    Position,
    User,
    utcnow,
)
from placement.services import Actor, DomainError, NotFound, audit, limits, mail, visibility
from placement.services import matching as matching_service
from placement.services import positions as position_service
from placement.services.matching import Ranked

INVITATIONS_PER_DAY = 25
INVITATION_WINDOW_SECONDS = 24 * 3600
NOTE_MAX = 2000
PAGE_SIZE = 25
MAX_PAGE = 200


class InvitationLimit(DomainError):
    """The position's invitations for the day are used up: 429 with Retry-After."""

    def __init__(self, retry_after: int) -> None:
        hours = max(1, round(retry_after / 3600))
        super().__init__(
            ngettext(
                "This position has sent its %(most)s invitations for the day. You can invite "
                "more in about %(num)s hour.",
                "This position has sent its %(most)s invitations for the day. You can invite "
                "more in about %(num)s hours.",
                hours,
                most=INVITATIONS_PER_DAY,
            ),
            "graduate_id",
        )
        self.retry_after = retry_after


# -- the employer's matches -----------------------------------------------------------------


@dataclass(frozen=True)
class MatchRow:
    ranked: Ranked
    program: str
    invitation: str | None  # None, "pending", "declined"
    applied: bool
    invitable: bool

    @property
    def graduate_id(self) -> int:
        return self.ranked.graduate_id


@dataclass(frozen=True)
class MatchesView:
    position: Position
    is_open: bool
    rows: list[MatchRow]
    page: int
    has_next: bool
    sent_today: int

    @property
    def left_today(self) -> int:
        return max(0, INVITATIONS_PER_DAY - self.sent_today)


def employer_matches(
    db: Session, employer_id: int | None, position_id: int, *, page: int = 1
) -> MatchesView:
    """The eligible graduates who let employers see them, by the score the employer sees
    (banded reasons), one page; NotFound for anyone else's position."""
    position = position_service.position_for_employer(db, employer_id, position_id)
    page = max(1, min(page, MAX_PAGE))
    ranked = matching_service.rank_graduates(
        db, position_id, audience="employer", limit=page * PAGE_SIZE + 1
    )
    shown = ranked[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    ids = [row.graduate_id for row in shown]
    details = _graduate_details(db, ids)
    invited = _invitations_for(db, position_id, ids)
    applied = _applied(db, position_id, ids)
    rows = [
        MatchRow(
            ranked=row,
            program=details.get(row.graduate_id, ("", False))[0],
            invitation=invited.get(row.graduate_id),
            applied=row.graduate_id in applied,
            invitable=details.get(row.graduate_id, ("", False))[1]
            and row.graduate_id not in invited
            and row.graduate_id not in applied,
        )
        for row in shown
    ]
    return MatchesView(
        position=position,
        is_open=_is_public(db, position_id),
        rows=rows,
        page=page,
        has_next=len(ranked) > page * PAGE_SIZE,
        sent_today=sent_in_window(db, position_id),
    )


def _is_public(db: Session, position_id: int) -> bool:
    found = db.exec(
        select(Position.id).where(
            Position.id == position_id, visibility.public_position(dates.today())
        )
    ).first()
    return found is not None


def _graduate_details(db: Session, ids: list[int]) -> dict[int, tuple[str, bool]]:
    if not ids:
        return {}
    rows = db.exec(
        select(Graduate.id, Graduate.program, Graduate.accepts_invitations).where(
            col(Graduate.id).in_(ids)
        )
    ).all()
    return {int(gid or 0): (program, bool(accepts)) for gid, program, accepts in rows}


def _invitations_for(db: Session, position_id: int, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.exec(
        select(Invitation.graduate_id, Invitation.status).where(
            Invitation.position_id == position_id, col(Invitation.graduate_id).in_(ids)
        )
    ).all()
    return dict(rows)


def _applied(db: Session, position_id: int, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(
        db.exec(
            select(Application.graduate_id).where(
                Application.position_id == position_id, col(Application.graduate_id).in_(ids)
            )
        ).all()
    )


def sent_in_window(db: Session, position_id: int) -> int:
    since = utcnow() - timedelta(seconds=INVITATION_WINDOW_SECONDS)
    return int(
        db.exec(
            select(func.count())
            .select_from(Invitation)
            .where(Invitation.position_id == position_id, col(Invitation.created_at) >= since)
        ).one()
    )


# -- inviting -------------------------------------------------------------------------------


def invitable_graduate(db: Session, graduate_id: int) -> Graduate:
    """A graduate an employer may see and invite; NotFound for anyone else (a private or
    staff-only graduate, one who turned invitations off, a deleted or missing one)."""
    graduate = db.get(Graduate, graduate_id) if matching_service.valid_id(graduate_id) else None
    if (
        graduate is None
        or graduate.deleted_at is not None
        or graduate.visibility != "employers"
        or not graduate.accepts_invitations
    ):
        raise NotFound
    return graduate


def _limit_key(position_id: int) -> limits.Limit:
    return limits.Limit(
        f"invitations:position:{position_id}", INVITATIONS_PER_DAY, INVITATION_WINDOW_SECONDS
    )


def invite(
    db: Session,
    settings: Settings,
    *,
    employer_id: int | None,
    actor: Actor,
    position_id: int,
    graduate_id: int,
    note: str,
) -> tuple[Invitation, bool]:
    """Invite a graduate to apply: (the new invitation, True), or (the one sent before, False).

    NotFound for another employer's position and for a graduate the employer may not see;
    DomainError when the position is not open or the graduate does not meet its
    requirements; InvitationLimit past the day's invitations. Commits the limit's hit (see
    services.limits) before writing the invitation; a duplicate gives its hit back.
    """
    note = (note or "").replace("\r\n", "\n").strip()
    if "\x00" in note:
        raise DomainError(gettext("Remove the invisible NUL character."), "note")
    if len(note) > NOTE_MAX:
        raise DomainError(gettext("Use at most %(max)s characters.", max=NOTE_MAX), "note")
    position = position_service.position_for_employer(db, employer_id, position_id)
    graduate = invitable_graduate(db, graduate_id)
    existing = _invitation_for_pair(db, position_id, graduate_id)
    if existing is not None:
        return existing, False
    if not _is_public(db, position_id):
        raise DomainError(
            gettext("Only an open, published position can invite graduates."), "graduate_id"
        )
    result = matching_service.explain(db, graduate_id, position_id)
    if not result.eligible:
        raise DomainError(
            gettext("This graduate does not meet the position's requirements."), "graduate_id"
        )
    try:
        hits = limits.hit(db, _limit_key(position_id))
    except limits.RateLimited as limited:
        raise InvitationLimit(limited.retry_after) from None
    invitation = Invitation(
        position_id=position_id,
        graduate_id=graduate_id,
        employer_id=position.employer_id,
        invited_by=actor.user_id,
        note=note,
    )
    try:
        with db.begin_nested():
            db.add(invitation)
            db.flush()
    except IntegrityError:
        limits.release(db, hits)
        existing = _invitation_for_pair(db, position_id, graduate_id)
        if existing is None:  # pragma: no cover - the constraint fired for another reason
            raise
        return existing, False
    audit.record(
        db,
        "invitation.created",
        actor=actor,
        object_type="invitation",
        object_id=invitation.id,
        after={"position_id": position_id, "graduate_id": graduate_id},
    )
    _notify(db, settings, graduate, position, note)
    return invitation, True


def _invitation_for_pair(db: Session, position_id: int, graduate_id: int) -> Invitation | None:
    return db.exec(
        select(Invitation).where(
            Invitation.position_id == position_id, Invitation.graduate_id == graduate_id
        )
    ).first()


def graduate_address(db: Session, graduate: Graduate) -> tuple[int | None, str]:
    if graduate.user_id is not None:
        user = db.get(User, graduate.user_id)
        if user is not None and user.active:
            return user.id, user.email
    return None, ""


def _notify(
    db: Session, settings: Settings, graduate: Graduate, position: Position, note: str
) -> None:
    user_id, email = graduate_address(db, graduate)
    if not email:
        return
    employer = db.get(Employer, position.employer_id)
    name = employer.name if employer else ""
    words = {"employer": name, "job": position.title}
    with i18n.using(mail.language_of(db, user_id)):
        lines = [
            gettext("Hello %(name)s,", name=graduate.first_name),
            "",
            gettext("%(employer)s invites you to apply to “%(job)s”.", **words),
            "",
        ]
        if note:
            lines += [gettext("Their note: %(note)s", note=note), ""]
        lines += [
            gettext("Apply or decline: %(link)s", link=links.url(settings, "graduate:invitations")),
            "",
            gettext(
                "You can turn invitations off on your privacy page: %(link)s",
                link=links.url(settings, "graduate:privacy"),
            ),
            "",
        ]
        mail.queue(
            db,
            settings,
            to_email=email,
            to_user_id=user_id,
            kind="invitation_to_apply",
            subject=gettext("%(employer)s invites you to apply: %(job)s", **words),
            body="\n".join(lines),
        )


# -- the graduate's side --------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationRow:
    id: int
    position_id: int
    position_title: str
    employer_name: str
    note: str
    status: str  # pending | declined | applied
    created_at: datetime
    position_open: bool
    application_id: int | None

    @property
    def pending(self) -> bool:
        return self.status == InvitationStatus.PENDING


def invitations_for_graduate(
    db: Session, graduate_id: int, *, today: date | None = None, limit: int = 200
) -> list[InvitationRow]:
    """The graduate's invitations, newest first, with position, employer and whether they
    applied since: one query."""
    today = today or dates.today()
    public = visibility.public_position(today)
    rows = db.execute(
        sa_select(
            col(Invitation.id),
            col(Invitation.position_id),
            col(Position.title),
            col(Employer.name),
            col(Invitation.note),
            col(Invitation.status),
            col(Invitation.created_at),
            case((public, True), else_=False),
            col(Application.id),
        )
        .select_from(Invitation)
        .join(Position, col(Position.id) == col(Invitation.position_id))
        .join(Employer, col(Employer.id) == col(Position.employer_id))
        .outerjoin(
            Application,
            and_(
                col(Application.position_id) == col(Invitation.position_id),
                col(Application.graduate_id) == col(Invitation.graduate_id),
            ),
        )
        .where(col(Invitation.graduate_id) == graduate_id)
        .order_by(col(Invitation.created_at).desc(), col(Invitation.id).desc())
        .limit(limit)
    ).all()
    out = []
    for row in rows:
        status = "applied" if row[8] is not None else row[5]
        out.append(
            InvitationRow(
                id=row[0],
                position_id=row[1],
                position_title=row[2],
                employer_name=row[3],
                note=row[4],
                status=status,
                created_at=row[6],
                position_open=bool(row[7]),
                application_id=row[8],
            )
        )
    return out


def decline(db: Session, *, graduate_id: int, actor: Actor, invitation_id: int) -> Invitation:
    """Decline the graduate's own pending invitation (NotFound for anyone else's); declining
    twice changes nothing."""
    invitation = (
        db.get(Invitation, invitation_id) if matching_service.valid_id(invitation_id) else None
    )
    if invitation is None or invitation.graduate_id != graduate_id:
        raise NotFound
    result = db.exec(
        update(Invitation)
        .where(
            col(Invitation.id) == invitation_id, col(Invitation.status) == InvitationStatus.PENDING
        )
        .values(status="declined", answered_at=utcnow())
    )
    if result.rowcount:
        audit.record(
            db,
            "invitation.declined",
            actor=actor,
            object_type="invitation",
            object_id=invitation_id,
        )
    db.refresh(invitation)
    return invitation


def set_accepts_invitations(db: Session, *, graduate_id: int, actor: Actor, on: bool) -> Graduate:
    graduate = db.get(Graduate, graduate_id)
    if graduate is None or graduate.deleted_at is not None:
        raise NotFound
    if graduate.accepts_invitations != on:
        graduate.accepts_invitations = on
        db.add(graduate)
        audit.record(
            db,
            "graduate.invitations_" + ("on" if on else "off"),
            actor=actor,
            object_type="graduate",
            object_id=graduate_id,
        )
        db.flush()
    return graduate


# -- staff: the spam-blast signal -----------------------------------------------------------


@dataclass(frozen=True)
class InvitationCounts:
    last_day: int
    last_week: int
    total: int
    declined: int


def counts_by_employer(db: Session, employer_ids: Iterable[int]) -> dict[int, InvitationCounts]:
    """Invitations sent per organisation (last 24 hours, last 7 days, ever, declined)."""
    ids = sorted(set(employer_ids))
    if not ids:
        return {}
    now = utcnow()
    day, week = now - timedelta(days=1), now - timedelta(days=7)
    rows = db.execute(
        sa_select(
            col(Invitation.employer_id),
            func.sum(case((col(Invitation.created_at) >= day, 1), else_=0)),
            func.sum(case((col(Invitation.created_at) >= week, 1), else_=0)),
            func.count(),
            func.sum(case((col(Invitation.status) == InvitationStatus.DECLINED, 1), else_=0)),
        )
        .where(col(Invitation.employer_id).in_(ids))
        .group_by(col(Invitation.employer_id))
    ).all()
    return {
        employer_id: InvitationCounts(int(d or 0), int(w or 0), int(t or 0), int(x or 0))
        for employer_id, d, w, t, x in rows
    }
