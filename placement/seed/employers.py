"""Employers of the demo region and their first users."""

from __future__ import annotations

import random

from sqlmodel import Session

from placement.models import Employer, EmployerMember, User
from placement.npi import npi_with_check_digit
from placement.seed import DEMO_EMPLOYER_EMAIL, Progress
from placement.seed.places import REGION_ZIPS

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
        )
        db.add(user)
        db.flush()
        db.add(EmployerMember(employer_id=employer.id or 0, user_id=user.id or 0, is_owner=True))
        progress.advance(1, "employers")
    db.flush()
    return {"employers": len(created)}
