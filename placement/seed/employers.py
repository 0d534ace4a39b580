"""Employers of the demo region, their first users and the positions they post."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from placement import dates
from placement.models import (
    Employer,
    EmployerMember,
    Position,
    PositionRequirement,
    User,
    core_table,
    join_codes,
    utcnow,
)
from placement.npi import npi_with_check_digit
from placement.seed import DEMO_EMPLOYER_EMAIL, Progress
from placement.seed.places import REGION_ZIPS
from placement.services import search

NAMED_EMPLOYERS = (
    ("Harborview Medical Center", "hospital"),
    ("Pacific Coast Rehabilitation Institute", "rehabilitation_center"),
    ("Seabreeze Skilled Nursing", "nursing_home"),
    ("Sunset Hills Hospice", "hospice"),
    ("Orange Grove Cancer Center", "oncology_center"),
    ("Valley Physical Therapy Group", "physical_therapy"),
    ("Mission Integrative Health", "integrative_clinic"),
    ("Westside Sports Medicine", "sports_medicine"),
    ("Los Feliz Outpatient Clinic", "outpatient_clinic"),
    ("Cedar Grove Chiropractic", "chiropractic"),
    ("St. Brigid Community Hospital", "hospital"),
    ("Laguna Palliative Care", "hospice"),
)
PREFIXES = (
    "Bayside",
    "Canyon",
    "Coastal",
    "Golden State",
    "Harbor",
    "Mesa",
    "Pacific",
    "Palm",
    "Ridgeview",
    "Saddleback",
    "San Gabriel",
    "Santa Ana",
    "Valley",
    "Vista",
)
KIND_NOUNS = {
    "hospital": "Medical Center",
    "rehabilitation_center": "Rehabilitation Center",
    "nursing_home": "Care Center",
    "hospice": "Hospice",
    "outpatient_clinic": "Clinic",
    "physical_therapy": "Physical Therapy",
    "chiropractic": "Chiropractic",
    "oncology_center": "Cancer Institute",
    "sports_medicine": "Sports Medicine",
    "integrative_clinic": "Integrative Medicine",
}


def _organisation(rng: random.Random, index: int) -> tuple[str, str]:
    if index < len(NAMED_EMPLOYERS):
        return NAMED_EMPLOYERS[index]
    kind = rng.choice(tuple(KIND_NOUNS))
    return f"{rng.choice(PREFIXES)} {KIND_NOUNS[kind]} {index}", kind


def _slug(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())[:24]


HELD_CHANGE_INDEX = 1  # Pacific Coast Rehabilitation Institute


def seed_employers(
    db: Session,
    rng: random.Random,
    *,
    employers: int,
    positions: int,
    password_hash: str,
    progress: Progress,
) -> dict[str, int]:
    created: list[Employer] = []
    for index in range(employers):
        name, kind = _organisation(rng, index)
        # Most are approved; the last few wait for review so the staff queue is not empty.
        status = "pending" if employers > 4 and index >= employers - 2 else "approved"
        employer = Employer(
            name=name,
            kind=kind,
            zip=rng.choice(REGION_ZIPS),
            website=f"https://www.{_slug(name)}.example",
            phone=f"(562) 555-{1000 + index:04d}"[:14],
            npi=npi_with_check_digit(f"1{rng.randrange(10**8):08d}"),
            status=status,
        )
        if status == "approved" and employers > 4 and index == HELD_CHANGE_INDEX:
            # An approved organisation asking to become someone else: the staff queue's
            # held change (`/staff/employers?status=changes`), with its review signals.
            employer.held_changes = json.dumps(
                {
                    "name": "Pacific Coast Relax Spa 24/7",
                    "npi": None,
                    "website": "https://www.relaxspa24hr.example",
                },
                sort_keys=True,
            )
            employer.held_at = utcnow()
        db.add(employer)
        created.append(employer)
    db.flush()
    for index, employer in enumerate(created):
        email = (
            DEMO_EMPLOYER_EMAIL if index == 0 else f"hiring{index}@{_slug(employer.name)}.example"
        )
        user = User(
            email=email,
            role="employer",
            name=f"Hiring team {index + 1}",
            password_hash=password_hash,
            # Every member confirmed the address but the last registration, which waits in
            # the staff queue with its "not confirmed" signal.
            email_confirmed_at=None if index == len(created) - 1 and employers > 4 else utcnow(),
        )
        db.add(user)
        db.flush()
        db.add(EmployerMember(employer_id=employer.id or 0, user_id=user.id or 0, is_owner=True))
        progress.advance(1, "employers")
    db.flush()
    # Positions draw from their own generator, seeded from (not advancing) the shared one,
    # so the graduates generated next are the same whatever the number of positions.
    position_rng = random.Random(repr(rng.getstate()))  # hash() of None varies per process
    count = seed_positions(db, position_rng, created, positions=positions, progress=progress)
    db.flush()
    return {"employers": len(created), "positions": count}


# -- positions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    """What a kind of employer typically posts: titles, requirements, pay and hours."""

    titles: tuple[str, ...]
    duties: tuple[str, ...]
    required_modalities: tuple[tuple[str, ...], ...]
    preferred_modalities: tuple[str, ...]
    required_credentials: tuple[str, ...]
    preferred_credentials: tuple[str, ...]
    pay: tuple[int, int]
    hours: tuple[int, ...]
    employment: tuple[str, ...]


_CORE_HEALTH = ("bls_cpr", "background_check", "tb_test", "immunizations", "hipaa_training")
KINDS: dict[str, _Kind] = {
    "hospital": _Kind(
        titles=(
            "Medical Massage Therapist, Inpatient Oncology",
            "Hospital-Based Massage Therapist",
            "Massage Therapist, Lymphedema Program",
            "Integrative Medicine Massage Therapist",
            "Massage Therapist, Cardiac Surgery Recovery",
        ),
        duties=(
            "You will give bedside massage to inpatients on the oncology and surgical floors, "
            "adapting pressure and position to lines, drains and fragile skin.",
            "Sessions are ordered by the care team and documented in the electronic health "
            "record after every visit.",
            "You will work with nurses, physical therapists and the palliative care team.",
        ),
        required_modalities=(
            ("medical_massage", "manual_lymphatic_drainage"),
            ("medical_massage", "oncology"),
            ("manual_lymphatic_drainage",),
        ),
        preferred_modalities=("oncology", "post_surgical", "geriatric", "positional_release"),
        required_credentials=("camtc", "bls_cpr", "background_check", "tb_test"),
        preferred_credentials=(
            "hospital_based_massage_cert",
            "oncology_massage_cert",
            "clt_lymphedema",
            "ncbtmb_board_certified",
        ),
        pay=(30, 45),
        hours=(750, 1000),
        employment=("full_time", "part_time", "per_diem"),
    ),
    "rehabilitation_center": _Kind(
        titles=(
            "Clinical Massage Therapist, Inpatient Rehabilitation",
            "Neuromuscular Massage Therapist",
            "Massage Therapist, Orthopedic Rehabilitation",
        ),
        duties=(
            "You will treat patients recovering from joint replacement, spinal surgery and "
            "stroke, alongside their physical and occupational therapists.",
            "Treatment goals come from the rehabilitation plan; you chart progress in each "
            "patient's record.",
        ),
        required_modalities=(
            ("myofascial_release", "trigger_point"),
            ("neuromuscular", "orthopedic"),
            ("myofascial_release", "orthopedic"),
        ),
        preferred_modalities=("stretching_pnf", "muscle_energy", "post_surgical", "scar_tissue"),
        required_credentials=("state_license", "bls_cpr", "liability_insurance"),
        preferred_credentials=("ncbtmb_board_certified", "background_check"),
        pay=(28, 40),
        hours=(600, 750),
        employment=("full_time", "part_time"),
    ),
    "nursing_home": _Kind(
        titles=(
            "Geriatric Massage Therapist",
            "Massage Therapist, Skilled Nursing and Memory Care",
        ),
        duties=(
            "You will give gentle, seated and bedside massage to long-term residents, many "
            "living with dementia, arthritis or after a fall.",
            "Short sessions, calm hands and good notes for the nursing staff matter here.",
        ),
        required_modalities=(("geriatric",), ("geriatric", "swedish")),
        preferred_modalities=("hospice_comfort", "chair", "reflexology"),
        required_credentials=("state_license", "tb_test", "background_check", "immunizations"),
        preferred_credentials=("bls_cpr", "hipaa_training"),
        pay=(24, 32),
        hours=(500, 600),
        employment=("part_time", "per_diem", "full_time"),
    ),
    "hospice": _Kind(
        titles=(
            "Hospice Massage Therapist",
            "Comfort Care Massage Therapist, Home Hospice",
        ),
        duties=(
            "You will offer comfort touch to patients at the end of life, at home and in "
            "our inpatient unit, and teach simple techniques to their families.",
            "You are part of the interdisciplinary team with nurses, chaplains and social "
            "workers and attend its weekly meeting.",
        ),
        required_modalities=(("hospice_comfort",), ("hospice_comfort", "geriatric")),
        preferred_modalities=(
            "geriatric",
            "reflexology",
            "acupressure",
            "manual_lymphatic_drainage",
        ),
        required_credentials=("state_license", "background_check", "tb_test"),
        preferred_credentials=("bls_cpr", "hipaa_training"),
        pay=(26, 36),
        hours=(500, 600),
        employment=("per_diem", "part_time"),
    ),
    "oncology_center": _Kind(
        titles=(
            "Oncology Massage Therapist",
            "Lymphedema Massage Therapist (MLD)",
        ),
        duties=(
            "You will give oncology massage to patients in active treatment and survivorship, "
            "in the infusion suite and in private treatment rooms.",
            "You will follow the centre's safety guidelines for ports, radiation sites and "
            "low blood counts.",
        ),
        required_modalities=(("oncology",), ("oncology", "manual_lymphatic_drainage")),
        preferred_modalities=("manual_lymphatic_drainage", "craniosacral", "reflexology"),
        required_credentials=("camtc", "oncology_massage_cert", "bls_cpr"),
        preferred_credentials=("clt_lymphedema", "hospital_based_massage_cert"),
        pay=(32, 45),
        hours=(750, 1000),
        employment=("full_time", "part_time"),
    ),
    "physical_therapy": _Kind(
        titles=(
            "Massage Therapist, Physical Therapy Clinic",
            "Orthopedic Massage Therapist",
        ),
        duties=(
            "You will treat patients referred by our physical therapists for soft-tissue work "
            "before and after their exercise sessions.",
            "Most patients come after sports injuries, car accidents or orthopedic surgery.",
        ),
        required_modalities=(
            ("myofascial_release", "trigger_point"),
            ("orthopedic", "scar_tissue"),
        ),
        preferred_modalities=("neuromuscular", "stretching_pnf", "post_surgical", "cupping"),
        required_credentials=("state_license", "liability_insurance"),
        preferred_credentials=("bls_cpr", "ncbtmb_board_certified"),
        pay=(26, 38),
        hours=(500, 750),
        employment=("full_time", "part_time", "contract"),
    ),
    "chiropractic": _Kind(
        titles=("Massage Therapist, Chiropractic Office", "Soft Tissue Therapist"),
        duties=(
            "You will prepare patients for their adjustment with focused soft-tissue work "
            "and treat personal-injury cases on the doctor's orders.",
        ),
        required_modalities=(("deep_tissue", "trigger_point"), ("neuromuscular",)),
        preferred_modalities=("cupping", "stretching_pnf", "sports"),
        required_credentials=("state_license", "liability_insurance"),
        preferred_credentials=("first_aid",),
        pay=(24, 34),
        hours=(500,),
        employment=("part_time", "full_time", "contract"),
    ),
    "sports_medicine": _Kind(
        titles=("Sports Massage Therapist", "Recovery Massage Therapist, Sports Medicine"),
        duties=(
            "You will work with athletes before and after training and competition, with the "
            "sports medicine physicians and athletic trainers.",
            "Some evening and weekend events are part of the job.",
        ),
        required_modalities=(("sports", "stretching_pnf"), ("sports", "deep_tissue")),
        preferred_modalities=("muscle_energy", "cupping", "myofascial_release"),
        required_credentials=("state_license", "bls_cpr", "first_aid"),
        preferred_credentials=("liability_insurance", "ncbtmb_board_certified"),
        pay=(26, 40),
        hours=(600, 750),
        employment=("part_time", "contract", "full_time"),
    ),
    "integrative_clinic": _Kind(
        titles=("Integrative Massage Therapist", "Prenatal and Integrative Massage Therapist"),
        duties=(
            "You will work in an integrative medicine clinic with physicians, acupuncturists "
            "and nutritionists, seeing patients with chronic pain, stress and pregnancy.",
        ),
        required_modalities=(("swedish", "craniosacral"), ("prenatal",), ("reflexology",)),
        preferred_modalities=("acupressure", "shiatsu", "hot_stone", "prenatal"),
        required_credentials=("state_license",),
        preferred_credentials=("liability_insurance", "ncbtmb_board_certified", "bls_cpr"),
        pay=(25, 36),
        hours=(500, 600),
        employment=("part_time", "full_time"),
    ),
    "outpatient_clinic": _Kind(
        titles=("Medical Massage Therapist, Outpatient Clinic", "Clinical Massage Therapist"),
        duties=(
            "You will treat outpatients referred by the clinic's physicians for pain, "
            "post-surgical recovery and lymphedema, with a treatment plan for each.",
        ),
        required_modalities=(("medical_massage",), ("medical_massage", "myofascial_release")),
        preferred_modalities=("positional_release", "muscle_energy", "manual_lymphatic_drainage"),
        required_credentials=("state_license", "hipaa_training"),
        preferred_credentials=("bls_cpr", "liability_insurance"),
        pay=(26, 38),
        hours=(600, 750),
        employment=("full_time", "part_time", "per_diem"),
    ),
}
_CLOSING_LINES = (
    "We offer paid orientation, a mentor for your first month and continuing-education support.",
    "Parking is free; scrubs are provided.",
    "New graduates of a medical massage programme are welcome to apply.",
    "Tell us in your note which modalities you enjoy most.",
)
_SHIFT_PATTERNS = (
    ("mon-am", "tue-am", "wed-am", "thu-am", "fri-am"),
    ("mon-pm", "wed-pm", "fri-pm"),
    ("tue-am", "tue-pm", "thu-am", "thu-pm"),
    ("sat-am", "sat-pm", "sun-am"),
    ("mon-eve", "tue-eve", "wed-eve", "thu-eve"),
    ("mon-am", "mon-pm", "wed-am", "wed-pm", "fri-am", "fri-pm"),
    (),
)
_BATCH = 500


def _status_for(rng: random.Random, employer_status: str) -> str:
    if employer_status != "approved":
        return rng.choice(("draft", "pending_review", "pending_review"))
    roll = rng.random()
    if roll < 0.70:
        return "open"
    if roll < 0.80:
        return "pending_review"
    if roll < 0.85:
        return "draft"
    if roll < 0.91:
        return "closed"
    if roll < 0.96:
        return "filled"
    return "expired"


def _position(rng: random.Random, employer: Employer, today: date) -> tuple[Position, set]:
    kind = KINDS.get(employer.kind, KINDS["outpatient_clinic"])
    title = rng.choice(kind.titles)
    status = _status_for(rng, employer.status)
    employment_type = rng.choice(kind.employment)
    pay_min = rng.randrange(kind.pay[0], kind.pay[1] - 3)
    pay_max = min(kind.pay[1], pay_min + rng.randrange(3, 9))
    if status in ("closed", "filled", "expired"):
        closes_on = today - timedelta(days=rng.randrange(2, 60))
        start_date = closes_on + timedelta(days=rng.randrange(7, 30))
    else:
        start_date = today + timedelta(days=rng.randrange(21, 120))
        closes_on = start_date - timedelta(days=rng.randrange(5, 18))
    # Satellite sites: a quarter of the positions are elsewhere in the region.
    zip_code = employer.zip if rng.random() < 0.75 else rng.choice(REGION_ZIPS)
    description = " ".join(
        (
            f"{employer.name} is hiring a {title.lower()}.",
            *kind.duties,
            rng.choice(_CLOSING_LINES),
        )
    )
    required_credentials = set(kind.required_credentials)
    if "camtc" in required_credentials and rng.random() < 0.4:
        # Some California employers ask for "a state licence"; CAMTC counts as one there.
        required_credentials.discard("camtc")
        required_credentials.add("state_license")
    required_modalities = set(rng.choice(kind.required_modalities))
    preferred_modalities = {
        code
        for code in rng.sample(kind.preferred_modalities, k=min(2, len(kind.preferred_modalities)))
        if code not in required_modalities
    }
    preferred_credentials = {
        code
        for code in rng.sample(
            kind.preferred_credentials, k=min(2, len(kind.preferred_credentials))
        )
        if code not in required_credentials
    }
    requirements = {
        *(("modality", code, True) for code in required_modalities),
        *(("modality", code, False) for code in preferred_modalities),
        *(("credential", code, True) for code in required_credentials),
        *(("credential", code, False) for code in preferred_credentials),
    }
    now = utcnow()
    position = Position(
        employer_id=employer.id or 0,
        title=title,
        description=description,
        setting=employer.kind,
        employment_type=employment_type,
        pay_min=float(pay_min),
        pay_max=float(pay_max),
        zip=zip_code,
        start_date=start_date,
        openings=rng.choice((1, 1, 1, 2, 2, 3)),
        min_training_hours=rng.choice(kind.hours),
        closes_on=closes_on,
        shifts=join_codes(rng.choice(_SHIFT_PATTERNS)),
        status=status,
        submitted_at=now if status != "draft" else None,
        reviewed_at=now if status in ("open", "closed", "filled", "expired") else None,
    )
    return position, requirements


def seed_positions(
    db: Session,
    rng: random.Random,
    employers: list[Employer],
    *,
    positions: int,
    progress: Progress,
    today: date | None = None,
) -> int:
    """`positions` realistic openings spread over `employers`, added in batches."""
    if not employers or positions <= 0:
        return 0
    today = today or dates.today()
    batch: list[tuple[Position, set]] = []
    # The first employers (the named demo ones) get their share first, then at random.
    for index in range(positions):
        employer = employers[index] if index < len(employers) else rng.choice(employers)
        batch.append(_position(rng, employer, today))
        if len(batch) >= _BATCH:
            _flush_positions(db, batch, progress)
            batch = []
    if batch:
        _flush_positions(db, batch, progress)
    return positions


def _flush_positions(db: Session, batch: list[tuple[Position, set]], progress: Progress) -> None:
    db.add_all([position for position, _ in batch])
    db.flush()
    rows = [
        {"position_id": position.id, "kind": kind, "code": code, "required": required}
        for position, requirements in batch
        for kind, code, required in sorted(requirements)
    ]
    if rows:
        db.execute(core_table(PositionRequirement).insert(), rows)
    search.index_positions(db, [position.id for position, _ in batch])
    for _ in batch:
        progress.advance(1, "positions")
