"""Reading the roster CSV: its columns and limits, and each row checked (every problem named by
its line)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from placement import formats
from placement.i18n import gettext
from placement.services.graduates import graduation_date_problem

COLUMNS = (
    "student_id",
    "first_name",
    "last_name",
    "email",
    "program",
    "graduation_date",
    "training_hours",
)
# An optional last column: the clinical hours matching uses, so the figure has an owner.
OPTIONAL_COLUMNS = ("clinical_hours",)
MAX_LENGTHS = {
    "student_id": 40,
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "program": 200,
}
MAX_HOURS = 10_000
MAX_ROWS = 50_000
# The same rule as the web forms' e-mail field.
EMAIL_PATTERN = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$"
)
STUDENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass(frozen=True)
class RosterRow:
    line: int
    student_id: str
    first_name: str
    last_name: str
    email: str
    program: str
    graduation_date: date
    training_hours: int
    clinical_hours: int | None = None


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM); bytes that are not UTF-8 survive as surrogates so the
    row they are in can be named instead of failing the whole file."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", errors="surrogateescape")


def _has_bad_bytes(text: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in text)


def parse(data: bytes) -> tuple[list[RosterRow], list[RowError]]:
    """Every valid row and every problem with its line number (the header is line 1)."""
    errors: list[RowError] = []
    if not data.strip():
        return [], [RowError(1, gettext("The file is empty: the first line must be the header."))]
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        header = next(reader)
    except (csv.Error, StopIteration):
        return [], [RowError(1, gettext("The first line could not be read as CSV."))]
    names = [name.strip().lower() for name in header]
    columns = tuple(names) if names == [*COLUMNS, *OPTIONAL_COLUMNS] else COLUMNS
    if _has_bad_bytes(",".join(header)) or names != list(columns):
        missing = [name for name in COLUMNS if name not in names]
        extra = [name for name in names if name not in (*COLUMNS, *OPTIONAL_COLUMNS)]
        wanted = ",".join(COLUMNS)
        absent = ", ".join(missing)
        unknown = ", ".join(repr(name[:40]) for name in extra[:5])
        if missing and len(missing) == len(COLUMNS):
            message = gettext("The first line must be the header: %(columns)s.", columns=wanted)
        elif missing and extra:
            message = gettext(
                "The header has missing column(s) %(missing)s and unknown column(s) "
                "%(unknown)s: use %(columns)s.",
                missing=absent,
                unknown=unknown,
                columns=wanted,
            )
        elif missing:
            message = gettext(
                "The header has missing column(s) %(missing)s: use %(columns)s.",
                missing=absent,
                columns=wanted,
            )
        elif extra:
            message = gettext(
                "The header has unknown column(s) %(unknown)s: use %(columns)s.",
                unknown=unknown,
                columns=wanted,
            )
        else:
            message = gettext(
                "The header's columns must be in this order: %(columns)s.", columns=wanted
            )
        return [], [RowError(1, message)]

    rows: list[RosterRow] = []
    seen_ids: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    line = 1
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(
                RowError(
                    reader.line_num or start,
                    gettext("This line is not valid CSV: %(error)s.", error=error),
                )
            )
            break
        line = start
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append(
                RowError(
                    line,
                    gettext(
                        "The file has more than %(max)s rows: split it.",
                        max=formats.number(MAX_ROWS),
                    ),
                )
            )
            break
        if not any(value.strip() for value in values):
            continue  # blank lines, e.g. at the end of the file
        row, problem = _check_row(line, values, columns)
        if problem is not None:
            errors.append(problem)
            continue
        assert row is not None
        key = row.student_id.lower()
        if key in seen_ids:
            errors.append(
                RowError(
                    line,
                    gettext(
                        "student_id %(id)s already appears on line %(line)s.",
                        id=row.student_id,
                        line=seen_ids[key],
                    ),
                )
            )
            continue
        if row.email in seen_emails:
            errors.append(
                RowError(
                    line,
                    gettext(
                        "The e-mail %(email)s already appears on line %(line)s.",
                        email=row.email,
                        line=seen_emails[row.email],
                    ),
                )
            )
            continue
        seen_ids[key] = line
        seen_emails[row.email] = line
        rows.append(row)
    return rows, errors


def _check_row(
    line: int, values: list[str], columns: tuple[str, ...] = COLUMNS
) -> tuple[RosterRow | None, RowError | None]:
    if _has_bad_bytes("".join(values)):
        return None, RowError(
            line,
            gettext("This row has characters that are not UTF-8: save the file as “CSV UTF-8”."),
        )
    if len(values) != len(columns):
        return None, RowError(
            line,
            gettext(
                "Expected %(expected)s values, found %(found)s: check the commas.",
                expected=len(columns),
                found=len(values),
            ),
        )
    cells = {name: value.strip() for name, value in zip(columns, values, strict=True)}
    for name in columns:
        if "\x00" in cells[name]:
            return None, RowError(
                line, gettext("%(column)s contains a NUL character.", column=name)
            )
        if any(char in cells[name] for char in "\r\n"):
            return None, RowError(
                line, gettext("%(column)s spans several lines: keep it on one.", column=name)
            )
        if not cells[name]:
            return None, RowError(line, gettext("%(column)s is empty.", column=name))
        limit = MAX_LENGTHS.get(name)
        if limit and len(cells[name]) > limit:
            return None, RowError(
                line,
                gettext("%(column)s is longer than %(max)s characters.", column=name, max=limit),
            )
    if not STUDENT_ID_PATTERN.match(cells["student_id"]):
        return None, RowError(
            line,
            gettext(
                "student_id %(value)s may hold only letters, digits and . _ / -.",
                value=repr(cells["student_id"][:40]),
            ),
        )
    email = cells["email"].lower()
    if not EMAIL_PATTERN.match(email):
        return None, RowError(
            line,
            gettext("email %(value)s is not an e-mail address.", value=repr(cells["email"][:80])),
        )
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", cells["graduation_date"]):
            raise ValueError
        graduated = date.fromisoformat(cells["graduation_date"])
        if graduation_date_problem(graduated):
            raise ValueError
    except ValueError:
        return None, RowError(
            line,
            gettext(
                "graduation_date %(value)s is not a date as YYYY-MM-DD (for example 2025-06-15).",
                value=repr(cells["graduation_date"][:20]),
            ),
        )
    hours_text = cells["training_hours"]
    if not re.fullmatch(r"[0-9]{1,6}", hours_text):
        return None, RowError(
            line,
            gettext(
                "training_hours %(value)s is not a whole number of hours.",
                value=repr(hours_text[:20]),
            ),
        )
    hours = int(hours_text)
    if hours > MAX_HOURS:
        return None, RowError(
            line,
            gettext(
                "training_hours %(value)s is more than %(max)s.",
                value=hours,
                max=formats.number(MAX_HOURS),
            ),
        )
    clinical = None
    if "clinical_hours" in cells:
        clinical_text = cells["clinical_hours"]
        if not re.fullmatch(r"[0-9]{1,6}", clinical_text) or int(clinical_text) > MAX_HOURS:
            return None, RowError(
                line,
                gettext(
                    "clinical_hours %(value)s is not a whole number of hours up to %(max)s.",
                    value=repr(clinical_text[:20]),
                    max=formats.number(MAX_HOURS),
                ),
            )
        clinical = int(clinical_text)
    return (
        RosterRow(
            line=line,
            student_id=cells["student_id"],
            first_name=cells["first_name"],
            last_name=cells["last_name"],
            email=email,
            program=cells["program"],
            graduation_date=graduated,
            training_hours=hours,
            clinical_hours=clinical,
        ),
        None,
    )
