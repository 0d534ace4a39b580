"""How complete a graduate's profile is (the dashboard's checklist)."""

from __future__ import annotations

from dataclasses import dataclass

from placement.i18n import gettext
from placement.models import (
    Graduate,
    GraduateCredential,
    split_codes,
)


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
