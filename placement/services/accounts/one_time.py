"""One-time links: issuing one (stored hashed, replacing older ones), the set-up link's mail, and
finding a usable one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from placement import i18n, links
from placement.config import Settings
from placement.i18n import gettext
from placement.models import (
    OneTimeToken,
    User,
    utcnow,
)
from placement.security import new_token, token_hash
from placement.services import mail
from placement.services.limits import RateLimited as RateLimited


def issue_token(db: Session, user: User, purpose: str, ttl: timedelta) -> str:
    """A new link for `purpose`; every earlier unused link of the user for it dies."""
    now = utcnow()
    db.exec(
        update(OneTimeToken)
        .where(
            col(OneTimeToken.user_id) == user.id,
            col(OneTimeToken.purpose) == purpose,
            col(OneTimeToken.used_at).is_(None),
        )
        .values(used_at=now)
    )
    raw = new_token()
    db.add(
        OneTimeToken(
            user_id=user.id or 0,
            purpose=purpose,
            token_hash=token_hash(raw),
            sent_to=user.email,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    return raw


Wording = str | Callable[[], str]


def send_setup_link(
    db: Session,
    settings: Settings,
    user: User,
    *,
    ttl: timedelta,
    kind: str,
    subject: Wording,
    introduction: Wording,
) -> str:
    """Mail a one-time link to choose a first password (invited colleagues and staff, roster
    graduates claiming their account); returns the link. Earlier links of the user die.

    The mail is worded in the account's language: pass `subject` and `introduction` as
    functions that word them (`lambda: gettext("…", name=…)`), called in that language."""
    raw = issue_token(db, user, "invite", ttl)
    link = links.url(settings, "account_setup", token=raw)
    with i18n.using(user.language):
        mail.queue(
            db,
            settings,
            to_email=user.email,
            to_user_id=user.id,
            kind=kind,
            subject=subject() if callable(subject) else subject,
            body=gettext(
                "Hello %(name)s,\n\n%(introduction)s\n\n"
                "Choose your password within %(days)s days with this link (it works once):\n\n"
                "%(link)s\n\nIf you did not expect this, ignore this message.\n",
                name=user.name,
                introduction=introduction() if callable(introduction) else introduction,
                days=ttl.days,
                link=link,
            ),
        )
    return link


def find_token(db: Session, raw: str, purpose: str) -> tuple[OneTimeToken, User] | None:
    """A usable link and its user: unused, unexpired, not replaced by a newer link, sent to
    the account's present e-mail and older than its last password change (and, for a reset,
    its last sign-in); an invitation also dies once the account has a password."""
    if not raw or len(raw) > 100:
        return None
    token = db.exec(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == token_hash(raw), OneTimeToken.purpose == purpose
        )
    ).first()
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    user = db.get(User, token.user_id)
    if user is None or not user.active:
        return None
    if token.sent_to is not None and token.sent_to != user.email:
        return None
    # A password change ends set-up and reset links; confirming an address is not about it.
    if purpose != "confirm" and _newer_than(token.created_at, user.password_changed_at):
        return None
    if purpose == "reset" and _newer_than(token.created_at, user.last_login_at):
        return None
    if purpose == "invite" and user.password_hash is not None:
        return None
    return token, user


def _newer_than(created: datetime, *moments: datetime | None) -> bool:
    return any(moment is not None and moment > created for moment in moments)
