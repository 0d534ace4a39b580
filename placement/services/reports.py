"""The outcome report for the accreditor: placement by cohort, with the people behind each number.

Every graduate of a cohort (graduation year; `cohort`, else the year of `graduation_date`)
falls in exactly one column, decided in this order:

1. `unavailable` — outcome `unavailable` (with a reason: continuing education, military,
   health, deceased, incarcerated, relocated abroad). They leave the denominator:
   `available` = `graduates` − `unavailable`.
2. `placed_in_field`, `placed_related_field`, `placed_out_of_field` (F, R, O) — an available
   graduate with at least one placement on record whose start date has come, counted once,
   by the field of their latest such placement (latest start date; the most recently
   recorded one breaks ties and stands in for a missing start date). A graduate whose only
   placements start later counts as `not_placed` until the first one starts.
3. `unknown` — no placement on record and outcome `unknown`, or outcome `placed` without any
   placement on record (employment that is not documented cannot count as a placement).
4. `not_placed` — every other available graduate: no placement on record and outcome
   `seeking`.

So `available` = F + R + O + `not_placed` + `unknown`, and
`placement_rate` = (F + R) / `available` (ABHES: (F + R) / (G − U)), 0 when nobody is
available; `verified_rate` = the share of the F + R graduates whose counted placement carries
a verification, 0 when there are none. Both rates are rounded to four decimals. Graduates who
deleted their account still count (the school keeps the ledger, pseudonymised).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlmodel import Session, col, select

from placement import dates
from placement.i18n import N_, Labels
from placement.models import Graduate, Placement

CSV_COLUMNS = (
    "cohort",
    "graduates",
    "unavailable",
    "available",
    "placed_in_field",
    "placed_related_field",
    "placed_out_of_field",
    "not_placed",
    "unknown",
    "placement_rate",
    "verified_rate",
)
# The columns a person can click to see who is behind the number (titles in the reader's
# language; the codes are the CSV's).
PEOPLE_COLUMNS = Labels(
    {
        "graduates": N_("All graduates"),
        "unavailable": N_("Unavailable for employment"),
        "available": N_("Available for employment"),
        "placed_in_field": N_("Placed in field"),
        "placed_related_field": N_("Placed in a related field"),
        "placed_out_of_field": N_("Placed out of field"),
        "not_placed": N_("Not placed (seeking)"),
        "unknown": N_("Outcome unknown"),
        "verified": N_("In-field and related placements with a verification"),
        "reverified": N_(
            "In-field and related placements re-verified 90 days or more after the start"
        ),
    }
)
# The column a graduate is counted in, as a short label (the drill-down's "Counted as").
COUNTED_AS = Labels(
    {
        "unavailable": N_("Unavailable"),
        "placed_in_field": N_("In field"),
        "placed_related_field": N_("Related field"),
        "placed_out_of_field": N_("Out of field"),
        "not_placed": N_("Not placed"),
        "unknown": N_("Unknown"),
    }
)
FIELD_COLUMNS = {
    "in_field": "placed_in_field",
    "related_field": "placed_related_field",
    "out_of_field": "placed_out_of_field",
}


@dataclass
class OutcomeRow:
    cohort: int
    graduates: int = 0
    unavailable: int = 0
    available: int = 0
    placed_in_field: int = 0
    placed_related_field: int = 0
    placed_out_of_field: int = 0
    not_placed: int = 0
    unknown: int = 0
    verified: int = 0
    # In-field and related placements confirmed again 90 days or more after the start
    # (sustained employment): shown on the page, not a CSV column (the contract fixes those).
    reverified: int = 0
    unavailable_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def placed_counted(self) -> int:
        return self.placed_in_field + self.placed_related_field

    @property
    def placement_rate(self) -> float:
        return round(self.placed_counted / self.available, 4) if self.available else 0.0

    @property
    def verified_rate(self) -> float:
        return round(self.verified / self.placed_counted, 4) if self.placed_counted else 0.0

    def as_record(self) -> dict[str, int | float]:
        return {
            "cohort": self.cohort,
            "graduates": self.graduates,
            "unavailable": self.unavailable,
            "available": self.available,
            "placed_in_field": self.placed_in_field,
            "placed_related_field": self.placed_related_field,
            "placed_out_of_field": self.placed_out_of_field,
            "not_placed": self.not_placed,
            "unknown": self.unknown,
            "placement_rate": self.placement_rate,
            "verified_rate": self.verified_rate,
        }


@dataclass(frozen=True)
class Person:
    """One graduate as the report classified them."""

    graduate_id: int
    cohort: int
    name: str
    student_id: str | None
    outcome_status: str
    unavailable_reason: str | None
    column: str
    placement_id: int | None = None
    employer_name: str | None = None
    job_title: str | None = None
    field: str | None = None
    start_date: date | None = None
    verified: bool = False
    verification_method: str | None = None
    reverified: bool = False
    deleted: bool = False
    seeking: str = "seeking"
    graduation_date: date | None = None


def _latest_placements(
    db: Session, cohort: int | None, today: date
) -> tuple[dict[int, tuple], set[int]]:
    """Each graduate's latest placement whose start date has come (a missing start date
    counts as started), and the graduates whose only placements are still ahead."""
    columns: list[Any] = [
        Placement.id,
        Placement.graduate_id,
        Placement.employer_name,
        Placement.job_title,
        Placement.field,
        Placement.start_date,
        Placement.verified_at,
        Placement.verification_method,
        Placement.reverified_at,
    ]
    query = select(*columns).join(Graduate, col(Graduate.id) == Placement.graduate_id)
    if cohort is not None:
        query = query.where(Graduate.cohort == cohort)
    latest: dict[int, tuple] = {}
    ahead: set[int] = set()
    for row in db.exec(query).all():
        if row[5] is not None and row[5] > today:
            ahead.add(row[1])
            continue
        current = latest.get(row[1])
        if current is None or _placement_key(row) > _placement_key(current):
            latest[row[1]] = tuple(row)
    return latest, ahead - latest.keys()


def _placement_key(row: tuple) -> tuple[date, int]:
    return (row[5] or date.min, row[0] or 0)


def classify(db: Session, cohort: int | None = None, today: date | None = None) -> list[Person]:
    """Every graduate of the cohort (or of every cohort) with the column they count in.

    A placement counts from its start date on: a graduate whose only placements are still
    ahead counts as not placed until the first one starts.

    Two queries: the graduates, and their placements.
    """
    columns: list[Any] = [
        Graduate.id,
        Graduate.cohort,
        Graduate.graduation_date,
        Graduate.first_name,
        Graduate.last_name,
        Graduate.student_id,
        Graduate.outcome_status,
        Graduate.unavailable_reason,
        Graduate.deleted_at,
        Graduate.seeking,
    ]
    query = select(*columns).order_by(
        col(Graduate.last_name), col(Graduate.first_name), col(Graduate.id)
    )
    # Roster graduates only (imported from the roster, or confirmed by staff: both carry a
    # student_id); a self-registered, never-verified account counts nowhere.
    query = query.where(col(Graduate.student_id).is_not(None))
    # A duplicate merged into another record counts once, as that record.
    query = query.where(col(Graduate.merged_into_id).is_(None))
    if cohort is not None:
        query = query.where(Graduate.cohort == cohort)
    placements, starting_later = _latest_placements(db, cohort, today or dates.today())
    people: list[Person] = []
    for row in db.exec(query).all():
        graduate_id, year, graduated, first, last, student_id, status, reason, deleted, seeking = (
            row
        )
        year = year if year is not None else (graduated.year if graduated else None)
        if year is None:
            continue  # no graduation year: not part of any cohort yet
        placement = placements.get(graduate_id)
        if status == "unavailable":
            column = "unavailable"
        elif placement is not None:
            column = FIELD_COLUMNS.get(placement[4], "placed_out_of_field")
        elif graduate_id in starting_later:
            column = "not_placed"
        elif status in ("unknown", "placed"):
            column = "unknown"
        else:
            column = "not_placed"
        people.append(
            Person(
                graduate_id=graduate_id,
                cohort=year,
                name=f"{first} {last}".strip(),
                student_id=student_id,
                outcome_status=status,
                unavailable_reason=reason if status == "unavailable" else None,
                column=column,
                placement_id=placement[0] if placement else None,
                employer_name=placement[2] if placement else None,
                job_title=placement[3] if placement else None,
                field=placement[4] if placement else None,
                start_date=placement[5] if placement else None,
                verified=bool(placement and placement[6] is not None),
                verification_method=placement[7] if placement else None,
                reverified=bool(placement and placement[8] is not None),
                deleted=deleted is not None,
                seeking=seeking or "seeking",
                graduation_date=graduated,
            )
        )
    return people


def period_of(graduated: date) -> int:
    """The reporting year of a graduation date: `period` YYYY runs from July 1 of YYYY−1 to
    June 30 of YYYY (ABHES)."""
    return graduated.year + 1 if graduated.month >= 7 else graduated.year


def period_bounds(period: int) -> tuple[date, date]:
    """The first and last graduation dates of reporting year `period` (see `period_of`)."""
    return date(period - 1, 7, 1), date(period, 6, 30)


def by_period(people: Iterable[Person], period: int | None = None) -> list[Person]:
    """The graduates regrouped by reporting year (their `cohort` becomes the period), only
    `period` when given; a graduate without a graduation date belongs to no period."""
    regrouped: list[Person] = []
    for person in people:
        if person.graduation_date is None:
            continue
        year = period_of(person.graduation_date)
        if period is None or year == period:
            regrouped.append(dataclasses.replace(person, cohort=year))
    return regrouped


def tally(people: Iterable[Person]) -> list[OutcomeRow]:
    rows: dict[int, OutcomeRow] = {}
    for person in people:
        row = rows.setdefault(person.cohort, OutcomeRow(cohort=person.cohort))
        row.graduates += 1
        if person.column == "unavailable":
            row.unavailable += 1
            reason = person.unavailable_reason or "unspecified"
            row.unavailable_reasons[reason] = row.unavailable_reasons.get(reason, 0) + 1
            continue
        row.available += 1
        setattr(row, person.column, getattr(row, person.column) + 1)
        if person.column in ("placed_in_field", "placed_related_field"):
            row.verified += person.verified
            row.reverified += person.reverified
    return [rows[year] for year in sorted(rows)]


def outcome_rows(
    db: Session, cohort: int | None = None, today: date | None = None
) -> list[OutcomeRow]:
    """One row per cohort, oldest first (only `cohort` when given)."""
    return tally(classify(db, cohort, today))


def people(db: Session, cohort: int | None, column: str) -> list[Person]:
    """The graduates behind one figure of the report."""
    return behind(classify(db, cohort), column)


def behind(everyone: list[Person], column: str) -> list[Person]:
    """Of the classified graduates, those one figure of a rate report counts (`graduates`,
    `available`, `verified`, `reverified` or a column a graduate counts in)."""
    if column == "graduates":
        return everyone
    if column == "available":
        return [person for person in everyone if person.column != "unavailable"]
    if column in ("verified", "reverified"):
        return [
            person
            for person in everyone
            if person.column in ("placed_in_field", "placed_related_field")
            and getattr(person, column)
        ]
    return [person for person in everyone if person.column == column]


def cohorts(db: Session) -> list[int]:
    years = db.exec(select(Graduate.cohort).where(col(Graduate.cohort).is_not(None)).distinct())
    return sorted(int(year) for year in years if year is not None)


# -- output ---------------------------------------------------------------------------------


def _rate(value: float) -> str:
    return f"{value:.4f}"


class Row(Protocol):
    """A row of any profile's report: its figures in the order of its CSV columns."""

    cohort: int

    def as_record(self) -> dict[str, int | float]: ...


def render_csv(
    rows: Sequence[Row], columns: Sequence[str] = CSV_COLUMNS, *, first: str = "cohort"
) -> str:
    """The CSV: `columns` as the header (its first column named `first`: cohort or period)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([first, *columns[1:]])
    for row in rows:
        record = row.as_record()
        writer.writerow(
            [_rate(value) if name.endswith("_rate") else value for name, value in record.items()]
        )
    return buffer.getvalue()


def render_outcomes(
    rows: Sequence[Row], fmt: str, *, columns: Sequence[str] = CSV_COLUMNS, first: str = "cohort"
) -> str:
    """The report as `table` (for a terminal), `csv` (the contract's columns) or `json`;
    `first` names the grouping (cohort or period)."""
    if fmt == "csv":
        return render_csv(rows, columns, first=first)
    if fmt == "json":
        payload = []
        for row in rows:
            record: dict[str, object] = {first: row.cohort}
            record.update(
                (name, value) for name, value in row.as_record().items() if name != "cohort"
            )
            reasons = getattr(row, "unavailable_reasons", None)
            if reasons is not None:
                record["unavailable_reasons"] = dict(sorted(reasons.items()))
            payload.append(record)
        return json.dumps(payload, indent=2) + "\n"
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}")
    headings = [first, *columns[1:]]
    cells = [
        [
            _rate(value) if name.endswith("_rate") else str(value)
            for name, value in row.as_record().items()
        ]
        for row in rows
    ]
    widths = [
        max(len(heading), *(len(line[index]) for line in cells)) if cells else len(heading)
        for index, heading in enumerate(headings)
    ]
    lines = [
        "  ".join(heading.rjust(width) for heading, width in zip(headings, widths, strict=True))
    ]
    lines.append("  ".join("-" * width for width in widths))
    for line in cells:
        lines.append("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)))
    if not rows:
        lines.append("No graduates with a graduation year yet.")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Bar:
    """One bar of the chart, in SVG user units."""

    cohort: int
    rate: float
    x: float
    y: float
    width: float
    height: float
    label_y: float


def chart(rows: list[OutcomeRow], *, width: int = 640, height: int = 240) -> dict[str, object]:
    """Geometry of the placement-rate bar chart, drawn by the template as SVG."""
    top, bottom, left, right = 20, 36, 44, 12
    plot_height = height - top - bottom
    plot_width = width - left - right
    slot = plot_width / max(len(rows), 1)
    bar_width = min(64.0, slot * 0.6)
    bars = []
    for index, row in enumerate(rows):
        bar_height = round(plot_height * row.placement_rate, 1)
        x = round(left + index * slot + (slot - bar_width) / 2, 1)
        y = round(top + plot_height - bar_height, 1)
        bars.append(
            Bar(
                cohort=row.cohort,
                rate=row.placement_rate,
                x=x,
                y=y,
                width=round(bar_width, 1),
                height=bar_height,
                label_y=round(max(y - 4, top - 4), 1),
            )
        )
    ticks = [
        {"value": value, "y": round(top + plot_height * (1 - value), 1)}
        for value in (0, 0.25, 0.5, 0.75, 1)
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "baseline": top + plot_height,
        "bars": bars,
        "ticks": ticks,
        "axis_label_y": height - 12,
    }
