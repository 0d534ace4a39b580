"""The plain records matching works on, built by the app from its database rows.

Matching never sees a session or an ORM object: these frozen values are all it needs, so
it can be tested and benchmarked without a database and cached safely in every worker.
No protected attribute (age, sex, race, religion, disability) has a field here, so none
can reach a score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from operator import attrgetter

# Expiry dates as the index and the loading query carry them: whole days from 1970-01-01, a
# credential that does not expire as the day after date.max (later than any expiry, so the
# best of several holdings is simply the largest number).
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
NO_EXPIRY_DAY = date.max.toordinal() + 1 - EPOCH_ORDINAL


def expiry_day(expires_on: date | None) -> int:
    """`expires_on` as days from 1970 (`NO_EXPIRY_DAY` for None)."""
    return NO_EXPIRY_DAY if expires_on is None else expires_on.toordinal() - EPOCH_ORDINAL


def expiry_date(day: int) -> date | None:
    """The inverse of `expiry_day`."""
    return None if day == NO_EXPIRY_DAY else date.fromordinal(day + EPOCH_ORDINAL)


# The factor names of hard rules; a failed rule appears as a reason with 0 points.
HARD_FACTORS = frozenset(
    {
        "seeking",
        "verified",
        "required_credential",
        "required_modality",
        "training_hours",
        "travel_radius",
        "employment_type",
        "availability",
    }
)


@dataclass(frozen=True, slots=True)
class CredentialRecord:
    """A credential a graduate holds.

    `state` is the issuing US state (two letters) and matters only for `state_license`.
    `expires_on` None means it does not expire. `verified` says career services verified it:
    matching counts an unverified credential, except for a position's `verified_credentials`.
    """

    code: str
    state: str | None = None
    expires_on: date | None = None
    verified: bool = False


@dataclass(frozen=True, slots=True)
class GraduateRecord:
    """A graduate's matching profile.

    `seeking` is True when the job-seeking status is 'seeking'. `modalities` maps a modality
    code to proficiency 1..3 (a code at 0 or absent means not held). `travel_radius_miles`
    None means no limit stated. Empty `employment_types` means any type is fine; empty
    `settings` means no setting preference; empty `availability` overlaps no shift.
    """

    id: int
    verified: bool
    seeking: bool
    visibility: str = "staff"
    zip: str | None = None
    travel_radius_miles: int | None = None
    training_hours: int = 0
    clinical_hours: int = 0
    settings: frozenset[str] = frozenset()
    employment_types: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()
    pay_expectation: float | None = None
    modalities: dict[str, int] = field(default_factory=dict)
    credentials: tuple[CredentialRecord, ...] = ()

    def __hash__(self) -> int:
        # `modalities` is a dict, so the generated hash would fail; the id identifies a record.
        return hash(("graduate", self.id))


@dataclass(frozen=True, slots=True)
class ModalityRows:
    """Modalities held, one entry per (graduate, code): the graduate's id, the code and the
    proficiency (as the graduate_modality rows read)."""

    graduate_id: Sequence[int] = ()
    code: Sequence[str] = ()
    level: Sequence[int] = ()


@dataclass(frozen=True, slots=True)
class CredentialRows:
    """Credentials held, one entry per credential (as the graduate_credential rows read):
    the fields of `CredentialRecord` and the holder's id, the expiry as `expiry_day` (an
    integer that the loading query computes itself, so the index reads numbers, not dates)."""

    graduate_id: Sequence[int] = ()
    code: Sequence[str] = ()
    state: Sequence[str | None] = ()
    expiry_day: Sequence[int] = ()
    verified: Sequence[bool] = ()


@dataclass(frozen=True, slots=True)
class GraduateColumns:
    """Many graduates field by field, as the matching queries return them: what
    `MatchIndex` encodes, without a Python object per graduate or per credential.

    Every field but the last two holds one entry per graduate, the i-th graduate at position
    i, with the meaning of the `GraduateRecord` field of that name; ids are unique.
    `modalities` and `credentials` are long tables naming their graduate by id (rows of
    other graduates are ignored).
    """

    id: Sequence[int]
    verified: Sequence[bool]
    seeking: Sequence[bool]
    visibility: Sequence[str]
    zip: Sequence[str | None]
    travel_radius_miles: Sequence[int | None]
    training_hours: Sequence[int]
    clinical_hours: Sequence[int]
    settings: Sequence[frozenset[str]]
    employment_types: Sequence[frozenset[str]]
    availability: Sequence[frozenset[str]]
    pay_expectation: Sequence[float | None]
    modalities: ModalityRows = ModalityRows()
    credentials: CredentialRows = CredentialRows()

    def __len__(self) -> int:
        return len(self.id)

    @classmethod
    def from_records(cls, records: Sequence[GraduateRecord]) -> GraduateColumns:
        """The same graduates as columns (a record's modalities and credentials become rows
        of the long tables)."""

        def field(name: str) -> list:
            return list(map(attrgetter(name), records))

        def code_sets(name: str) -> list:
            # equal sets as one object, as the loading query hands them (one per stored list)
            one: dict[frozenset[str], frozenset[str]] = {}
            return [one.setdefault(codes, codes) for codes in field(name)]

        held = field("modalities")
        owners = [g.id for g in records for _ in g.modalities]
        credentials = list(chain.from_iterable(field("credentials")))
        holders = [g.id for g in records for _ in g.credentials]
        return cls(
            id=field("id"),
            verified=field("verified"),
            seeking=field("seeking"),
            visibility=field("visibility"),
            zip=field("zip"),
            travel_radius_miles=field("travel_radius_miles"),
            training_hours=field("training_hours"),
            clinical_hours=field("clinical_hours"),
            settings=code_sets("settings"),
            employment_types=code_sets("employment_types"),
            availability=code_sets("availability"),
            pay_expectation=field("pay_expectation"),
            modalities=ModalityRows(
                owners,
                list(chain.from_iterable(held)),
                list(chain.from_iterable(map(dict.values, held))),
            ),
            credentials=CredentialRows(
                holders,
                [c.code for c in credentials],
                [c.state for c in credentials],
                [expiry_day(c.expires_on) for c in credentials],
                [c.verified for c in credentials],
            ),
        )

    def records(self) -> list[GraduateRecord]:
        """The graduates as records (the inverse of `from_records`)."""
        modalities: dict[int, dict[str, int]] = {}
        rows = self.modalities
        for graduate_id, code, level in zip(rows.graduate_id, rows.code, rows.level, strict=True):
            modalities.setdefault(graduate_id, {})[code] = level
        held: dict[int, list[CredentialRecord]] = {}
        creds = self.credentials
        for graduate_id, code, state, day, verified in zip(
            creds.graduate_id,
            creds.code,
            creds.state,
            creds.expiry_day,
            creds.verified,
            strict=True,
        ):
            credential = CredentialRecord(code, state, expiry_date(day), bool(verified))
            held.setdefault(graduate_id, []).append(credential)
        return [
            GraduateRecord(
                id=graduate_id,
                verified=bool(verified),
                seeking=bool(seeking),
                visibility=visibility,
                zip=zip_code,
                travel_radius_miles=radius,
                training_hours=training,
                clinical_hours=clinical,
                settings=frozenset(settings),
                employment_types=frozenset(kinds),
                availability=frozenset(availability),
                pay_expectation=pay,
                modalities=modalities.get(graduate_id, {}),
                credentials=tuple(held.get(graduate_id, ())),
            )
            for (
                graduate_id,
                verified,
                seeking,
                visibility,
                zip_code,
                radius,
                training,
                clinical,
                settings,
                kinds,
                availability,
                pay,
            ) in zip(
                self.id,
                self.verified,
                self.seeking,
                self.visibility,
                self.zip,
                self.travel_radius_miles,
                self.training_hours,
                self.clinical_hours,
                self.settings,
                self.employment_types,
                self.availability,
                self.pay_expectation,
                strict=True,
            )
        ]


@dataclass(frozen=True, slots=True)
class PositionRecord:
    """An open position's matching requirements.

    Pay is USD per hour. `start_date` None means "as soon as possible" (credentials must be
    valid today). Empty `shifts` means flexible hours: it overlaps any availability.
    """

    id: int
    employer_id: int
    zip: str | None
    setting: str
    employment_type: str
    pay_min: float | None = None
    pay_max: float | None = None
    start_date: date | None = None
    min_training_hours: int = 0
    shifts: frozenset[str] = frozenset()
    required_modalities: frozenset[str] = frozenset()
    preferred_modalities: frozenset[str] = frozenset()
    required_credentials: frozenset[str] = frozenset()
    preferred_credentials: frozenset[str] = frozenset()
    # Of the required credentials, those that count only once career services verified them
    # (codes not also in `required_credentials` mean nothing).
    verified_credentials: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Reason:
    """One line of an explanation: the factor, the points it gave and a sentence for people."""

    factor: str
    points: float
    detail: str


@dataclass(frozen=True, slots=True)
class Check:
    """One hard rule of a position for one graduate: met or not, with the sentence why.

    The scorer's failures are exactly the checks that are not met (scoring.checks)."""

    factor: str
    met: bool
    detail: str


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The outcome of matching one graduate with one position.

    `score` is 0-100 in tenths and always equals the sum of the reasons' points; ineligible
    pairs keep their score so near misses can be ranked. `graduate_side` (setting, distance,
    pay, schedule) and `employer_side` (modalities, credentials, hours) split the score for
    placement rounds: graduates rank positions by the first, positions graduates by the second.
    """

    eligible: bool
    score: float
    reasons: tuple[Reason, ...]
    graduate_side: float = 0.0
    employer_side: float = 0.0

    @property
    def failures(self) -> tuple[Reason, ...]:
        """The hard rules this pair fails (empty when eligible): what a near miss lacks."""
        return tuple(reason for reason in self.reasons if reason.factor in HARD_FACTORS)
