"""Signing in with its limits, signing out, ending every session, passwords."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from placement.config import Settings
from placement.i18n import gettext
from placement.models import (
    OneTimeToken,
    User,
    utcnow,
)
from placement.security import Passwords
from placement.services import Actor, DomainError, api_tokens, audit, limits
from placement.services.accounts.registration import find_user_by_email
from placement.services.limits import RateLimited as RateLimited


def _attempt_keys(email: str, address: str) -> tuple[str, str]:
    return f"account:{email.strip().lower()[:254]}", f"address:{address[:64]}"


def begin_login(db: Session, settings: Settings, email: str, address: str) -> list[int]:
    """Count this sign-in against the account's and the address's limits before any password
    is checked (so a burst cannot run more checks than the limit); commits. Raises
    RateLimited past the limit. The hits stay as failures unless `login_succeeded` runs."""
    limits.prune(db, 24 * 3600)
    account_key, address_key = _attempt_keys(email, address)
    window = settings.login_window_seconds
    return limits.hit(
        db,
        limits.Limit(account_key, settings.login_limit, window),
        limits.Limit(address_key, settings.login_limit, window),
    )


def login_succeeded(db: Session, user: User, email: str, hits: list[int]) -> None:
    """A correct password clears the account's failures and takes this attempt back."""
    limits.release(db, hits)
    limits.clear(db, _attempt_keys(email, "")[0])
    audit.record(
        db,
        "account.signed_in",
        actor=Actor(user_id=user.id, role=user.role),
        object_type="user",
        object_id=user.id,
    )


def login_failed(db: Session, email: str) -> None:
    """A failed sign-in is audited by the account's id when there is one (never the typed
    e-mail: it may be a password typed in the wrong field)."""
    user = find_user_by_email(db, email)
    audit.record(
        db,
        "account.sign_in_failed",
        actor=Actor(user_id=None, role=""),
        object_type="user" if user is not None else "",
        object_id=user.id if user is not None else None,
    )


def sign_out(db: Session, user: User) -> None:
    end_all_sessions(db, user)
    audit.record(
        db,
        "account.signed_out",
        actor=Actor(user_id=user.id, role=user.role),
        object_type="user",
        object_id=user.id,
    )


def authenticate(
    db: Session,
    passwords: Passwords,
    *,
    email: str,
    password: str,
) -> User | None:
    """The user for a correct e-mail and password, None otherwise (one answer for both).

    The caller counts the attempt first (`begin_login`)."""
    user = find_user_by_email(db, email)
    if user is None or not user.active:
        passwords.verify(None, password)
        return None
    if not passwords.verify(user.password_hash, password):
        return None
    if user.password_hash and passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash(password)
    user.last_login_at = utcnow()
    db.add(user)
    return user


def end_all_sessions(db: Session, user: User) -> None:
    """Every cookie issued before now stops working: the version it carries is stale."""
    user.session_version += 1
    db.add(user)


def change_password(
    db: Session, passwords: Passwords, user: User, *, current: str, new: str
) -> None:
    if not passwords.verify(user.password_hash, current):
        raise DomainError(gettext("That is not your current password."), "current_password")
    set_password(db, passwords, user, new)


def set_password(db: Session, passwords: Passwords, user: User, new: str) -> None:
    """A new password: every session ends, every API token and one-time link of the user dies."""
    now = utcnow()
    user.password_hash = passwords.hash(new)
    user.password_changed_at = now
    end_all_sessions(db, user)
    api_tokens.revoke_all(db, user.id or 0)
    db.exec(
        update(OneTimeToken)
        .where(col(OneTimeToken.user_id) == user.id, col(OneTimeToken.used_at).is_(None))
        .values(used_at=now)
    )
    audit.record(
        db,
        "account.password_changed",
        actor=Actor(user_id=user.id, role=user.role),
        object_type="user",
        object_id=user.id,
    )
