"""The graduate's own record: profile, modalities, credentials, completeness and warnings.

Every change here also marks the graduate for the matching index (services.changes) and is
written to the audit log.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from placement import dates, formats, taxonomy
from placement.db import atomic
from placement.i18n import N_, Labels, gettext, ngettext
from placement.localtime import format_date
from placement.models import (
    Graduate,
    GraduateCredential,
    GraduateModality,
    join_codes,
    split_codes,
    utcnow,
)
from placement.services import Actor, Conflict, DomainError, NotFound, audit, changes

# Shown through gettext where the profile form lists the levels.
PROFICIENCY_LABELS = {0: N_("None"), 1: N_("Basic"), 2: N_("Proficient"), 3: N_("Advanced")}
EXPIRY_WARNING_DAYS = 60
MAX_CREDENTIALS = 50

# The modalities of the taxonomy in the groups the profile form shows them in.
MODALITY_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        N_("Clinical and medical"),
        (
            "medical_massage",
            "manual_lymphatic_drainage",
            "myofascial_release",
            "trigger_point",
            "neuromuscular",
            "craniosacral",
            "orthopedic",
            "positional_release",
            "muscle_energy",
            "scar_tissue",
            "post_surgical",
        ),
    ),
    (N_("Special populations"), ("prenatal", "oncology", "geriatric", "hospice_comfort")),
    (N_("Sports and movement"), ("sports", "stretching_pnf")),
    (
        N_("Foundations and other techniques"),
        (
            "swedish",
            "deep_tissue",
            "reflexology",
            "acupressure",
            "shiatsu",
            "thai",
            "chair",
            "hot_stone",
            "cupping",
        ),
    ),
)

# Names in the reader's language; the codes are what is stored and posted.
US_STATES = Labels(
    {
        "AL": N_("Alabama"),
        "AK": N_("Alaska"),
        "AZ": N_("Arizona"),
        "AR": N_("Arkansas"),
        "CA": N_("California"),
        "CO": N_("Colorado"),
        "CT": N_("Connecticut"),
        "DE": N_("Delaware"),
        "DC": N_("District of Columbia"),
        "FL": N_("Florida"),
        "GA": N_("Georgia"),
        "HI": N_("Hawaii"),
        "ID": N_("Idaho"),
        "IL": N_("Illinois"),
        "IN": N_("Indiana"),
        "IA": N_("Iowa"),
        "KS": N_("Kansas"),
        "KY": N_("Kentucky"),
        "LA": N_("Louisiana"),
        "ME": N_("Maine"),
        "MD": N_("Maryland"),
        "MA": N_("Massachusetts"),
        "MI": N_("Michigan"),
        "MN": N_("Minnesota"),
        "MS": N_("Mississippi"),
        "MO": N_("Missouri"),
        "MT": N_("Montana"),
        "NE": N_("Nebraska"),
        "NV": N_("Nevada"),
        "NH": N_("New Hampshire"),
        "NJ": N_("New Jersey"),
        "NM": N_("New Mexico"),
        "NY": N_("New York"),
        "NC": N_("North Carolina"),
        "ND": N_("North Dakota"),
        "OH": N_("Ohio"),
        "OK": N_("Oklahoma"),
        "OR": N_("Oregon"),
        "PA": N_("Pennsylvania"),
        "RI": N_("Rhode Island"),
        "SC": N_("South Carolina"),
        "SD": N_("South Dakota"),
        "TN": N_("Tennessee"),
        "TX": N_("Texas"),
        "UT": N_("Utah"),
        "VT": N_("Vermont"),
        "VA": N_("Virginia"),
        "WA": N_("Washington"),
        "WV": N_("West Virginia"),
        "WI": N_("Wisconsin"),
        "WY": N_("Wyoming"),
        "AS": N_("American Samoa"),
        "GU": N_("Guam"),
        "MP": N_("Northern Mariana Islands"),
        "PR": N_("Puerto Rico"),
        "VI": N_("U.S. Virgin Islands"),
    }
)


# -- loading --------------------------------------------------------------------------------


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


# -- credentials ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CredentialInput:
    code: str
    number: str
    state: str | None
    issued_on: date | None
    expires_on: date | None


def check_credential(data: CredentialInput, today: date | None = None) -> None:
    """The rules of a credential's fields, for adding one and for editing or renewing it."""
    if data.code not in taxonomy.CREDENTIALS:
        raise DomainError(gettext("Choose a credential from the list."), "code")
    if data.state is not None and data.state not in US_STATES:
        raise DomainError(gettext("Choose a US state."), "state")
    if data.code in taxonomy.STATE_BOUND_CREDENTIALS and not data.state:
        raise DomainError(
            gettext("Choose the US state that issued it (two letters, e.g. CA)."), "state"
        )
    if data.issued_on and data.issued_on > (today or dates.today()):
        raise DomainError(gettext("The issue date cannot be in the future."), "issued_on")
    if data.issued_on and data.expires_on and data.expires_on <= data.issued_on:
        raise DomainError(gettext("The expiry date must come after the issue date."), "expires_on")


def add_credential(
    db: Session, *, graduate_id: int, actor: Actor, data: CredentialInput
) -> GraduateCredential:
    """Add a licence or certificate; it stays unverified until career services verify it."""
    check_credential(data)
    get_graduate(db, graduate_id)
    count = len(credentials_of(db, graduate_id))
    if count >= MAX_CREDENTIALS:
        raise DomainError(
            gettext("You can list at most %(max)s credentials.", max=MAX_CREDENTIALS), "code"
        )
    credential = GraduateCredential(
        graduate_id=graduate_id,
        code=data.code,
        number=data.number,
        state=data.state,
        issued_on=data.issued_on,
        expires_on=data.expires_on,
    )
    db.add(credential)
    db.flush()
    changes.graduate_changed(db, graduate_id)
    audit.record(
        db,
        "credential.added",
        actor=actor,
        object_type="credential",
        object_id=credential.id,
        detail=f"{data.code} for graduate {graduate_id}",
        after={
            "code": data.code,
            "state": data.state,
            "issued_on": data.issued_on,
            "expires_on": data.expires_on,
        },
    )
    return credential


def credential_for_graduate(
    db: Session, graduate_id: int, credential_id: int
) -> GraduateCredential:
    credential = db.get(GraduateCredential, credential_id)
    if credential is None or credential.graduate_id != graduate_id:
        raise NotFound
    return credential


def delete_credential(db: Session, *, graduate_id: int, actor: Actor, credential_id: int) -> None:
    credential = credential_for_graduate(db, graduate_id, credential_id)
    before = {
        "code": credential.code,
        "state": credential.state,
        "expires_on": credential.expires_on,
        "verified": credential.verified_at is not None,
    }
    db.delete(credential)
    db.flush()
    changes.graduate_changed(db, graduate_id)
    audit.record(
        db,
        "credential.removed",
        actor=actor,
        object_type="credential",
        object_id=credential_id,
        detail=f"{before['code']} for graduate {graduate_id}",
        before=before,
    )


@dataclass(frozen=True)
class CredentialStatus:
    code: str  # verified | unverified | expired | expiring
    text: str
    days_left: int | None = None

    @property
    def warning(self) -> bool:
        return self.code in ("expired", "expiring")


def credential_status(
    credential: GraduateCredential, today: date | None = None
) -> CredentialStatus:
    """Expired first, then expiring within 60 days, then verified or awaiting verification."""
    today = today or dates.today()
    verified = (
        gettext("verified")
        if credential.verified_at is not None
        else gettext("awaiting verification")
    )
    if credential.expires_on is not None:
        days = (credential.expires_on - today).days
        if days < 0:
            expired = gettext("expired on %(date)s", date=format_date(credential.expires_on))
            return CredentialStatus("expired", expired, days)
        if days <= EXPIRY_WARNING_DAYS:
            when = (
                gettext("expires today")
                if days == 0
                else ngettext("expires in %(num)s day", "expires in %(num)s days", days)
            )
            return CredentialStatus("expiring", f"{when} · {verified}", days)
    if credential.verified_at is not None:
        return CredentialStatus("verified", gettext("verified"))
    return CredentialStatus("unverified", gettext("awaiting verification"))


@dataclass(frozen=True)
class CredentialWarning:
    credential_id: int
    code: str
    label: str
    status: CredentialStatus


def credential_warnings(
    credentials: list[GraduateCredential], today: date | None = None
) -> list[CredentialWarning]:
    """Expired credentials and those expiring within 60 days, soonest first."""
    warnings = []
    for credential in credentials:
        status = credential_status(credential, today)
        if status.warning:
            warnings.append(
                CredentialWarning(
                    credential_id=credential.id or 0,
                    code=credential.code,
                    label=taxonomy.label(taxonomy.CREDENTIALS, credential.code),
                    status=status,
                )
            )
    return sorted(warnings, key=lambda warning: warning.status.days_left or 0)


# -- completeness --------------------------------------------------------------------------


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing: list[str]


def completeness(
    graduate: Graduate, modalities: dict[str, int], credentials: list[GraduateCredential]
) -> Completeness:
    """How much of what employers and matching look at the profile holds, and what is not."""
    checks = (
        (bool(graduate.program), gettext("your programme")),
        (graduate.graduation_date is not None, gettext("your graduation date")),
        (graduate.training_hours > 0, gettext("your training hours")),
        (bool(graduate.zip), gettext("your ZIP code")),
        (bool(split_codes(graduate.settings)), gettext("the settings you would like to work in")),
        (
            bool(split_codes(graduate.employment_types)),
            gettext("the kinds of employment you accept"),
        ),
        (bool(split_codes(graduate.availability)), gettext("your weekly availability")),
        (graduate.pay_expectation is not None, gettext("your pay expectation")),
        (bool(graduate.bio.strip()), gettext("a short bio")),
        (any(level > 0 for level in modalities.values()), gettext("the modalities you practise")),
        (bool(credentials), gettext("your licences and certificates")),
        (bool(graduate.resume_file), gettext("a résumé (PDF)")),
    )
    done = sum(1 for ok, _ in checks if ok)
    return Completeness(
        percent=round(100 * done / len(checks)),
        missing=[what for ok, what in checks if not ok],
    )


# -- the school's record (staff) ---------------------------------------------------------


@dataclass(frozen=True)
class RecordInput:
    """The roster fields, as career services correct them."""

    first_name: str
    last_name: str
    program: str
    graduation_date: date
    training_hours: int
    clinical_hours: int


@atomic
def update_record(db: Session, actor: Actor, *, graduate_id: int, data: RecordInput) -> Graduate:
    """Staff correct the school's record of a graduate (verified or not); audited with the
    figures before and after (names stay out of the log: only that they changed)."""
    graduate = get_graduate(db, graduate_id)
    check_graduation_date(data.graduation_date)
    for name in ("training_hours", "clinical_hours"):
        if not 0 <= getattr(data, name) <= MAX_RECORD_HOURS:
            raise DomainError(
                gettext(
                    "Enter a whole number from 0 to %(max)s.",
                    max=formats.number(MAX_RECORD_HOURS),
                ),
                name,
            )
    for name in ("first_name", "last_name", "program"):
        if not getattr(data, name).strip():
            raise DomainError(gettext("This field is required."), name)
    values: dict[str, Any] = asdict(data)
    values["cohort"] = data.graduation_date.year
    changed = [name for name in values if getattr(graduate, name) != values[name]]
    if not changed:
        return graduate
    before = {name: getattr(graduate, name) for name in changed}
    for name in changed:
        setattr(graduate, name, values[name])
    graduate.version += 1
    graduate.updated_at = utcnow()
    db.add(graduate)
    db.flush()
    changes.graduate_changed(db, graduate_id)
    names = {"first_name", "last_name", "program"}
    audit.record(
        db,
        "graduate.record_corrected",
        actor=actor,
        object_type="graduate",
        object_id=graduate_id,
        detail="Changed: " + ", ".join(changed),
        before={n: ("(changed)" if n in names else v) for n, v in before.items()},
        after={n: ("(changed)" if n in names else values[n]) for n in changed},
    )
    return graduate
