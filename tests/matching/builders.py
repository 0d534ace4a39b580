"""Record builders and hypothesis strategies shared by the matching tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import strategies as st

from placement.matching.records import CredentialRecord, GraduateRecord, PositionRecord

TODAY = date(2026, 3, 1)
START = date(2026, 6, 1)

# Real ZIPs around the school, one in Nevada near the state line, one unknown, ZIP+4 and
# blanks: enough to exercise distance, the state-licence rule and the unknown-ZIP rule.
ZIPS = ["90001", "92701", "90802", "91101", "92618", "92363", "89109", "00000", "90001-1234", ""]
SETTINGS = ["hospital", "hospice", "oncology_center", "weird_setting"]
TYPES = ["full_time", "part_time", "per_diem"]
SLOTS = ["mon-am", "tue-pm", "wed-eve", "sat-am", "odd-slot"]
MODALITIES = ["swedish", "manual_lymphatic_drainage", "oncology", "trigger_point", "new_thing"]
CREDENTIALS = ["state_license", "camtc", "bls_cpr", "ncbtmb_board_certified", "tb_test"]
STATES = [None, "CA", "ca", "NV", " nv ", ""]
DATES = [
    None,
    date(2026, 1, 1),
    TODAY,
    date(2026, 5, 31),
    START,
    date(2026, 6, 2),
    date(2030, 1, 1),
]


def graduate(graduate_id: int = 1, **changes: Any) -> GraduateRecord:
    """A seeking, verified graduate in Los Angeles who meets `position()`'s requirements."""
    values: dict[str, Any] = {
        "id": graduate_id,
        "verified": True,
        "seeking": True,
        "visibility": "employers",
        "zip": "90001",
        "travel_radius_miles": 40,
        "training_hours": 600,
        "clinical_hours": 100,
        "settings": frozenset({"hospital"}),
        "employment_types": frozenset({"part_time"}),
        "availability": frozenset({"tue-pm", "thu-pm"}),
        "pay_expectation": 30.0,
        "modalities": {"manual_lymphatic_drainage": 2},
        "credentials": (
            CredentialRecord("camtc", "CA", date(2028, 1, 1), True),
            CredentialRecord("bls_cpr", None, date(2027, 1, 10), True),
        ),
    }
    values.update(changes)
    return GraduateRecord(**values)


def position(position_id: int = 1, **changes: Any) -> PositionRecord:
    """A part-time hospital position in Santa Ana (about 27 miles from 90001)."""
    values: dict[str, Any] = {
        "id": position_id,
        "employer_id": 1,
        "zip": "92701",
        "setting": "hospital",
        "employment_type": "part_time",
        "pay_min": 28.0,
        "pay_max": 34.0,
        "start_date": START,
        "min_training_hours": 500,
        "shifts": frozenset({"tue-pm"}),
        "required_modalities": frozenset({"manual_lymphatic_drainage"}),
        "preferred_modalities": frozenset({"oncology"}),
        "required_credentials": frozenset({"state_license", "bls_cpr"}),
        "preferred_credentials": frozenset({"ncbtmb_board_certified"}),
    }
    values.update(changes)
    return PositionRecord(**values)


def _subset(items: list[str]) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(items), max_size=len(items))


credentials = st.builds(
    CredentialRecord,
    code=st.sampled_from(CREDENTIALS),
    state=st.sampled_from(STATES),
    expires_on=st.sampled_from(DATES),
    verified=st.booleans(),
)


@st.composite
def graduates(draw: st.DrawFn, graduate_id: int) -> GraduateRecord:
    return GraduateRecord(
        id=graduate_id,
        verified=draw(st.booleans()),
        seeking=draw(st.booleans()),
        visibility=draw(st.sampled_from(["private", "staff", "employers", "unknown"])),
        zip=draw(st.sampled_from([*ZIPS, None])),
        travel_radius_miles=draw(st.sampled_from([None, 0, 5, 27, 30, 60, 400])),
        training_hours=draw(st.sampled_from([0, 499, 500, 750])),
        clinical_hours=draw(st.sampled_from([-5, 0, 37, 249, 250, 400])),
        settings=draw(_subset(SETTINGS)),
        employment_types=draw(_subset(TYPES)),
        availability=draw(_subset(SLOTS)),
        pay_expectation=draw(st.sampled_from([None, 0.0, 22.5, 30, 31.3, 45.0])),
        modalities=draw(st.dictionaries(st.sampled_from(MODALITIES), st.integers(-1, 4))),
        credentials=tuple(draw(st.lists(credentials, max_size=4))),
    )


@st.composite
def positions(draw: st.DrawFn, position_id: int) -> PositionRecord:
    pay_min = draw(st.sampled_from([None, 20.0, 28, 33.3]))
    return PositionRecord(
        id=position_id,
        employer_id=draw(st.integers(1, 3)),
        zip=draw(st.sampled_from([*ZIPS, None])),
        setting=draw(st.sampled_from(SETTINGS)),
        employment_type=draw(st.sampled_from(TYPES)),
        pay_min=pay_min,
        pay_max=draw(st.sampled_from([None, 25.0, 30, 40.0])),
        start_date=draw(st.sampled_from([None, date(2026, 1, 15), TODAY, START])),
        min_training_hours=draw(st.sampled_from([0, 500, 600])),
        shifts=draw(_subset(SLOTS)),
        required_modalities=draw(st.frozensets(st.sampled_from(MODALITIES), max_size=2)),
        preferred_modalities=draw(_subset(MODALITIES)),
        required_credentials=draw(st.frozensets(st.sampled_from(CREDENTIALS), max_size=2)),
        preferred_credentials=draw(_subset(CREDENTIALS)),
        # may name codes that are not required: those mean nothing
        verified_credentials=draw(st.frozensets(st.sampled_from(CREDENTIALS), max_size=2)),
    )


@st.composite
def populations(
    draw: st.DrawFn, max_graduates: int = 12, max_positions: int = 6
) -> tuple[list[GraduateRecord], list[PositionRecord]]:
    g_ids = draw(st.lists(st.integers(0, 60), max_size=max_graduates, unique=True))
    p_ids = draw(st.lists(st.integers(0, 30), max_size=max_positions, unique=True))
    return [draw(graduates(i)) for i in g_ids], [draw(positions(i)) for i in p_ids]
