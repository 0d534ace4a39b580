"""Duplicate graduate records: finding the pairs that look like one person, and merging one
into the other.

Candidates: the same normalised name (case, accents, spacing and punctuation ignored) and
graduation date; the same e-mail (the record's or its account's, ignoring case); the same
student id ignoring case (a roster id and another record's claim).

`merge(removed → kept)` runs in the caller's one transaction: every row that belongs to a
graduate (applications with their conversations and history, credentials, modalities,
placements with their evidence and links, referrals, invitations, saved searches…) moves to
the kept record. Rows are found through the foreign keys of the metadata, so a table added
later moves too; where a unique constraint would be broken the kept record's row stays and
the other goes — except for applications (two applications to one position become the
furthest-advanced one, the other's messages, events, interviews, offers and notes moving
into it) and placements (the same placement twice becomes one, its evidence kept). The
removed record stays as a stub (`merged_into_id`) for the history and counts nowhere.
Merging two roster records with different student ids needs staff's explicit confirmation.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Index,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
    and_,
    delete,
    exists,
    update,
)
from sqlmodel import Session, col, select

from placement.db import metadata
from placement.i18n import N_, gettext
from placement.models import (
    Application,
    Graduate,
    GraduateModality,
    OutcomeStatus,
    Placement,
    Referral,
    User,
    utcnow,
)
from placement.services import Actor, Conflict, DomainError, NotFound, audit, changes
from placement.services import placements as placement_service

MAX_PAIRS = 500
# How far an application got: of two applications to one position, the further one stays.
STAGE_RANK = {
    "hired": 6,
    "offer": 5,
    "interview": 4,
    "screening": 3,
    "submitted": 2,
    "withdrawn": 1,
    "rejected": 1,
}


def normalised_name(first: str, last: str) -> str:
    text = unicodedata.normalize("NFKD", f"{first} {last}".casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


@dataclass
class Candidate:
    """Two records that look like one person, and why."""

    first: Graduate
    second: Graduate
    reasons: list[str] = field(default_factory=list)

    @property
    def both_roster_with_different_ids(self) -> bool:
        return different_student_ids(self.first, self.second)


def different_student_ids(a: Graduate, b: Graduate) -> bool:
    return (
        a.student_id is not None
        and b.student_id is not None
        and a.student_id.strip().casefold() != b.student_id.strip().casefold()
    )


def candidates(db: Session, limit: int = MAX_PAIRS) -> list[Candidate]:
    """Pairs of live records (not deleted, not merged) that look like one person."""
    rows = db.exec(
        select(Graduate, User.email)
        .outerjoin(User, col(User.id) == Graduate.user_id)
        .where(col(Graduate.deleted_at).is_(None), col(Graduate.merged_into_id).is_(None))
        .order_by(col(Graduate.id))
    ).all()
    groups: dict[tuple[str, str], list[Graduate]] = defaultdict(list)
    for graduate, account_email in rows:
        name = normalised_name(graduate.first_name, graduate.last_name)
        if name and graduate.graduation_date is not None:
            same = f"{name}|{graduate.graduation_date}"
            groups[(N_("same name and graduation date"), same)].append(graduate)
        emails = {e.strip().casefold() for e in (graduate.email, account_email or "") if e}
        for email in emails:
            groups[(N_("same e-mail"), email)].append(graduate)
        ids = {
            i.strip().casefold() for i in (graduate.student_id, graduate.claimed_student_id) if i
        }
        for student_id in ids:
            groups[(N_("same student ID"), student_id)].append(graduate)
    pairs: dict[tuple[int, int], Candidate] = {}
    for (reason, _key), members in groups.items():
        unique = {member.id: member for member in members}
        if len(unique) < 2:
            continue
        for a, b in itertools.combinations(sorted(unique.values(), key=lambda g: g.id or 0), 2):
            key = (a.id or 0, b.id or 0)
            pair = pairs.setdefault(key, Candidate(a, b))
            if reason not in pair.reasons:
                pair.reasons.append(reason)
    return [pairs[key] for key in sorted(pairs)][:limit]


# -- the merge -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeResult:
    kept_id: int
    removed_id: int
    moved: dict[str, int]


def _references(target: str) -> list[tuple[Table, Any]]:
    """(table, column) of every foreign key to `target`.id."""
    found = []
    for table in metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == target and fk.column.name == "id":
                found.append((table, fk.parent))
    return found


def _unique_sets(table: Table, column: Any) -> list[list[Any]]:
    """The other columns of each unique constraint, unique index or primary key that
    includes `column` (an empty list: `column` is unique on its own)."""
    sets = []
    constraints: list[Any] = [
        c for c in table.constraints if isinstance(c, (UniqueConstraint, PrimaryKeyConstraint))
    ]
    constraints += [i for i in table.indexes if isinstance(i, Index) and i.unique]
    for constraint in constraints:
        columns = list(constraint.columns)
        if column in columns:
            sets.append([c for c in columns if c is not column])
    return sets


def _repoint(db: Session, target: str, old: int, new: int) -> dict[str, int]:
    """Move every row referencing `target` #old to #new. Where that would break a unique
    constraint against a row of #new, #new's row stays: the other row loses the reference
    when the column is unique on its own and nullable (a placement's application), and is
    deleted otherwise (a second modality row, a second invitation to one position…).
    Counts the moved rows per table."""
    moved: dict[str, int] = {}
    for table, column in _references(target):
        for others in _unique_sets(table, column):
            twin = table.alias("twin")
            same = and_(twin.c[column.name] == new, *(twin.c[c.name] == c for c in others))
            clash = and_(column == old, exists().where(same))
            if not others and column.nullable:
                db.execute(update(table).where(clash).values({column.name: None}))
            else:
                db.execute(delete(table).where(clash))
        result = db.execute(update(table).where(column == old).values({column.name: new}))
        count = int(getattr(result, "rowcount", 0) or 0)
        if count:
            moved[table.name] = moved.get(table.name, 0) + count
    return moved


def _merge_applications(db: Session, removed: int, kept: int) -> int:
    """Two applications to one position become the furthest-advanced one (the kept record's
    on a tie); everything of the other moves into it. How many were folded."""
    mine = {
        a.position_id: a
        for a in db.exec(select(Application).where(Application.graduate_id == kept)).all()
    }
    folded = 0
    for theirs in db.exec(select(Application).where(Application.graduate_id == removed)).all():
        ours = mine.get(theirs.position_id)
        if ours is None:
            continue
        if STAGE_RANK.get(theirs.stage, 0) > STAGE_RANK.get(ours.stage, 0):
            winner, loser = theirs, ours
        else:
            winner, loser = ours, theirs
        _repoint(db, "application", loser.id or 0, winner.id or 0)
        db.delete(loser)
        db.flush()
        if winner is theirs:
            # Its graduate changes below with the rest; the kept record's old one is gone.
            mine[theirs.position_id] = theirs
        folded += 1
    return folded


def _merge_placements(db: Session, removed: int, kept: int) -> int:
    """Each placement of the removed record becomes the kept record's; the same placement
    on both (by its dedupe key) becomes one, its evidence and links moved to it."""
    folded = 0
    for placement in db.exec(select(Placement).where(Placement.graduate_id == removed)).all():
        key = placement_service.dedupe_key(
            kept,
            position_id=placement.position_id,
            employer_name=placement.employer_name,
            job_title=placement.job_title,
            start_date=placement.start_date,
        )
        twin = db.exec(
            select(Placement).where(Placement.dedupe_key == key, Placement.id != placement.id)
        ).first()
        if twin is None:
            placement.graduate_id = kept
            placement.dedupe_key = key
            db.add(placement)
            continue
        if twin.verified_at is None and placement.verified_at is not None:
            twin.verification_method = placement.verification_method
            twin.verification_note = placement.verification_note
            twin.verified_at = placement.verified_at
            twin.verified_by = placement.verified_by
        twin.reverified_at = twin.reverified_at or placement.reverified_at
        if twin.application_id is None and placement.application_id is not None:
            application_id = placement.application_id
            placement.application_id = None
            db.add(placement)
            db.flush()
            twin.application_id = application_id
        db.add(twin)
        _repoint(db, "placement", placement.id or 0, twin.id or 0)
        db.delete(placement)
        db.flush()
        folded += 1
    db.flush()
    return folded


def _merge_referrals(db: Session, removed: int, kept: int) -> None:
    """An open referral keeps its "position:graduate" key under the kept record; of two open
    referrals to one position, the kept record's stays open."""
    for referral in db.exec(
        select(Referral).where(
            Referral.graduate_id == removed, col(Referral.open_pair).is_not(None)
        )
    ).all():
        pair = f"{referral.position_id}:{kept}"
        taken = db.exec(select(Referral.id).where(Referral.open_pair == pair)).first()
        if taken is None:
            referral.open_pair = pair
        else:
            referral.open_pair = None
            referral.status = "declined"
            referral.decline_reason = "Closed when two records of one graduate were merged."
        db.add(referral)
    db.flush()


def _absorb(kept: Graduate, removed: Graduate, db: Session) -> dict[str, Any]:
    """Fields the kept record lacks and the removed one has; returns what changed."""
    changed: dict[str, Any] = {}
    if kept.student_id is None and removed.student_id is not None:
        student_id = removed.student_id
        removed.student_id = None
        db.add(removed)
        db.flush()  # the unique student key moves: free it first
        kept.student_id = student_id
        changed["student_id"] = student_id
    if kept.user_id is None and removed.user_id is not None:
        user_id = removed.user_id
        removed.user_id = None
        db.add(removed)
        db.flush()
        kept.user_id = user_id
        changed["user_id"] = user_id
    for name in ("email", "program", "zip", "bio"):
        if not getattr(kept, name) and getattr(removed, name):
            setattr(kept, name, getattr(removed, name))
            changed[name] = getattr(removed, name)
    for name in ("graduation_date", "cohort", "verified_at", "verified_by", "pay_expectation"):
        if getattr(kept, name) is None and getattr(removed, name) is not None:
            setattr(kept, name, getattr(removed, name))
            changed[name] = getattr(removed, name)
    if (
        kept.outcome_status == OutcomeStatus.UNKNOWN
        and removed.outcome_status != OutcomeStatus.UNKNOWN
    ):
        kept.outcome_status = removed.outcome_status
        kept.unavailable_reason = removed.unavailable_reason
        changed["outcome_status"] = removed.outcome_status
    return changed


def merge(
    db: Session,
    actor: Actor,
    *,
    graduate_id: int,
    into: int,
    confirmed: bool = False,
) -> MergeResult:
    """Merge record `graduate_id` into record `into` (kept), in the caller's transaction."""
    if graduate_id == into:
        raise DomainError(
            gettext("Choose another record to keep: a record cannot merge into itself."), "into"
        )
    removed = db.get(Graduate, graduate_id)
    if removed is None:
        raise NotFound
    kept = db.get(Graduate, into)
    if kept is None:
        raise DomainError(gettext("There is no graduate #%(number)s.", number=into), "into")
    for record in (removed, kept):
        if record.merged_into_id is not None:
            raise Conflict(
                gettext(
                    "Record #%(number)s was already merged into #%(into)s.",
                    number=record.id,
                    into=record.merged_into_id,
                )
            )
        if record.deleted_at is not None:
            raise DomainError(
                gettext("Record #%(number)s belongs to a deleted account.", number=record.id),
                "into",
            )
    needs_confirmation = different_student_ids(removed, kept)
    if needs_confirmation and not confirmed:
        raise DomainError(
            gettext(
                "Both are roster records with different student ids (%(first)s and %(second)s). "
                "Check that they are one person, then confirm the merge.",
                first=removed.student_id,
                second=kept.student_id,
            ),
            "confirm",
        )
    # Claim the removed record first: of two merges at once, one wins, the other is refused.
    claimed = db.execute(
        update(Graduate)
        .where(col(Graduate.id) == graduate_id, col(Graduate.merged_into_id).is_(None))
        .values(merged_into_id=into, merged_at=utcnow())
    )
    if int(getattr(claimed, "rowcount", 0) or 0) != 1:
        raise Conflict(gettext("This record was merged a moment ago by someone else."))
    db.refresh(removed)
    before = {
        "kept": {"id": kept.id, "student_id": kept.student_id, "user_id": kept.user_id},
        "removed": {"id": removed.id, "student_id": removed.student_id, "user_id": removed.user_id},
    }
    folded_applications = _merge_applications(db, graduate_id, into)
    folded_placements = _merge_placements(db, graduate_id, into)
    _merge_referrals(db, graduate_id, into)
    # Modalities: the higher proficiency of the two stays.
    for theirs in db.exec(
        select(GraduateModality).where(GraduateModality.graduate_id == graduate_id)
    ).all():
        ours = db.get(GraduateModality, (into, theirs.code))
        if ours is not None and theirs.proficiency > ours.proficiency:
            ours.proficiency = theirs.proficiency
            db.add(ours)
    db.flush()
    moved = _repoint(db, "graduate", graduate_id, into)
    db.expire_all()
    kept = db.get(Graduate, into)
    removed = db.get(Graduate, graduate_id)
    assert kept is not None and removed is not None
    absorbed = _absorb(kept, removed, db)
    if removed.user_id is not None:
        # Two logins for one person: the kept record's stays, the other is closed.
        user = db.get(User, removed.user_id)
        if user is not None:
            user.active = False
            user.session_version += 1
            db.add(user)
        removed.user_id = None
    removed.visibility = "private"
    removed.seeking = "not_seeking"
    removed.updated_at = kept.updated_at = utcnow()
    kept.version += 1
    db.add(removed)
    db.add(kept)
    db.flush()
    changes.graduate_changed(db, into)
    changes.graduate_changed(db, graduate_id)
    moved = {
        **moved,
        "applications_folded": folded_applications,
        "placements_folded": folded_placements,
    }
    audit.record(
        db,
        "graduate.merged",
        actor=actor,
        object_type="graduate",
        object_id=into,
        detail=f"graduate #{graduate_id} merged into #{into}"
        + (" (different student ids, confirmed by staff)" if needs_confirmation else ""),
        before=before,
        after={"moved": moved, "absorbed": sorted(absorbed)},
    )
    return MergeResult(kept_id=into, removed_id=graduate_id, moved=moved)


__all__ = ["Candidate", "MergeResult", "candidates", "merge", "normalised_name"]
