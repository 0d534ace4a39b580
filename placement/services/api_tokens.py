"""Staff API tokens for the JSON endpoints (`Authorization: Bearer <token>`).

The token is shown once, when it is made; the database keeps its SHA-256 (checked in
web/guards.py) and a short prefix so its owner can recognise it in the list.
"""

from __future__ import annotations

import secrets

from sqlmodel import Session, col, select

from placement.models import ApiToken, User, utcnow
from placement.security import token_hash
from placement.services import DomainError, NotFound, audit

TOKEN_PREFIX = "plc_"
MAX_TOKENS = 20


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


def create_token(db: Session, user: User, name: str, *, ip: str = "") -> tuple[ApiToken, str]:
    """A new token for a staff user: (the row, the raw token to show once)."""
    if user.role not in ("staff", "admin") or not user.active:
        raise DomainError("Only active staff can hold API tokens.")
    name = name.strip()
    if not name:
        raise DomainError("Name the token, e.g. after the script that uses it.", "name")
    if len(name) > 100 or "\x00" in name:
        raise DomainError("Use at most 100 characters.", "name")
    active = [token for token in tokens_of(db, user.id or 0) if token.revoked_at is None]
    if len(active) >= MAX_TOKENS:
        raise DomainError(f"You have {MAX_TOKENS} active tokens: revoke one first.", "name")
    raw = _new_raw_token()
    token = ApiToken(user_id=user.id or 0, name=name, prefix=raw[:12], token_hash=token_hash(raw))
    db.add(token)
    db.flush()
    audit.record(
        db,
        "api_token.created",
        actor_user_id=user.id,
        actor_role=user.role,
        object_type="api_token",
        object_id=token.id,
        detail=f"{name} ({token.prefix}…)",
        ip=ip,
    )
    return token, raw


def revoke_token(db: Session, user: User, token_id: int, *, ip: str = "") -> ApiToken:
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
            actor_user_id=user.id,
            actor_role=user.role,
            object_type="api_token",
            object_id=token.id,
            detail=f"{token.name} ({token.prefix}…)",
            ip=ip,
        )
    return token
