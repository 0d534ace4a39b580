"""Confirming an account's e-mail: the mail (with its limit), and the link's use."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from placement import i18n, links
from placement.config import Settings
from placement.i18n import gettext
from placement.models import (
    OneTimeToken,
    User,
    utcnow,
)
from placement.services import Actor, audit, limits, mail
from placement.services.accounts.one_time import find_token, issue_token
from placement.services.limits import RateLimited as RateLimited

CONFIRM_TTL = timedelta(days=7)
CONFIRM_MAIL_LIMIT = 3
CONFIRM_MAIL_WINDOW_SECONDS = 3600


def resend_confirmation(db: Session, settings: Settings, user: User) -> bool:
    """Another confirmation link, at most CONFIRM_MAIL_LIMIT an hour per account (raises
    RateLimited beyond; commits the hit first, see limits.hit). False when the address is
    confirmed already (nothing sent)."""
    if user.email_confirmed_at is not None:
        return False
    limits.hit(
        db,
        limits.Limit(f"confirm:{user.id}", CONFIRM_MAIL_LIMIT, CONFIRM_MAIL_WINDOW_SECONDS),
    )
    send_confirmation(db, settings, user)
    return True


def send_confirmation(db: Session, settings: Settings, user: User) -> None:
    """Mail a single-use link (`GET /account/confirm/{token}`, CONFIRM_TTL) that proves the
    account's owner reads its address; an earlier link of the account dies."""
    if user.email_confirmed_at is not None:
        return
    raw = issue_token(db, user, "confirm", CONFIRM_TTL)
    with i18n.using(user.language):
        mail.queue(
            db,
            settings,
            to_email=user.email,
            to_user_id=user.id,
            kind="account.confirm",
            subject=gettext("Confirm your e-mail address for the placement network"),
            body=gettext(
                "Hello %(name)s,\n\nPlease confirm that this address belongs to you: career "
                "services checks it before approving your organisation. Open this link within "
                "%(days)s days (it works once):\n\n%(link)s\n\n"
                "If you did not register on the career services placement network, ignore this "
                "message.\n",
                name=user.name or user.email,
                days=CONFIRM_TTL.days,
                link=links.url(settings, "confirm_email", token=raw),
            ),
        )


def confirm_email(db: Session, raw: str) -> User | None:
    """Use a confirmation link: the account's address is confirmed and the link dies. None for
    a link that is unknown, used, expired, replaced or sent to an address the account no
    longer has (the caller answers all of them alike)."""
    found = find_token(db, raw, "confirm")
    if found is None:
        return None
    token, user = found
    now = utcnow()
    used = db.exec(
        update(OneTimeToken)
        .where(col(OneTimeToken.id) == token.id, col(OneTimeToken.used_at).is_(None))
        .values(used_at=now)
    )
    if used.rowcount != 1:
        return None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
        db.add(user)
        audit.record(
            db,
            "account.email_confirmed",
            actor=Actor(user_id=user.id, role=user.role),
            object_type="user",
            object_id=user.id,
            detail=user.email,
        )
    return user
