"""Loading a graduate's record, and the profile: its input, rules (the graduation date among
them) and the one save."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from placement import dates, taxonomy
from placement.db import atomic
from placement.i18n import gettext
from placement.models import (
    Graduate,
    GraduateCredential,
    GraduateModality,
    join_codes,
    utcnow,
)
from placement.services import Actor, Conflict, DomainError, NotFound, audit, changes
from placement.services.graduates.vocabulary import PROFICIENCY_LABELS


def get_graduate(db: Session, graduate_id: int) -> Graduate:
    graduate = db.get(Graduate, graduate_id)
    if graduate is None or graduate.deleted_at is not None:
        raise NotFound
    return graduate


def modalities_of(db: Session, graduate_id: int) -> dict[str, int]:
    rows = db.exec(
        select(GraduateModality.code, GraduateModality.proficiency).where(
            GraduateModality.graduate_id == graduate_id
        )
    ).all()
    return {code: int(level) for code, level in rows}


def credentials_of(db: Session, graduate_id: int) -> list[GraduateCredential]:
    return list(
        db.exec(
            select(GraduateCredential)
            .where(GraduateCredential.graduate_id == graduate_id)
            .order_by(col(GraduateCredential.code), col(GraduateCredential.id))
        ).all()
    )


# -- the profile ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileInput:
    """What the profile form may change; anything else posted is never read."""

    first_name: str
    last_name: str
    program: str
    graduation_date: date | None
    training_hours: int
    clinical_hours: int
    zip: str | None
    travel_radius_miles: int
    settings: list[str] = field(default_factory=list)
    employment_types: list[str] = field(default_factory=list)
    availability: list[str] = field(default_factory=list)
    pay_expectation: float | None = None
    bio: str = ""
    visibility: str = "staff"
    seeking: str = "seeking"


def _profile_values(data: ProfileInput) -> dict[str, Any]:
    values = asdict(data)
    for name in ("settings", "employment_types", "availability"):
        values[name] = join_codes(values[name])
    values["cohort"] = data.graduation_date.year if data.graduation_date else None
    return values


# The school's record: once staff verified a graduate, only staff (at
# /staff/graduates/{id}/record) and the roster import change these.
ROSTER_FIELDS = (
    "first_name",
    "last_name",
    "program",
    "graduation_date",
    "training_hours",
    "clinical_hours",
)
EARLIEST_GRADUATION_YEAR = 1950
GRADUATION_YEARS_AHEAD = 2
MAX_RECORD_HOURS = 10_000


def graduation_date_problem(value: date | None, *, today: date | None = None) -> str | None:
    """The graduation-date rule, the one copy every caller uses (registration, profile,
    roster import, the staff record): a year from 1950 to two years ahead."""
    if value is None:
        return None
    year = (today or dates.today()).year
    if not EARLIEST_GRADUATION_YEAR <= value.year <= year + GRADUATION_YEARS_AHEAD:
        return gettext(
            "Enter the date you graduated or will graduate (from %(first)s to %(last)s).",
            first=EARLIEST_GRADUATION_YEAR,
            last=year + GRADUATION_YEARS_AHEAD,
        )
    return None


def check_graduation_date(value: date | None, *, today: date | None = None) -> None:
    problem = graduation_date_problem(value, today=today)
    if problem:
        raise DomainError(problem, "graduation_date")


def _check_profile(data: ProfileInput, modalities: dict[str, int]) -> None:
    """The rules the form already checks, enforced again for any other caller."""
    check_graduation_date(data.graduation_date)
    if data.visibility not in taxonomy.VISIBILITIES:
        raise DomainError(gettext("Choose who may see your profile."), "visibility")
    if data.seeking not in taxonomy.SEEKING_STATUSES:
        raise DomainError(gettext("Choose whether you are looking for work."), "seeking")
    for name, allowed in (
        ("settings", taxonomy.SETTINGS),
        ("employment_types", taxonomy.EMPLOYMENT_TYPES),
        ("availability", taxonomy.SLOTS),
    ):
        if any(code not in allowed for code in getattr(data, name)):
            raise DomainError(gettext("Choose from the options offered."), name)
    for code, level in modalities.items():
        if code not in taxonomy.MODALITIES or level not in PROFICIENCY_LABELS:
            raise DomainError(gettext("Choose a level from 0 to 3."), f"modality_{code}")


@atomic
def update_profile(
    db: Session,
    *,
    graduate_id: int,
    actor: Actor,
    version: int,
    data: ProfileInput,
    modalities: dict[str, int],
) -> Graduate:
    """Save the profile form if it was made from the current version, else raise Conflict.

    `modalities` maps modality codes to 0–3; 0 removes the modality. Changing the graduation
    date moves the graduate to that year's cohort.
    """
    _check_profile(data, modalities)
    graduate = get_graduate(db, graduate_id)
    values = _profile_values(data)
    before = {name: getattr(graduate, name) for name in values}
    if graduate.version != version:
        raise Conflict(
            gettext(
                "Your profile was changed in another window or by career services after you "
                "opened this form. Nothing was saved: the form now shows the current profile."
            )
        )
    if graduate.verified_at is not None:
        locked = [name for name in ROSTER_FIELDS if before[name] != values[name]]
        if locked:
            raise DomainError(
                gettext(
                    "This is part of the school's record and cannot be changed here now that "
                    "career services verified your profile. Ask career services to correct it."
                ),
                locked[0],
            )
    old_modalities = modalities_of(db, graduate_id)
    result = db.exec(
        update(Graduate)
        .where(col(Graduate.id) == graduate_id, col(Graduate.version) == version)
        .values(**values, version=version + 1, updated_at=utcnow())
    )
    if result.rowcount != 1:
        raise Conflict(
            gettext(
                "Your profile was changed in another window or by career services after you "
                "opened this form. Nothing was saved: the form now shows the current profile."
            )
        )
    db.refresh(graduate)
    new_modalities = {code: level for code, level in modalities.items() if level > 0}
    for code in old_modalities.keys() - new_modalities.keys():
        db.exec(
            delete(GraduateModality).where(
                col(GraduateModality.graduate_id) == graduate_id,
                col(GraduateModality.code) == code,
            )
        )
    for code, level in new_modalities.items():
        if old_modalities.get(code) == level:
            continue
        row = db.get(GraduateModality, (graduate_id, code))
        if row is None:
            row = GraduateModality(graduate_id=graduate_id, code=code, proficiency=level)
        else:
            row.proficiency = level
        db.add(row)
    changed = sorted(name for name in values if before[name] != values[name])
    if old_modalities != new_modalities:
        changed.append("modalities")
    changes.graduate_changed(db, graduate_id)
    audit.record(
        db,
        "graduate.profile_updated",
        actor=actor,
        object_type="graduate",
        object_id=graduate_id,
        detail="Changed: " + (", ".join(changed) if changed else "nothing"),
        # Field names and coded values only: free text (names, bio) stays out of the
        # append-only log so that deleting the account removes it.
        before=_coded(before, old_modalities, changed),
        after=_coded(values, new_modalities, changed),
    )
    db.flush()
    return graduate


CODED_FIELDS = (
    "graduation_date",
    "cohort",
    "training_hours",
    "clinical_hours",
    "travel_radius_miles",
    "settings",
    "employment_types",
    "availability",
    "pay_expectation",
    "visibility",
    "seeking",
)


def _coded(values: dict[str, Any], modalities: dict[str, int], changed: list[str]) -> dict:
    out: dict[str, Any] = {name: values[name] for name in changed if name in CODED_FIELDS}
    if "modalities" in changed:
        out["modalities"] = dict(sorted(modalities.items()))
    return out
