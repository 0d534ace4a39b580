"""What pages show of positions: the employer's list with its counts, a position's
requirements in taxonomy order, the review queue's before and after, the public page of one
position, and the search's result card (`PositionCard`, filled by `positions.search`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import case, func, select
from sqlmodel import Session

from placement import dates, geo, taxonomy
from placement.formats import money
from placement.i18n import N_, Labels, gettext
from placement.models import (
    Application,
    ApplicationStage,
    Employer,
    Position,
    PositionRequirement,
    core_table,
    split_codes,
)
from placement.services import NotFound, visibility
from placement.services.positions.lifecycle import REVIEWED_FIELDS, _reviewed_snapshot, _snapshot

ACTIVE_STAGES = ("submitted", "screening", "interview", "offer")

_P = core_table(Position).c
_E = core_table(Employer).c
_R = core_table(PositionRequirement).c
_A = core_table(Application).c


def requirements_of(db: Session, position_id: int) -> dict[str, list[str]]:
    """{"required_modalities": [...], "preferred_modalities": [...], ...} in taxonomy order."""
    rows = db.execute(
        select(_R.kind, _R.code, _R.required, _R.verified_only).where(_R.position_id == position_id)
    ).all()
    return _group_requirements(rows)


_PLURAL = {"modality": "modalities", "credential": "credentials"}


def _group_requirements(rows: Any) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {
        "required_modalities": [],
        "preferred_modalities": [],
        "required_credentials": [],
        "preferred_credentials": [],
        "verified_credentials": [],
    }
    for kind, code, required, *verified_only in rows:
        key = f"{'required' if required else 'preferred'}_{_PLURAL.get(kind, kind)}"
        if key in grouped:
            grouped[key].append(code)
        if key == "required_credentials" and verified_only and verified_only[0]:
            grouped["verified_credentials"].append(code)
    for key, codes in grouped.items():
        vocabulary = taxonomy.MODALITIES if key.endswith("modalities") else taxonomy.CREDENTIALS
        grouped[key] = _ordered(codes, vocabulary)
    return grouped


_ORDER = {
    id(taxonomy.MODALITIES): {code: index for index, code in enumerate(taxonomy.MODALITIES)},
    id(taxonomy.CREDENTIALS): {code: index for index, code in enumerate(taxonomy.CREDENTIALS)},
}


_SLOT_ORDER = {slot: index for index, slot in enumerate(taxonomy.SLOTS)}


def ordered_slots(codes: list[str]) -> list[str]:
    """Shift slots in the week's order (Monday morning first), not alphabetically."""
    return sorted(codes, key=lambda slot: (_SLOT_ORDER.get(slot, len(_SLOT_ORDER)), slot))


def _ordered(codes: list[str], vocabulary: dict[str, taxonomy.Term]) -> list[str]:
    """Codes in the taxonomy's order (how forms list them), unknown ones last."""
    order = _ORDER[id(vocabulary)]
    return sorted(codes, key=lambda code: (order.get(code, len(order)), code))


class EmployerPositionRow(NamedTuple):
    id: int
    title: str
    status: str
    closes_on: date | None
    openings: int
    candidates: int
    active: int
    hired: int
    updated_at: Any


def employer_positions(db: Session, employer_id: int) -> list[EmployerPositionRow]:
    """The employer's positions with candidate counts, in one query."""
    stage = _A.stage
    rows = db.execute(
        select(
            _P.id,
            _P.title,
            _P.status,
            _P.closes_on,
            _P.openings,
            func.count(_A.id),
            func.coalesce(func.sum(case((stage.in_(ACTIVE_STAGES), 1), else_=0)), 0),
            func.coalesce(func.sum(case((stage == ApplicationStage.HIRED, 1), else_=0)), 0),
            _P.updated_at,
        )
        .select_from(
            core_table(Position).outerjoin(core_table(Application), _A.position_id == _P.id)
        )
        .where(_P.employer_id == employer_id)
        .group_by(_P.id)
        .order_by(_P.id.desc())
    ).all()
    return [EmployerPositionRow(*row) for row in rows]


def stage_counts(db: Session, position_id: int) -> dict[str, int]:
    rows = db.execute(
        select(_A.stage, func.count()).where(_A.position_id == position_id).group_by(_A.stage)
    ).all()
    return {stage: int(count) for stage, count in rows}


@dataclass(frozen=True)
class ReviewChange:
    """One reviewed field of a position sent back to review: what staff approved, what now."""

    field: str
    label: str
    before: str
    after: str


_REVIEW_LABELS = Labels(
    {
        "title": N_("Title"),
        "description": N_("Description"),
        "pay_min": N_("Pay from (USD/h)"),
        "pay_max": N_("Pay to (USD/h)"),
        "min_training_hours": N_("Minimum training hours"),
        "requirements": N_("Requirements"),
        "verified": N_("Credentials counted only once verified"),
    }
)


def review_changes(db: Session, positions: Sequence[Position]) -> dict[int, list[ReviewChange]]:
    """For each position back in review after an edit, the reviewed fields whose value differs
    from what staff approved (in one query for the page's requirements); a position never
    approved has none (it is a new submission)."""
    waiting = [p for p in positions if p.id is not None and p.approved_values]
    if not waiting:
        return {}
    ids = [p.id for p in waiting]
    requirements: dict[int, set[tuple[str, str, bool]]] = {i: set() for i in ids if i}
    verified: dict[int, list[str]] = {i: [] for i in ids if i}
    for row in db.execute(
        select(_R.position_id, _R.kind, _R.code, _R.required, _R.verified_only).where(
            _R.position_id.in_(ids)
        )
    ).all():
        requirements[row[0]].add((row[1], row[2], row[3]))
        if row[4]:
            verified[row[0]].append(row[2])
    result: dict[int, list[ReviewChange]] = {}
    for position in waiting:
        assert position.id is not None
        try:
            approved = json.loads(position.approved_values or "{}")
        except ValueError:
            continue
        now = _reviewed_snapshot(
            _snapshot(
                {
                    name: getattr(position, name)
                    for name in (*REVIEWED_FIELDS, "min_training_hours")
                },
                requirements[position.id],
                position.status,
            ),
            sorted(verified[position.id]),
        )
        result[position.id] = [
            ReviewChange(name, _REVIEW_LABELS[name], _shown(approved.get(name)), _shown(value))
            for name, value in now.items()
            if _shown(approved.get(name)) != _shown(value)
        ]
    return result


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    if isinstance(value, float):
        return money(value)
    return str(value)


class PositionCard(NamedTuple):
    """One search result: exactly what `_partials/position_card.html` shows."""

    id: int
    title: str
    employer_name: str
    setting: str
    employment_type: str
    pay_min: float | None
    pay_max: float | None
    zip: str
    start_date: date | None
    closes_on: date | None
    distance: float | None = None
    required_modalities: tuple[str, ...] = ()
    required_credentials: tuple[str, ...] = ()

    # Labels as plain properties: cheaper for a template than calling label() per card.
    @property
    def setting_label(self) -> str:
        return taxonomy.label(taxonomy.SETTINGS, self.setting)

    @property
    def employment_type_label(self) -> str:
        return taxonomy.label(taxonomy.EMPLOYMENT_TYPES, self.employment_type)

    @property
    def pay_text(self) -> str:
        return pay_range(self.pay_min, self.pay_max)

    @property
    def required_labels(self) -> list[str]:
        return [
            *(taxonomy.label(taxonomy.MODALITIES, code) for code in self.required_modalities),
            *(taxonomy.label(taxonomy.CREDENTIALS, code) for code in self.required_credentials),
        ]


def pay_range(pay_min: float | None, pay_max: float | None) -> str:
    """The pay as people read it: "$28–$36 an hour", "$30 an hour" or "Pay not stated"."""
    if pay_min is None and pay_max is None:
        return gettext("Pay not stated")
    if pay_min is None or pay_max is None or pay_min == pay_max:
        amount = pay_min if pay_min is not None else pay_max or 0
        return gettext("%(pay)s an hour", pay=money(amount))
    return gettext("%(low)s–%(high)s an hour", low=money(pay_min), high=money(pay_max))


@dataclass
class PublicPosition:
    id: int
    title: str
    description: str
    setting: str
    employment_type: str
    pay_min: float | None
    pay_max: float | None
    zip: str
    start_date: date | None
    closes_on: date | None
    openings: int
    min_training_hours: int
    shifts: list[str]
    employer_name: str
    employer_website: str
    employer_kind: str
    requirements: dict[str, list[str]]
    employer_id: int = 0

    @property
    def place(self) -> str:
        point = geo.lookup(self.zip)
        return f"{self.zip}, {point.state}" if point else self.zip


_PUBLIC_FROM = core_table(Position).join(core_table(Employer), _E.id == _P.employer_id)


def public_position(db: Session, position_id: int, today: date | None = None) -> PublicPosition:
    """A position anyone may read; NotFound unless open, approved and not past its closing."""
    today = today or dates.today()
    if not 0 < position_id < 2**31:
        raise NotFound
    row = db.execute(
        select(
            _P.id,
            _P.title,
            _P.description,
            _P.setting,
            _P.employment_type,
            _P.pay_min,
            _P.pay_max,
            _P.zip,
            _P.start_date,
            _P.closes_on,
            _P.openings,
            _P.min_training_hours,
            _P.shifts,
            _E.name,
            _E.website,
            _E.kind,
            _P.employer_id,
        )
        .select_from(_PUBLIC_FROM)
        .where(_P.id == position_id, visibility.public_position(today))
    ).first()
    if row is None:
        raise NotFound
    # mypy cannot count a slice: the row's first 12 columns are exactly the first 12 fields.
    found = PublicPosition(  # type: ignore[misc]
        *row[:12],
        shifts=ordered_slots(split_codes(row[12])),
        employer_name=row[13],
        employer_website=row[14],
        employer_kind=row[15],
        requirements=requirements_of(db, position_id),
    )
    found.employer_id = row[16]
    return found
