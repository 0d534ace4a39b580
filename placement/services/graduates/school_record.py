"""The school's record of a graduate, edited by staff."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from placement import formats
from placement.db import atomic
from placement.i18n import gettext
from placement.models import (
    Graduate,
    utcnow,
)
from placement.services import Actor, DomainError, audit, changes
from placement.services.graduates.profile import (
    MAX_RECORD_HOURS,
    check_graduation_date,
    get_graduate,
)


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
