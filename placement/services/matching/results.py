"""A ranking's rows (`Ranked`), their JSON, and what an employer sees of a result (school
records in bands)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from placement.i18n import N_, gettext
from placement.matching import (
    MatchResult,
    Reason,
    scoring,
)
from placement.matching.records import HARD_FACTORS

Audience = Literal["staff", "employer"]
_INDEX_AUDIENCE: dict[str, Literal["staff", "employers"]] = {
    "staff": "staff",
    "employer": "employers",
}


@dataclass(frozen=True, slots=True)
class Ranked:
    """One row of a ranking: a graduate and a position, the score and why."""

    graduate_id: int
    position_id: int
    score: float
    eligible: bool
    reasons: tuple[Reason, ...]
    # The graduate's name when graduates are ranked; the position's title when positions are.
    name: str = ""
    employer_name: str = ""

    @property
    def lacks(self) -> tuple[Reason, ...]:
        """The hard rules this pair fails: what a near miss lacks (empty when eligible)."""
        return tuple(reason for reason in self.reasons if reason.factor in HARD_FACTORS)

    @property
    def soft(self) -> tuple[Reason, ...]:
        return tuple(reason for reason in self.reasons if reason.factor not in HARD_FACTORS)


# Training and clinical hours are school records (SECURITY.md): an employer learns whether
# they meet the position's minimum and, in bands, what they add to the score, never the
# figures. The clinical-hours points (hours / 25, to the tenth) would give the hours away, so
# an employer sees them rounded down to a band; the score an employer sees is the sum of the
# points it sees, and its lists are ordered by that score (ties by name).
CLINICAL_POINT_BAND = 2.5
_EMPLOYER_WORDING = {
    "training_hours": N_("Fewer training hours than the position's minimum"),
}


def clinical_band(points: float) -> tuple[float, str]:
    """(points shown, words) for the clinical-hours factor as an employer sees it."""
    full = scoring.WEIGHTS["clinical_hours"]
    per_point = scoring.CLINICAL_HOURS_FULL / full
    if points >= full:
        return float(full), gettext(
            "Clinical hours on the school record: the top band (%(full)s or more)",
            full=scoring.CLINICAL_HOURS_FULL,
        )
    floor = int(points // CLINICAL_POINT_BAND) * CLINICAL_POINT_BAND
    low, high = round(floor * per_point), round((floor + CLINICAL_POINT_BAND) * per_point)
    return floor, gettext(
        "Clinical hours on the school record: about %(low)s to %(high)s", low=low, high=high
    )


def employer_reasons(reasons: Iterable[Reason]) -> tuple[Reason, ...]:
    out = []
    for reason in reasons:
        if reason.factor == "clinical_hours":
            points, words = clinical_band(reason.points)
            out.append(Reason(reason.factor, points, words))
        elif reason.factor in _EMPLOYER_WORDING:
            out.append(
                Reason(reason.factor, reason.points, gettext(_EMPLOYER_WORDING[reason.factor]))
            )
        else:
            out.append(reason)
    return tuple(out)


def _points_sum(reasons: Iterable[Reason]) -> float:
    return sum(round(reason.points * 10) for reason in reasons) / 10


def for_employer(result: MatchResult) -> MatchResult:
    """The result as an employer sees it: banded reasons, and the score their sum."""
    reasons = employer_reasons(result.reasons)
    shown = _points_sum(reasons)
    return dataclasses.replace(
        result,
        reasons=reasons,
        score=shown,
        employer_side=round(result.employer_side - (result.score - shown), 1),
    )


def _employer_order(rows: list[Ranked]) -> list[Ranked]:
    return sorted(rows, key=lambda row: (not row.eligible, -row.score, row.name, row.graduate_id))


def _employer_view(row: Ranked) -> Ranked:
    reasons = employer_reasons(row.reasons)
    return dataclasses.replace(row, reasons=reasons, score=_points_sum(reasons))


def _complete(first: list[Ranked], last_fetched: Ranked) -> bool:
    """Whether no graduate beyond `last_fetched` (in full-score order) could rank among
    `first` by the banded score: a banded score is never above the full one."""
    if not first:
        return True
    edge = first[-1]
    if edge.eligible and not last_fetched.eligible:
        return True
    return edge.eligible == last_fetched.eligible and edge.score > last_fetched.score


def _ranked(
    graduate_id: int, position_id: int, result: MatchResult, name: str, employer: str = ""
) -> Ranked:
    return Ranked(
        graduate_id=graduate_id,
        position_id=position_id,
        score=result.score,
        eligible=result.eligible,
        reasons=result.reasons,
        name=name,
        employer_name=employer,
    )


def reasons_json(reasons: Iterable[Reason]) -> list[dict[str, object]]:
    """Reasons as the contract's JSON: factor, points, detail."""
    return [
        {"factor": reason.factor, "points": reason.points, "detail": reason.detail}
        for reason in reasons
    ]
