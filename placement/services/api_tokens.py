"""Staff API tokens for the JSON endpoints (`Authorization: Bearer <token>`).

The token is shown once, when it is made; the database keeps its SHA-256 (checked in
web/guards.py) and a short prefix so its owner can recognise it in the list.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from placement.db import atomic
from placement.i18n import gettext
from placement.models import ApiToken, User, utcnow
from placement.security import token_hash
from placement.services import Actor, DomainError, NotFound, audit

TOKEN_PREFIX = "plc_"
MAX_TOKENS = 20
EXPIRES_IN_DAYS_DEFAULT = 90
EXPIRES_IN_DAYS_MAX = 365


def _new_raw_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def tokens_of(db: Session, user_id: int) -> list[ApiToken]:
    return list(
        db.exec(
            select(ApiToken)
            .where(ApiToken.user_id == user_id)
            .order_by(col(ApiToken.revoked_at).is_not(None), col(ApiToken.created_at).desc())
        ).all()
    )


@atomic
def create_token(
    db: Session,
    user: User,
    name: str,
    *,
    expires_in_days: int = EXPIRES_IN_DAYS_DEFAULT,
) -> tuple[ApiToken, str]:
    """A new token for a staff user: (the row, the raw token to show once)."""
    if user.role not in ("staff", "admin") or not user.active:
        raise DomainError(gettext("Only active staff can hold API tokens."))
    name = name.strip()
    if not name:
        raise DomainError(gettext("Name the token, e.g. after the script that uses it."), "name")
    if len(name) > 100 or "\x00" in name:
        raise DomainError(gettext("Use at most %(max)s characters.", max=100), "name")
    if not 1 <= expires_in_days <= EXPIRES_IN_DAYS_MAX:
        raise DomainError(
            gettext("Choose from 1 to %(max)s days.", max=EXPIRES_IN_DAYS_MAX), "expires_in_days"
        )
    now = utcnow()
    active = [token for token in tokens_of(db, user.id or 0) if is_live(token)]
    if len(active) >= MAX_TOKENS:
        raise DomainError(
            gettext("You have %(max)s active tokens: revoke one first.", max=MAX_TOKENS), "name"
        )
    raw = _new_raw_token()
    token = ApiToken(
        user_id=user.id or 0,
        name=name,
        prefix=raw[:12],
        token_hash=token_hash(raw),
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days),
    )
    db.add(token)
    db.flush()
    audit.record(
        db,
        "api_token.created",
        actor=Actor(user_id=user.id, role=user.role),
        object_type="api_token",
        object_id=token.id,
        detail=f"{token.prefix}…",
        after={"expires_in_days": expires_in_days},
    )
    return token, raw


def is_live(token: ApiToken) -> bool:
    return token.revoked_at is None and token.expires_at > utcnow()


def user_for_token(db: Session, raw: str) -> User | None:
    """The active staff owner of a live token (recording the use), or None.

    A token dies when it expires, is revoked, or when its owner's password changed after it
    was made (changes and resets also revoke, this covers any other path) or the owner is
    deactivated."""
    if not raw or len(raw) > 200:
        return None
    api_token = db.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(raw))).first()
    if api_token is None or not is_live(api_token):
        return None
    user = db.get(User, api_token.user_id)
    if user is None or not user.active or user.role not in ("staff", "admin"):
        return None
    if user.password_changed_at is not None and user.password_changed_at > api_token.created_at:
        return None
    api_token.last_used_at = utcnow()
    db.add(api_token)
    audit.record(
        db,
        "api_token.used",
        actor=Actor(user_id=user.id, role=user.role),
        object_type="api_token",
        object_id=api_token.id,
    )
    return user


def revoke_all(db: Session, user_id: int) -> None:
    """Every live token of the user dies (password change or reset, deactivation)."""
    db.exec(
        update(ApiToken)
        .where(col(ApiToken.user_id) == user_id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_token(db: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; anyone else's id is NotFound."""
    token = db.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.add(token)
        audit.record(
            db,
            "api_token.revoked",
            actor=Actor(user_id=user.id, role=user.role),
            object_type="api_token",
            object_id=token.id,
            detail=f"{token.prefix}…",
        )
    return token
