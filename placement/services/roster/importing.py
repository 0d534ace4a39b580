"""Importing the parsed roster: the rows matched to the database (by student_id, case-insensitive;
an e-mail that belongs to someone else refused), graduates created or updated in place, the
account invitations, and the import's record for its page."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from placement import i18n
from placement.config import Settings
from placement.db import atomic
from placement.i18n import gettext, ngettext
from placement.models import AuditEvent, Graduate, User, utcnow
from placement.services import Actor, Conflict, accounts, audit, changes
from placement.services.roster.parsing import RosterRow, RowError, parse

MAX_LOGGED_ERRORS = 500
INVITE_TTL = timedelta(days=30)


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    imported: bool = False
    # The audit event that records this import: the import's page is shown from it.
    event_id: int | None = None

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        if not self.imported:
            count = len(self.errors)
            return ngettext(
                "Nothing imported: %(num)s problem in the file. "
                "Correct the rows (or skip the bad ones) and import again.",
                "Nothing imported: %(num)s problems in the file. "
                "Correct the rows (or skip the bad ones) and import again.",
                count,
            )
        counts = {"new": self.created, "updated": self.updated, "unchanged": self.unchanged}
        if not self.skipped:
            return ngettext(
                "Imported %(num)s graduate: %(new)s new, %(updated)s updated, "
                "%(unchanged)s unchanged.",
                "Imported %(num)s graduates: %(new)s new, %(updated)s updated, "
                "%(unchanged)s unchanged.",
                self.rows,
                **counts,
            )
        imported = ngettext(
            "Imported %(num)s graduate: %(new)s new, %(updated)s updated, %(unchanged)s unchanged",
            "Imported %(num)s graduates: %(new)s new, %(updated)s updated, %(unchanged)s unchanged",
            self.rows,
            **counts,
        )
        return ngettext(
            "%(imported)s; %(num)s bad row skipped.",
            "%(imported)s; %(num)s bad rows skipped.",
            self.skipped,
            imported=imported,
        )


def _conflicts_with_database(
    db: Session, rows: list[RosterRow]
) -> tuple[dict[str, Graduate], list[RowError]]:
    """The graduates the rows update (by student_id), and rows whose e-mail belongs to someone
    else. Three queries for the whole file."""
    existing: dict[str, Graduate] = {}
    # Case-insensitive student_id: "s001" and "S001" are the same student.
    for chunk in _chunks(sorted({row.student_id.lower() for row in rows})):
        for record in db.exec(select(Graduate).where(col(Graduate.student_key).in_(chunk))).all():
            existing[(record.student_id or "").lower()] = record
    emails = [row.email for row in rows]
    users: dict[str, int] = {}
    graduates_by_email: dict[str, tuple[int, str | None]] = {}
    for chunk in _chunks(emails):
        for user_id, email in db.exec(
            select(User.id, User.email).where(col(User.email).in_(chunk))
        ):
            users[email] = int(user_id or 0)
        for graduate_id, email, student_id in db.exec(
            select(Graduate.id, Graduate.email, Graduate.student_id).where(
                col(Graduate.email).in_(chunk), col(Graduate.deleted_at).is_(None)
            )
        ):
            graduates_by_email[email] = (int(graduate_id or 0), student_id)
    # A self-registered account with the row's e-mail that claims the row's id is the same
    # person: the row becomes its roster record. With another e-mail it never is (the row is
    # imported as its own record and the claim waits for staff among the conflicts).
    claimants: dict[str, Graduate] = {}
    for chunk in _chunks(emails):
        for found in db.exec(
            select(Graduate).where(
                col(Graduate.email).in_(chunk),
                col(Graduate.student_id).is_(None),
                col(Graduate.claimed_student_id).is_not(None),
                col(Graduate.deleted_at).is_(None),
            )
        ).all():
            claimants[found.email] = found
    errors: list[RowError] = []
    for row in rows:
        graduate = existing.get(row.student_id.lower())
        owner = users.get(row.email)
        claimant = claimants.get(row.email)
        if (
            graduate is None
            and claimant is not None
            and owner is not None
            and claimant.user_id == owner
            and (claimant.claimed_student_id or "").lower() == row.student_id.lower()
        ):
            existing[row.student_id.lower()] = graduate = claimant
        if owner is not None and (graduate is None or graduate.user_id != owner):
            errors.append(
                RowError(
                    row.line,
                    gettext(
                        "The e-mail %(email)s is already used by another account.", email=row.email
                    ),
                )
            )
            continue
        holder = graduates_by_email.get(row.email)
        if holder is not None and (graduate is None or graduate.id != holder[0]):
            errors.append(
                RowError(
                    row.line,
                    gettext(
                        "The e-mail %(email)s already belongs to the graduate with student_id "
                        "%(id)s.",
                        email=row.email,
                        id=holder[1] or gettext("(none)"),
                    ),
                )
            )
    return existing, errors


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


@atomic
def import_roster(
    db: Session,
    settings: Settings,
    data: bytes,
    *,
    skip_bad_rows: bool,
    actor: Actor,
) -> ImportResult:
    """Import the roster CSV (columns COLUMNS). With any bad row nothing is imported unless
    `skip_bad_rows`; then the good rows are and the bad ones are reported all the same."""
    rows, errors = parse(data)
    result = ImportResult()
    fatal = any(error.line == 1 for error in errors)
    existing, conflicts = ({}, []) if fatal or not rows else _conflicts_with_database(db, rows)
    errors.extend(conflicts)
    errors.sort(key=lambda error: error.line)
    result.errors = errors
    if fatal or (errors and not skip_bad_rows):
        return result
    bad_lines = {error.line for error in errors}
    good = [row for row in rows if row.line not in bad_lines]
    result.skipped = len({error.line for error in errors})
    try:
        with db.begin_nested():
            for row in good:
                graduate = existing.get(row.student_id.lower())
                if graduate is None:
                    _create(db, settings, row, actor.user_id)
                    result.created += 1
                elif graduate.deleted_at is not None:
                    result.unchanged += 1  # an account deleted on request stays anonymised
                elif _update(db, settings, graduate, row, actor.user_id):
                    result.updated += 1
                else:
                    result.unchanged += 1
            db.flush()
    except IntegrityError:
        raise Conflict(
            gettext(
                "Another import or registration changed these graduates at the same time: "
                "import the file again."
            )
        ) from None
    result.imported = True
    event = audit.record(
        db,
        "roster.imported",
        actor=actor,
        object_type="roster",
        detail=result.summary(),
        after={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "skipped": result.skipped,
            "error_count": len(errors),
            "errors": [[e.line, e.message] for e in errors[:MAX_LOGGED_ERRORS]],
        },
    )
    db.flush()
    result.event_id = event.id
    return result


def past_import(db: Session, event_id: int) -> tuple[ImportResult, int] | None:
    """An earlier import as its audit event recorded it, with the number of bad rows (only
    the first MAX_LOGGED_ERRORS are kept with their lines); None for any other event."""
    event = db.get(AuditEvent, event_id)
    if event is None or event.action != "roster.imported" or not event.after:
        return None
    try:
        record = json.loads(event.after)
        result = ImportResult(
            errors=[RowError(int(line), str(message)) for line, message in record["errors"]],
            created=int(record["created"]),
            updated=int(record["updated"]),
            unchanged=int(record["unchanged"]),
            skipped=int(record["skipped"]),
            imported=True,
            event_id=event.id,
        )
        return result, int(record.get("error_count", len(result.errors)))
    except (ValueError, KeyError, TypeError):
        return None


def _create(
    db: Session,
    settings: Settings,
    row: RosterRow,
    actor_user_id: int | None,
) -> Graduate:
    user = User(
        email=row.email,
        role="graduate",
        name=f"{row.first_name} {row.last_name}",
        password_hash=None,
    )
    db.add(user)
    db.flush()
    graduate = Graduate(
        user_id=user.id,
        first_name=row.first_name,
        last_name=row.last_name,
        email=row.email,
        student_id=row.student_id,
        program=row.program,
        graduation_date=row.graduation_date,
        cohort=row.graduation_date.year,
        training_hours=row.training_hours,
        clinical_hours=row.clinical_hours or 0,
        verified_at=utcnow(),
        verified_by=actor_user_id,
    )
    db.add(graduate)
    db.flush()
    changes.graduate_changed(db, graduate.id)
    _invite(db, settings, user)
    return graduate


def _invite(db: Session, settings: Settings, user: User) -> None:
    # Worded in the graduate's language (the whole mail: send_setup_link words the rest).
    with i18n.using(user.language):
        accounts.send_setup_link(
            db,
            settings,
            user,
            ttl=INVITE_TTL,
            kind="roster_invite",
            subject=gettext("Your account on the school's placement network"),
            introduction=gettext(
                "Career services added you to the school's placement network, where employers "
                "post medical massage positions and staff refer graduates to them. Claim your "
                "account by choosing a password."
            ),
        )


def _update(
    db: Session,
    settings: Settings,
    graduate: Graduate,
    row: RosterRow,
    actor_user_id: int | None,
) -> bool:
    """Bring the roster fields up to date; True when anything changed."""
    wanted = {
        "first_name": row.first_name,
        "last_name": row.last_name,
        "program": row.program,
        "graduation_date": row.graduation_date,
        "cohort": row.graduation_date.year,
        "training_hours": row.training_hours,
    }
    if row.clinical_hours is not None:
        wanted["clinical_hours"] = row.clinical_hours
    changed = {name: value for name, value in wanted.items() if getattr(graduate, name) != value}
    if graduate.student_id is None:  # a self-registered claimant with the row's own e-mail
        changed["student_id"] = row.student_id
        changed["claimed_student_id"] = None
    user = db.get(User, graduate.user_id) if graduate.user_id else None
    reinvite = False
    if graduate.email != row.email:
        changed["email"] = row.email
        # An account nobody has claimed yet follows the roster's address; a claimed account
        # keeps the address its owner signs in with.
        if user is not None and user.password_hash is None:
            user.email = row.email
            user.email_confirmed_at = None
            db.add(user)
            reinvite = True
    if graduate.verified_at is None:
        changed["verified_at"] = utcnow()
        changed["verified_by"] = actor_user_id
    if not changed:
        return False
    for name, value in changed.items():
        setattr(graduate, name, value)
    graduate.updated_at = utcnow()
    graduate.version += 1
    db.add(graduate)
    changes.graduate_changed(db, graduate.id)
    if reinvite and user is not None:
        db.flush()
        _invite(db, settings, user)
    return True
