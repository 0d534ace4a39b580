"""The link itself: its limits, issuing one (stored hashed, voiding the older ones), finding it
(None for a wrong, used, replaced or expired link alike) and claiming it once."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta

from sqlmodel import Session, col, select, update

from placement.db import reset_write_intent, set_write_intent
from placement.i18n import gettext
from placement.models import (
    Graduate,
    LinkPurpose,
    OutcomeLink,
    Placement,
    utcnow,
)
from placement.security import new_token, token_hash
from placement.services import (
    Actor,
    Conflict,
    DomainError,
    limits,
)

LINK_TTL = timedelta(days=30)
SUSTAINED_AFTER_DAYS = 90
MAX_RECIPIENTS = 20
# Per client address, over both kinds of link: enough for a person, not for guessing.
LINK_LIMIT = 30
LINK_WINDOW_SECONDS = 600
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SURVEY_STATUSES = ("employed", "seeking", "continuing_education", "military", "not_seeking")
CONTACT_ROLE = "contact"  # the audit's role for an employer's contact answering a link
VERIFICATION_KIND = "placement.verification_request"
SURVEY_KIND = "graduate.survey"


class RateLimited(limits.RateLimited):
    pass


def check_link_limit(db: Session, address: str) -> None:
    """Count one use of a link page from `address`; RateLimited past the limit.

    Commits the session (limits.hit): call it before anything else in the request.
    """
    # A GET counts too (guessing tokens is done by looking): its transaction must take the
    # write lock at its start, or SQLite refuses the upgrade from a read lock under a burst.
    intent = set_write_intent(True)
    try:
        limits.hit(db, limits.Limit(f"outcome-link:{address}", LINK_LIMIT, LINK_WINDOW_SECONDS))
    except limits.RateLimited as limited:
        raise RateLimited(limited.retry_after) from None
    finally:
        reset_write_intent(intent)


def _email(value: str | None) -> str:
    email = (value or "").strip().lower()
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise DomainError(
            gettext("Enter an e-mail address like name@example.com."), "contact_email"
        )
    return email


def _issue(
    db: Session,
    actor: Actor,
    *,
    purpose: LinkPurpose,
    graduate_id: int,
    placement_id: int | None,
    recipients: Sequence[str],
    sustained: bool = False,
    make_token: Callable[[], str] = new_token,
) -> list[tuple[str, str]]:
    """New links, one per recipient, as (e-mail, raw token); the earlier unused links of
    the same placement (verification) or graduate (survey) die."""
    now = utcnow()
    _void_others(db, purpose, graduate_id=graduate_id, placement_id=placement_id)
    issued = []
    for email in recipients:
        raw = make_token()
        db.add(
            OutcomeLink(
                purpose=purpose,
                graduate_id=graduate_id,
                placement_id=placement_id,
                token_hash=token_hash(raw),
                sent_to=email,
                requested_by=actor.user_id,
                created_at=now,
                expires_at=now + LINK_TTL,
                sustained=sustained,
            )
        )
        issued.append((email, raw))
    db.flush()
    return issued


def _void_others(
    db: Session,
    purpose: str,
    *,
    graduate_id: int,
    placement_id: int | None,
    keep: int | None = None,
) -> None:
    scope = (
        col(OutcomeLink.placement_id) == placement_id
        if purpose == LinkPurpose.VERIFICATION
        else col(OutcomeLink.graduate_id) == graduate_id
    )
    statement = update(OutcomeLink).where(
        col(OutcomeLink.purpose) == purpose, scope, col(OutcomeLink.used_at).is_(None)
    )
    if keep is not None:
        statement = statement.where(col(OutcomeLink.id) != keep)
    db.exec(statement.values(used_at=utcnow()))


def find_link(db: Session, raw: str, purpose: str) -> OutcomeLink | None:
    """A usable link: known, of this purpose, unused and unexpired; None for anything else."""
    if not raw or len(raw) > 100 or not raw.isascii():
        return None
    link = db.exec(
        select(OutcomeLink).where(
            OutcomeLink.token_hash == token_hash(raw), OutcomeLink.purpose == purpose
        )
    ).first()
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    graduate = db.get(Graduate, link.graduate_id)
    if graduate is None or graduate.deleted_at is not None:
        return None
    if purpose == LinkPurpose.VERIFICATION and (
        link.placement_id is None or db.get(Placement, link.placement_id) is None
    ):
        return None
    return link


def _claim(db: Session, link: OutcomeLink, answer: str, detail: Mapping[str, object]) -> None:
    """Use the link once: a conditional update, so of two answers at once one wins and the
    other finds the link used (Conflict, shown as the invalid-link page)."""
    now = utcnow()
    result = db.exec(
        update(OutcomeLink)
        .where(col(OutcomeLink.id) == link.id, col(OutcomeLink.used_at).is_(None))
        .values(used_at=now, answer=answer, answer_detail=json.dumps(detail, default=str)[:4000])
    )
    if result.rowcount != 1:
        raise Conflict(gettext("This link was used already."))
    _void_others(
        db,
        link.purpose,
        graduate_id=link.graduate_id,
        placement_id=link.placement_id,
        keep=link.id,
    )
    db.refresh(link)
