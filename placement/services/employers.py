"""The employer's organisation, its team and its notifications.

Every function takes the employer id of the signed-in member: a colleague of another
organisation is NotFound, exactly like a missing one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from placement import i18n, taxonomy
from placement.config import Settings
from placement.i18n import gettext
from placement.models import Employer, EmployerMember, EmployerStatus, User, utcnow
from placement.npi import npi_is_valid
from placement.services import (
    Actor,
    DomainError,
    Forbidden,
    NotFound,
    accounts,
    audit,
    changes,
    mail,
    search,
)

ORGANIZATION_FIELDS = ("name", "kind", "zip", "website", "phone", "npi")


@dataclass(frozen=True)
class OrganizationInput:
    name: str
    kind: str
    zip: str
    website: str
    phone: str
    npi: str | None


def npi_problem(npi: str | None) -> str | None:
    """The NPI rule, for registration and every later change: empty, or 10 digits whose
    Luhn check (with the 80840 prefix) holds."""
    if npi and not npi_is_valid(npi):
        return gettext("This is not a valid 10-digit NPI: check the digits.")
    return None


def check_npi(npi: str | None) -> None:
    problem = npi_problem(npi)
    if problem:
        raise DomainError(problem, "npi")


def employer_of(db: Session, employer_id: int | None) -> Employer:
    employer = db.get(Employer, employer_id) if employer_id else None
    if employer is None:
        raise NotFound
    return employer


# What names an organisation: once it is approved, a change of these waits for staff (an
# approved "St. Brigid Hospital" must not become "Relax Spa 24/7" on its own say-so).
HELD_FIELDS = ("name", "website", "npi")


def held_changes(employer: Employer) -> dict[str, str | None]:
    """The organisation's change waiting for staff, {field: new value}; {} when none."""
    if not employer.held_changes:
        return {}
    try:
        stored = json.loads(employer.held_changes)
    except ValueError:
        return {}
    return {name: stored[name] for name in HELD_FIELDS if name in stored}


def with_held_changes(employer: Employer) -> Employer:
    """An unsaved copy of the organisation as it would be once its held change is approved
    (for the review signals of the new values and for the employer's own form)."""
    copy = Employer(**employer.model_dump())
    for name, value in held_changes(employer).items():
        setattr(copy, name, value)
    return copy


def update_organization(
    db: Session, *, employer_id: int, actor: Actor, data: OrganizationInput
) -> Employer:
    """Change the organisation's details; the audit log keeps what changed.

    For an approved organisation a new name, website or NPI is held (`held_changes`) until
    staff approve it, and every page keeps showing the approved values; the other fields save
    at once. Saving the approved value again withdraws that part of the held change. An
    organisation not yet approved changes everything at once (staff review it anyway)."""
    employer = employer_of(db, employer_id)
    if data.kind not in taxonomy.SETTINGS:
        raise DomainError(gettext("Choose one of the options offered."), "kind")
    check_npi(data.npi)
    if data.website and not data.website.lower().startswith(("http://", "https://")):
        raise DomainError(
            gettext("Enter a web address starting with http:// or https://."), "website"
        )
    before = {name: getattr(employer, name) for name in ORGANIZATION_FIELDS}
    after = {
        "name": data.name,
        "kind": data.kind,
        "zip": data.zip,
        "website": data.website,
        "phone": data.phone,
        "npi": data.npi or None,
    }
    if employer.status == EmployerStatus.APPROVED:
        _hold(db, employer, actor, {name: after[name] for name in HELD_FIELDS})
        after.update({name: before[name] for name in HELD_FIELDS})
    changed = {name for name in ORGANIZATION_FIELDS if before[name] != after[name]}
    if not changed:
        return employer
    for name in changed:
        setattr(employer, name, after[name])
    db.add(employer)
    if changed & PUBLIC_FIELDS:
        shown_details_changed(db, employer_id)
    audit.record(
        db,
        "employer.updated",
        actor=actor,
        object_type="employer",
        object_id=employer_id,
        detail=", ".join(sorted(changed)),
        before={name: before[name] for name in sorted(changed)},
        after={name: after[name] for name in sorted(changed)},
    )
    return employer


def _hold(db: Session, employer: Employer, actor: Actor, wanted: dict[str, str | None]) -> None:
    """Keep the fields of `wanted` that differ from the approved values as the held change
    (replacing an earlier one), audited; nothing when it is the same as before."""
    held = {name: value for name, value in wanted.items() if getattr(employer, name) != value}
    if held == held_changes(employer):
        return
    previous = held_changes(employer)
    employer.held_changes = json.dumps(held, sort_keys=True) if held else None
    employer.held_at = utcnow() if held else None
    db.add(employer)
    audit.record(
        db,
        "employer.change_held" if held else "employer.change_withdrawn",
        actor=actor,
        object_type="employer",
        object_id=employer.id,
        detail=", ".join(sorted(held or previous)) + " — waits for career services",
        before={name: getattr(employer, name) for name in sorted(held or previous)},
        after=held,
    )


# What a position's public page shows of its employer.
PUBLIC_FIELDS = frozenset({"name", "website", "kind"})


def shown_details_changed(db: Session, employer_id: int) -> None:
    """After a change of what the public pages show of an employer (its name is also in
    each of its positions' search documents): rewrite those and record a change per
    position, so every worker's page cache and the matching index see it. Every path that
    writes these fields (also staff approving a held change) calls this."""
    db.flush()
    for position_id in search.employer_renamed(db, employer_id):
        changes.position_changed(db, position_id)


# -- the team ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    user_id: int
    name: str
    email: str
    is_owner: bool
    invited: bool  # has not set a password yet
    joined: datetime


def team_members(db: Session, employer_id: int) -> list[Member]:
    rows = db.execute(
        select(
            col(User.id),
            col(User.name),
            col(User.email),
            col(EmployerMember.is_owner),
            col(User.password_hash),
            col(EmployerMember.created_at),
        )
        .join(EmployerMember, col(EmployerMember.user_id) == col(User.id))
        .where(col(EmployerMember.employer_id) == employer_id, col(User.active).is_(True))
        .order_by(col(EmployerMember.created_at), col(User.id))
    ).all()
    return [
        Member(
            user_id=row[0],
            name=row[1],
            email=row[2],
            is_owner=row[3],
            invited=row[4] is None,
            joined=row[5],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Invitation:
    user: User
    link: str


def invite_colleague(
    db: Session,
    settings: Settings,
    *,
    employer_id: int,
    actor: Actor,
    email: str,
    name: str,
) -> Invitation | None:
    """A new employer account without a password and a one-time link by mail to set one.

    The inviter is answered the same whether or not the e-mail already has an account (the
    answer must not tell who is registered); an existing account is only told by mail that
    someone tried, and nothing about it changes. None then."""
    employer = employer_of(db, employer_id)
    email = email.strip().lower()
    inviter = db.get(User, actor.user_id)
    inviter_name = inviter.name or inviter.email if inviter else None
    existing = accounts.find_user_by_email(db, email)
    user: User | None = None
    if existing is None:
        try:
            with db.begin_nested():
                user = User(email=email, role="employer", name=name, password_hash=None)
                db.add(user)
                db.flush()
                db.add(
                    EmployerMember(employer_id=employer_id, user_id=user.id or 0, is_owner=False)
                )
                db.flush()
        except IntegrityError:
            # Registered a moment ago by someone else: answered as any taken address.
            user = None
            existing = accounts.find_user_by_email(db, email)
    if user is None:
        if existing is not None and existing.active:
            with i18n.using(existing.language):
                who = inviter_name or gettext("A colleague")
                greeting = gettext("Hello %(name)s,", name=existing.name or existing.email)
                mail.queue(
                    db,
                    settings,
                    to_email=existing.email,
                    to_user_id=existing.id,
                    kind="invite_existing",
                    subject=gettext(
                        "%(who)s tried to add you to %(employer)s on the placement network",
                        who=who,
                        employer=employer.name,
                    ),
                    body=greeting
                    + "\n\n"
                    + gettext(
                        "%(who)s tried to add this address to the team of %(employer)s on the "
                        "career services placement network. This address already has an "
                        "account, and an account belongs to one organisation only, so nothing "
                        "changed. If you should join that team, ask career services.",
                        who=who,
                        employer=employer.name,
                    )
                    + "\n",
                )
        audit.record(
            db,
            "employer.member_invite_refused",
            actor=actor,
            object_type="user",
            object_id=existing.id if existing is not None else None,
            after={"employer_id": employer_id},
        )
        return None
    # Worded in the new account's language (the setup mail is composed in it too).
    with i18n.using(user.language):
        who = inviter_name or gettext("A colleague")
        subject = gettext(
            "%(who)s invited you to %(employer)s on the placement network",
            who=who,
            employer=employer.name,
        )
        introduction = gettext(
            "%(who)s invited you to join %(employer)s on the career services placement "
            "network, where you can post positions and follow candidates.",
            who=who,
            employer=employer.name,
        )
    link = accounts.send_setup_link(
        db,
        settings,
        user,
        ttl=accounts.INVITE_TTL,
        kind="invite",
        subject=subject,
        introduction=introduction,
    )
    audit.record(
        db,
        "employer.member_invited",
        actor=actor,
        object_type="user",
        object_id=user.id,
        after={"employer_id": employer_id},
    )
    return Invitation(user=user, link=link)


def _membership(db: Session, employer_id: int, user_id: int) -> EmployerMember | None:
    return db.execute(
        select(EmployerMember).where(
            col(EmployerMember.user_id) == user_id, col(EmployerMember.employer_id) == employer_id
        )
    ).scalar_one_or_none()


def _team_for_change(
    db: Session, employer_id: int, actor_user_id: int, user_id: int
) -> tuple[EmployerMember, User]:
    """The colleague's active membership; the actor must be an owner (Forbidden otherwise).

    The organisation's row is locked first (PostgreSQL) so that two owners changing the team
    at once are taken one after the other: the last-owner rule cannot be beaten by a race.
    """
    if not 0 < user_id < 2**31:
        raise NotFound
    db.execute(select(col(Employer.id)).where(col(Employer.id) == employer_id).with_for_update())
    actor = _membership(db, employer_id, actor_user_id)
    if actor is None or not actor.is_owner:
        raise Forbidden(gettext("Only an owner of the organisation can change who is on the team."))
    membership = _membership(db, employer_id, user_id)
    user = db.get(User, user_id) if membership is not None else None
    if membership is None or user is None or not user.active:
        raise NotFound
    return membership, user


def _owner_count(db: Session, employer_id: int) -> int:
    return int(
        db.execute(
            select(func.count())
            .select_from(EmployerMember)
            .join(User, col(User.id) == col(EmployerMember.user_id))
            .where(
                col(EmployerMember.employer_id) == employer_id,
                col(EmployerMember.is_owner).is_(True),
                col(User.active).is_(True),
            )
        ).scalar_one()
    )


def remove_colleague(db: Session, *, employer_id: int, actor: Actor, user_id: int) -> User:
    """Take a colleague off the team: the account is deactivated and its sessions end now.

    Only an owner removes (Forbidden); an owner may remove another owner, never the last one.
    """
    membership, user = _team_for_change(db, employer_id, actor.user_id or 0, user_id)
    if membership.is_owner and _owner_count(db, employer_id) <= 1:
        raise DomainError(
            gettext("This is the organisation's last owner: make a colleague an owner first."),
            None,
        )
    if user_id == actor.user_id:
        raise DomainError(gettext("You cannot remove yourself. Ask a colleague to do it."), None)
    others = db.execute(
        select(func.count())
        .select_from(EmployerMember)
        .join(User, col(User.id) == col(EmployerMember.user_id))
        .where(
            col(EmployerMember.employer_id) == employer_id,
            col(EmployerMember.user_id) != user_id,
            col(User.active).is_(True),
        )
    ).scalar_one()
    if others == 0:
        raise DomainError(gettext("An organisation keeps at least one member."), None)
    user.active = False
    accounts.end_all_sessions(db, user)
    db.execute(delete(EmployerMember).where(col(EmployerMember.id) == membership.id))
    audit.record(
        db,
        "employer.member_removed",
        actor=actor,
        object_type="user",
        object_id=user_id,
        after={"employer_id": employer_id},
    )
    return user


def promote_colleague(db: Session, *, employer_id: int, actor: Actor, user_id: int) -> User:
    """An owner makes a colleague an owner too (idempotent); Forbidden for anyone else."""
    membership, user = _team_for_change(db, employer_id, actor.user_id or 0, user_id)
    if membership.is_owner:
        return user
    membership.is_owner = True
    db.add(membership)
    audit.record(
        db,
        "employer.owner_added",
        actor=actor,
        object_type="user",
        object_id=user_id,
        before={"is_owner": False},
        after={"is_owner": True},
        detail=f"user {user_id} made an owner of employer {employer_id}",
    )
    return user
