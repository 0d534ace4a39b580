"""The rules of a position's form: what an employer may set, and every check that spans
fields or needs today's date. `save_position` runs them again, so no caller can skip them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from placement import dates, geo, taxonomy
from placement.formats import number
from placement.i18n import gettext
from placement.localtime import format_date
from placement.models import Position

MAX_OPENINGS = 100
MAX_TRAINING_HOURS = 5000
MAX_PAY = 500.0


@dataclass(frozen=True)
class PositionInput:
    """What an employer may set on a position; nothing else from a form reaches the row."""

    title: str
    description: str
    setting: str
    employment_type: str
    pay_min: float | None
    pay_max: float | None
    zip: str
    start_date: date | None
    openings: int
    min_training_hours: int
    closes_on: date | None
    shifts: tuple[str, ...] = ()
    required_modalities: tuple[str, ...] = ()
    preferred_modalities: tuple[str, ...] = ()
    required_credentials: tuple[str, ...] = ()
    preferred_credentials: tuple[str, ...] = ()
    # Required credentials that count only once career services verified them.
    verified_credentials: tuple[str, ...] = ()

    def requirements(self) -> set[tuple[str, str, bool]]:
        return {
            *(("modality", code, True) for code in self.required_modalities),
            *(("modality", code, False) for code in self.preferred_modalities),
            *(("credential", code, True) for code in self.required_credentials),
            *(("credential", code, False) for code in self.preferred_credentials),
        }


def input_problems(
    data: PositionInput, *, today: date, previous: Position | None = None
) -> dict[str, str]:
    """Every rule that spans fields or needs today's date, as {field: message}.

    Single-field checks (lengths, formats, ranges, known codes) happen while the form is read;
    `save_position` runs this again so no caller can skip it.
    """
    problems: dict[str, str] = {}
    if not data.title.strip():
        problems["title"] = gettext("This field is required.")
    elif len(data.title) > 200:
        problems["title"] = gettext(
            "Use at most %(max)s characters (this has %(n)s).", max=200, n=len(data.title)
        )
    if len(data.description) > 20000:
        problems["description"] = gettext("Use at most %(max)s characters.", max=number(20000))
    if data.setting not in taxonomy.SETTINGS:
        problems["setting"] = gettext("Choose one of the options offered.")
    if data.employment_type not in taxonomy.EMPLOYMENT_TYPES:
        problems["employment_type"] = gettext("Choose one of the options offered.")
    if data.pay_min is not None and data.pay_max is not None and data.pay_min > data.pay_max:
        high, low = "$" + format(data.pay_max, "g"), "$" + format(data.pay_min, "g")
        problems["pay_max"] = gettext(
            "The highest pay (%(high)s) is below the lowest (%(low)s).", high=high, low=low
        )
    if not geo.is_known(data.zip):
        problems["zip"] = gettext("%(zip)s is not a US ZIP code we know.", zip=data.zip)
    if not 1 <= data.openings <= MAX_OPENINGS:
        problems["openings"] = gettext(
            "Enter a number from %(low)s to %(high)s.", low=1, high=MAX_OPENINGS
        )
    if not 0 <= data.min_training_hours <= MAX_TRAINING_HOURS:
        problems["min_training_hours"] = gettext(
            "Enter a number from %(low)s to %(high)s.", low=0, high=number(MAX_TRAINING_HOURS)
        )
    horizon = dates.years_after(today, 2)
    if data.start_date is not None:
        unchanged = previous is not None and previous.start_date == data.start_date
        if data.start_date < today and not unchanged:
            problems["start_date"] = gettext(
                "The start date has passed: choose today or a later date."
            )
        elif data.start_date > horizon:
            problems["start_date"] = gettext("Choose a start date within the next two years.")
    if data.closes_on is not None:
        if data.closes_on < today:
            problems["closes_on"] = gettext(
                "The closing date has passed: choose today or a later date."
            )
        elif data.closes_on > horizon:
            problems["closes_on"] = gettext("Choose a closing date within the next two years.")
        elif data.start_date is not None and data.closes_on > data.start_date:
            problems["closes_on"] = gettext(
                "Applications should close on or before the start date (%(start)s).",
                start=format_date(data.start_date),
            )
    for name, codes, vocabulary in (
        ("shifts", data.shifts, taxonomy.SLOTS),
        ("required_modalities", data.required_modalities, taxonomy.MODALITIES),
        ("preferred_modalities", data.preferred_modalities, taxonomy.MODALITIES),
        ("required_credentials", data.required_credentials, taxonomy.CREDENTIALS),
        ("preferred_credentials", data.preferred_credentials, taxonomy.CREDENTIALS),
        ("verified_credentials", data.verified_credentials, taxonomy.CREDENTIALS),
    ):
        unknown = [code for code in codes if code not in vocabulary]
        if unknown:
            problems[name] = gettext("Unknown choice: %(code)s.", code=repr(unknown[0][:40]))
    for kind, required, preferred, vocabulary in (
        (
            "modalities",
            data.required_modalities,
            data.preferred_modalities,
            taxonomy.MODALITIES,
        ),
        (
            "credentials",
            data.required_credentials,
            data.preferred_credentials,
            taxonomy.CREDENTIALS,
        ),
    ):
        both = sorted(set(required) & set(preferred))
        if both:
            names = ", ".join(taxonomy.label(vocabulary, code) for code in both)
            problems.setdefault(
                f"preferred_{kind}",
                gettext(
                    "%(names)s: already required. Mark each as required or preferred, not both.",
                    names=names,
                ),
            )
    not_required = [
        code for code in data.verified_credentials if code not in data.required_credentials
    ]
    if not_required and "verified_credentials" not in problems:
        names = ", ".join(taxonomy.label(taxonomy.CREDENTIALS, code) for code in not_required)
        problems["verified_credentials"] = gettext(
            "%(names)s: only a required credential can be asked for verified. Mark it as "
            "required too, or untick it here.",
            names=names,
        )
    return problems
