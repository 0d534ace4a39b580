"""User management for administrators: find accounts, deactivate and reactivate them, and
invite new staff.

Deactivating an account bumps its session version, so every cookie it holds stops working at
once, and sign-in refuses it (accounts.authenticate checks `active`).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, or_

from placement import i18n
from placement.config import Settings
from placement.db import atomic
from placement.i18n import N_, Labels, gettext
from placement.models import User
from placement.services import (
    STAFF_ROLES,
    Actor,
    Conflict,
    DomainError,
    NotFound,
    accounts,
    api_tokens,
    audit,
)
from placement.services.staff_search import Page, paginate

# What the invitation says the new account is, by role (whole sentences, for the catalogue).
INVITE_INTRODUCTIONS = Labels(
    {
        "staff": N_("You have a career services staff account on the school's placement network."),
        "admin": N_("You have an administrator account on the school's placement network."),
    }
)
INVITE_TTL = timedelta(days=7)


def search_users(db: Session, *, q: str, role: str | None, page: int) -> Page:
    query = sa_select(
        col(User.id),
        col(User.email),
        col(User.name),
        col(User.role),
        col(User.active),
        col(User.created_at),
        col(User.last_login_at),
        col(User.password_hash).is_not(None).label("has_password"),
    )
    for word in q.lower().split()[:4]:
        query = query.where(
            or_(
                func.lower(User.email).contains(word, autoescape=True),
                func.lower(User.name).contains(word, autoescape=True),
            )
        )
    if role:
        query = query.where(col(User.role) == role)
    return paginate(db, query.order_by(col(User.email)), page, per_page=50)


def _user(db: Session, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFound
    return user


@atomic
def set_active(db: Session, actor: Actor, *, user_id: int, active: bool) -> User:
    """Deactivate (every session ends at once, sign-in refused) or reactivate an account."""
    user = _user(db, user_id)
    if user.id == actor.user_id:
        raise DomainError(gettext("You cannot deactivate or reactivate your own account."))
    if user.active == active:
        if active:
            raise Conflict(gettext("%(email)s is already active.", email=user.email))
        raise Conflict(gettext("%(email)s is already deactivated.", email=user.email))
    user.active = active
    accounts.end_all_sessions(db, user)
    if not active:
        api_tokens.revoke_all(db, user.id or 0)  # reactivation does not bring them back
    audit.record(
        db,
        "user.activated" if active else "user.deactivated",
        actor=actor,
        object_type="user",
        object_id=user.id,
        detail=user.role,
        before={"active": not active},
        after={"active": active},
    )
    return user


@atomic
def invite_staff(
    db: Session,
    settings: Settings,
    actor: Actor,
    *,
    email: str,
    role: str,
    name: str,
) -> User:
    """A new staff or admin account without a password, and a link by mail to choose one."""
    if role not in STAFF_ROLES:
        raise DomainError(gettext("The role must be staff or admin."), "role")
    email = email.strip().lower()
    if accounts.find_user_by_email(db, email) is not None:
        raise DomainError(gettext("An account with this e-mail already exists."), "email")
    user = User(email=email, role=role, name=name.strip() or email.split("@")[0])
    try:
        with db.begin_nested():
            db.add(user)
            db.flush()
    except IntegrityError:
        raise DomainError(gettext("An account with this e-mail already exists."), "email") from None
    # The mail is the new account's to read: in its language (English until its owner
    # chooses another at /account/notifications).
    with i18n.using(user.language):
        accounts.send_setup_link(
            db,
            settings,
            user,
            ttl=INVITE_TTL,
            kind="staff_invite",
            subject=gettext("You are invited to the Career Services placement network"),
            introduction=INVITE_INTRODUCTIONS[role],
        )
    audit.record(
        db,
        "user.invited",
        actor=actor,
        object_type="user",
        object_id=user.id,
        detail=role,
        after={"role": role},
    )
    return user
