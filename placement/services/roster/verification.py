"""Staff verifying a graduate against the school's roster."""

from __future__ import annotations

from sqlmodel import Session

from placement.db import atomic
from placement.i18n import gettext
from placement.models import Graduate, utcnow
from placement.services import Actor, Conflict, NotFound, audit, changes, identity


@atomic
def verify_graduate(db: Session, actor: Actor, graduate_id: int) -> Graduate:
    """Staff confirm the graduate against the school's roster."""
    graduate = db.get(Graduate, graduate_id)
    if graduate is None or graduate.deleted_at is not None:
        raise NotFound
    if graduate.verified_at is not None:
        raise Conflict(gettext("This graduate is already verified."))
    identity.confirm_claim(db, graduate)  # the claimed id becomes theirs, unless it is taken
    before = {"verified_at": None, "verified_by": None}
    graduate.verified_at = utcnow()
    graduate.verified_by = actor.user_id
    graduate.updated_at = utcnow()
    graduate.version += 1
    db.add(graduate)
    changes.graduate_changed(db, graduate.id)
    audit.record(
        db,
        "graduate.verified",
        actor=actor,
        object_type="graduate",
        object_id=graduate.id,
        before=before,
        after={"verified_at": graduate.verified_at, "verified_by": actor.user_id},
    )
    return graduate
