"""Accreditor profiles for the outcome report: pure functions over classified graduates.

Each profile allows only its own reasons for `unavailable` (CONTRACT.md, Staff). A graduate
recorded as unavailable for a reason the profile does not allow counts as available and not
placed, and is listed (`disallowed`) so staff can fix the record.

- `abhes`, `comta`: health, military, incarcerated, continuing_education, deceased;
  placement_rate = (F + R) / (G − U).
- `accsc`: those and not_authorized_to_work; the same formula.
- `nace`: first-destination rates, knowledge_rate = known / graduates and
  career_outcomes_rate = (employed + military + continuing_education) / (known − not_seeking).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from placement import formats
from placement.i18n import N_, Labels, gettext
from placement.services import reports
from placement.services.reports import CSV_COLUMNS, OutcomeRow, Person, Row, tally
from placement.taxonomy import UNAVAILABLE_REASONS

ABHES_REASONS = frozenset(
    {"health", "military", "incarcerated", "continuing_education", "deceased"}
)
ACCSC_REASONS = ABHES_REASONS | {"not_authorized_to_work"}
NACE_COLUMNS = (
    "cohort",
    "graduates",
    "known",
    "employed",
    "military",
    "continuing_education",
    "not_seeking",
    "seeking",
    "unknown",
    "knowledge_rate",
    "career_outcomes_rate",
)
PLACED = ("placed_in_field", "placed_related_field", "placed_out_of_field")


@dataclass
class NaceRow:
    cohort: int
    graduates: int = 0
    employed: int = 0
    military: int = 0
    continuing_education: int = 0
    not_seeking: int = 0
    seeking: int = 0
    unknown: int = 0
    # Employed graduates whose placement was confirmed again 90 days or more after the start:
    # on the page only (NACE_COLUMNS are the CSV's).
    reverified: int = 0

    @property
    def known(self) -> int:
        return self.graduates - self.unknown

    @property
    def knowledge_rate(self) -> float:
        return round(self.known / self.graduates, 4) if self.graduates else 0.0

    @property
    def career_outcomes_rate(self) -> float:
        base = self.known - self.not_seeking
        positive = self.employed + self.military + self.continuing_education
        return round(positive / base, 4) if base else 0.0

    def as_record(self) -> dict[str, int | float]:
        return {name: getattr(self, name) for name in NACE_COLUMNS}


@dataclass(frozen=True)
class Report:
    """A profile's figures: its rows, its CSV columns and the records staff should fix."""

    profile: Profile
    rows: Sequence[Row]
    disallowed: list[Person] = field(default_factory=list)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.profile.columns


@dataclass(frozen=True)
class Profile:
    """An accreditor's way of counting. `english_title` and `english_method` are message ids:
    `title` and `method` read them in the reader's language (the method names the allowed
    reasons by their labels)."""

    name: str
    english_title: str
    english_method: str
    allowed: frozenset[str]
    columns: tuple[str, ...]
    compute: Callable[[Profile, list[Person]], Report]

    @property
    def title(self) -> str:
        return gettext(self.english_title)

    @property
    def method(self) -> str:
        return gettext(self.english_method, reasons=_reasons(self.allowed))


def reassign(
    allowed: frozenset[str], people: Iterable[Person]
) -> tuple[list[Person], list[Person]]:
    """Everyone with an allowed column, and those moved to `not_placed` because the profile
    does not allow their reason for being unavailable."""
    counted: list[Person] = []
    moved: list[Person] = []
    for person in people:
        if person.column == "unavailable" and person.unavailable_reason not in allowed:
            person = dataclasses.replace(person, column="not_placed")
            moved.append(person)
        counted.append(person)
    return counted, moved


def _rate_report(profile: Profile, people: list[Person]) -> Report:
    counted, moved = reassign(profile.allowed, people)
    return Report(profile=profile, rows=tally(counted), disallowed=moved)


def nace_column(person: Person) -> str:
    """The NACE column a classified graduate counts in (known = every column but unknown)."""
    if person.column == "unknown":
        return "unknown"
    if person.column in PLACED:
        return "employed"
    if person.column == "unavailable":
        if person.unavailable_reason in ("military", "continuing_education"):
            return person.unavailable_reason
        return "not_seeking"
    if person.seeking == "not_seeking":
        return "not_seeking"
    return "seeking"


def nace_rows(people: Iterable[Person]) -> list[NaceRow]:
    rows: dict[int, NaceRow] = {}
    for person in people:
        row = rows.setdefault(person.cohort, NaceRow(cohort=person.cohort))
        row.graduates += 1
        column = nace_column(person)
        setattr(row, column, getattr(row, column) + 1)
        row.reverified += column == "employed" and person.reverified
    return [rows[year] for year in sorted(rows)]


def _nace_report(profile: Profile, people: list[Person]) -> Report:
    return Report(profile=profile, rows=nace_rows(people))


RATE_METHOD = N_(
    "Placement rate = (placed in field + placed in a related field) ÷ (graduates − unavailable)"
    ", (F + R) ÷ (G − U). Unavailable counts only for: %(reasons)s; a graduate recorded as "
    "unavailable for any other reason counts as available and not placed."
)


def _reasons(allowed: frozenset[str]) -> str:
    # The labels as they are ("Not authorised to work in the US" keeps its capitals).
    return ", ".join(sorted(UNAVAILABLE_REASONS.get(reason, reason) for reason in allowed))


PROFILES: dict[str, Profile] = {
    "abhes": Profile(
        "abhes",
        "ABHES",
        RATE_METHOD,
        ABHES_REASONS,
        CSV_COLUMNS,
        _rate_report,
    ),
    "accsc": Profile(
        "accsc",
        "ACCSC",
        RATE_METHOD,
        ACCSC_REASONS,
        CSV_COLUMNS,
        _rate_report,
    ),
    "comta": Profile(
        "comta",
        "COMTA",
        RATE_METHOD,
        ABHES_REASONS,
        CSV_COLUMNS,
        _rate_report,
    ),
    "nace": Profile(
        "nace",
        N_("NACE first-destination"),
        N_(
            "Knowledge rate = graduates with a known outcome ÷ graduates; career outcomes rate = "
            "(employed + military + continuing education) ÷ (known − not seeking). Employed = "
            "placed in any field; not seeking = unavailable for another reason, or not placed "
            "and not seeking."
        ),
        frozenset({"military", "continuing_education"}),
        NACE_COLUMNS,
        _nace_report,
    ),
}


def report(name: str, people: list[Person]) -> Report:
    """The figures of profile `name` over the classified graduates (KeyError if unknown)."""
    profile = PROFILES[name]
    return profile.compute(profile, people)


def abhes(people: list[Person]) -> Report:
    return report("abhes", people)


def accsc(people: list[Person]) -> Report:
    return report("accsc", people)


def comta(people: list[Person]) -> Report:
    return report("comta", people)


def nace(people: list[Person]) -> Report:
    return report("nace", people)


__all__ = ["PROFILES", "NaceRow", "OutcomeRow", "Profile", "Report", "report"]


def outcomes(
    db: Session,
    accreditor: str,
    *,
    cohort: int | None = None,
    period: int | None = None,
    today: date | None = None,
) -> Report:
    """The report the page and the command print: profile `accreditor`, by cohort
    (graduation year) or, with `period`, by reporting year (July 1 – June 30)."""
    if cohort is not None and period is not None:
        raise ValueError("Choose a cohort or a period, not both.")
    people = reports.classify(db, cohort, today)
    if period is not None:
        people = reports.by_period(people, period)
    return report(accreditor, people)


# The figures a person can open to see who is behind them, by profile kind.
RATE_PEOPLE = Labels(
    {
        **reports.PEOPLE_COLUMNS.english,
        "disallowed": N_("Unavailable for a reason the profile does not allow"),
    }
)
NACE_PEOPLE = Labels(
    {
        "graduates": N_("All graduates"),
        "known": N_("Known outcome"),
        "employed": N_("Employed (placed in any field)"),
        "military": N_("Military service"),
        "continuing_education": N_("Continuing education"),
        "not_seeking": N_("Not seeking employment"),
        "seeking": N_("Still seeking"),
        "unknown": N_("Outcome unknown"),
        "reverified": N_("Employed, re-verified 90 days or more after the start"),
    }
)
# The headings of the NACE table on the page (the CSV keeps the codes of NACE_COLUMNS).
NACE_COLUMN_LABELS = Labels(
    {
        "cohort": N_("Cohort"),
        "graduates": N_("Graduates"),
        "known": N_("Known"),
        "employed": N_("Employed"),
        "military": N_("Military"),
        "continuing_education": N_("Continuing education"),
        "not_seeking": N_("Not seeking"),
        "seeking": N_("Seeking"),
        "unknown": N_("Unknown"),
        "knowledge_rate": N_("Knowledge rate"),
        "career_outcomes_rate": N_("Career outcomes rate"),
    }
)


def people_columns(accreditor: str) -> Labels:
    """The drill-down figures of a profile and their titles (KeyError if unknown)."""
    return NACE_PEOPLE if PROFILES[accreditor].name == "nace" else RATE_PEOPLE


def people(
    db: Session,
    accreditor: str,
    column: str,
    *,
    cohort: int | None = None,
    period: int | None = None,
    today: date | None = None,
) -> list[Person]:
    """The graduates behind one figure of profile `accreditor`'s report, counted exactly as
    the figure is (a reason the profile does not allow moves a graduate to not placed; by
    period, `cohort` of each person is the period). KeyError for an unknown column."""
    if column not in people_columns(accreditor):
        raise KeyError(column)
    if cohort is not None and period is not None:
        raise ValueError("Choose a cohort or a period, not both.")
    everyone = reports.classify(db, cohort, today)
    if period is not None:
        everyone = reports.by_period(everyone, period)
    profile = PROFILES[accreditor]
    if profile.name == "nace":
        if column == "graduates":
            return everyone
        if column == "known":
            return [person for person in everyone if nace_column(person) != "unknown"]
        if column == "reverified":
            return [
                person
                for person in everyone
                if nace_column(person) == "employed" and person.reverified
            ]
        return [person for person in everyone if nace_column(person) == column]
    counted, moved = reassign(profile.allowed, everyone)
    if column == "disallowed":
        return moved
    return reports.behind(counted, column)


PEOPLE_CSV_COLUMNS = (
    "graduate_id",
    "student_id",
    "name",
    "cohort",
    "counted_as",
    "outcome_status",
    "unavailable_reason",
    "placement_id",
    "employer_name",
    "job_title",
    "field",
    "start_date",
    "verified",
    "verification_method",
    "reverified",
)


def people_csv(rows: Sequence[Person], *, period: bool = False) -> str:
    """A drill-down list as CSV (the fourth column is `period` when listed by period)."""
    header = list(PEOPLE_CSV_COLUMNS)
    if period:
        header[3] = "period"
    return formats.csv_table(
        header,
        (
            (
                person.graduate_id,
                person.student_id,
                person.name,
                person.cohort,
                person.column,
                person.outcome_status,
                person.unavailable_reason,
                person.placement_id,
                person.employer_name,
                person.job_title,
                person.field,
                person.start_date.isoformat() if person.start_date else "",
                person.verified,
                person.verification_method,
                person.reverified,
            )
            for person in rows
        ),
    )


def render(result: Report, fmt: str, *, period: bool = False) -> str:
    """`csv` (the profile's columns, first `period` when by period), `json` or `table`."""
    first = "period" if period else "cohort"
    if fmt == "csv":
        return reports.render_csv(result.rows, result.columns, first=first)
    return reports.render_outcomes(result.rows, fmt, columns=result.columns, first=first)
