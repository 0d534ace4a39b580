"""The plain records matching works on, built by the app from its database rows.

Matching never sees a session or an ORM object: these frozen values are all it needs, so
it can be tested and benchmarked without a database and cached safely in every worker.
No protected attribute (age, sex, race, religion, disability) has a field here, so none
can reach a score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

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
