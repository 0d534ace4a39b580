"""Graduates of the programme across the cohorts 2022–2026, with what they can do and where
and when they can work.

Everything comes from the one `rng` and from fixed dates (the data describe the school as of
`AS_OF`), so the same seed gives the same people on any day. Rows are inserted in batches
with executemany, so `placement seed --graduates 100000` stays quick.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from placement import dates, taxonomy
from placement.models import (
    CredentialVersion,
    Graduate,
    GraduateCredential,
    GraduateModality,
    User,
    core_table,
    join_codes,
)
from placement.seed import DEMO_GRADUATE_EMAIL, DEMO_STAFF_EMAIL, Progress, insert_rows, reserve_ids
from placement.seed.credentials import Lifecycle
from placement.seed.places import REGION_ZIPS

AS_OF = date(2026, 10, 1)
# Core tables: plain executemany, without the ORM's per-row bookkeeping.
USERS = core_table(User)
GRADUATES = core_table(Graduate)
MODALITIES = core_table(GraduateModality)
CREDENTIALS = core_table(GraduateCredential)
VERSIONS = core_table(CredentialVersion)
BATCH = 2000
COHORTS = (2022, 2023, 2024, 2025, 2026)

FIRST_NAMES = (
    "Maya", "Jordan", "Ana", "Marcus", "Priya", "Elena", "Daniel", "Grace", "Tomás", "Keiko",
    "Aaliyah", "Samuel", "Noor", "Isabel", "Kevin", "Lucía", "Hannah", "Andre", "Mei", "Rosa",
    "Omar", "Claire", "Diego", "Fatima", "Ethan", "Linh", "Sofia", "Jamal", "Ximena", "Hiroshi",
    "Leila", "Brandon", "Carmen", "Tyler", "Ayesha", "Nadia", "Gabriel", "Yuki", "Monique",
    "Rafael", "Destiny", "Arjun", "Paola", "Connor", "Imani", "Minh", "Valeria", "Malik",
)  # fmt: skip
LAST_NAMES = (
    "Chen", "Garcia", "Nguyen", "Johnson", "Patel", "Rodriguez", "Kim", "Martinez", "Williams",
    "Lopez", "Tanaka", "Hernandez", "Brown", "Singh", "Davis", "Flores", "Wilson", "Rivera",
    "Okafor", "Park", "Ramirez", "Ali", "Cohen", "Torres", "Gonzalez", "Tran", "Jackson",
    "Sanchez", "Reyes", "Morales", "Lee", "Wong", "Castillo", "Mendoza", "Thompson", "Huang",
    "Nakamura", "Ortiz", "Baker", "Gutierrez", "Vasquez", "Shah", "Moreno", "Le", "Romero",
)  # fmt: skip
PROGRAMS = (
    ("Massage Therapy (600 hours)", 600, (0, 80)),
    ("Medical Massage Therapy (750 hours)", 750, (60, 200)),
    ("Clinical and Medical Massage (1,000 hours)", 1000, (150, 400)),
)
# How often each modality turns up: the medical ones are common at this school.
MODALITY_SHARE = {
    "swedish": 0.95,
    "deep_tissue": 0.8,
    "medical_massage": 0.7,
    "trigger_point": 0.55,
    "myofascial_release": 0.5,
    "neuromuscular": 0.35,
    "manual_lymphatic_drainage": 0.35,
    "geriatric": 0.35,
    "orthopedic": 0.3,
    "sports": 0.3,
    "prenatal": 0.25,
    "stretching_pnf": 0.25,
    "post_surgical": 0.2,
    "oncology": 0.2,
    "hospice_comfort": 0.2,
    "craniosacral": 0.15,
    "scar_tissue": 0.15,
    "muscle_energy": 0.15,
    "positional_release": 0.12,
    "reflexology": 0.2,
    "acupressure": 0.15,
    "chair": 0.25,
    "hot_stone": 0.2,
    "cupping": 0.15,
    "shiatsu": 0.08,
    "thai": 0.08,
}
# (share holding it, years valid or None, number prefix or None, needs a state). Clinical
# rotations in the programme already ask for TB tests, immunizations and background checks.
CREDENTIAL_PLAN = {
    "camtc": (0.85, 2, "CAMTC-", True),
    "state_license": (0.25, 2, "MT-", True),
    "mblex": (0.4, None, "MBL-", False),
    "ncbtmb_board_certified": (0.1, 4, "BCTMB-", False),
    "bls_cpr": (0.8, 2, "BLS-", False),
    "first_aid": (0.6, 2, None, False),
    "liability_insurance": (0.7, 1, "POL-", False),
    "background_check": (0.75, None, None, False),
    "tb_test": (0.75, 1, None, False),
    "immunizations": (0.65, None, None, False),
    "hipaa_training": (0.7, 1, None, False),
    "clt_lymphedema": (0.06, 2, "CLT-", False),
    "oncology_massage_cert": (0.08, None, "OMC-", False),
    "hospital_based_massage_cert": (0.04, None, "HBM-", False),
}
AVAILABILITY_PATTERNS = (
    ("mon", "tue", "wed", "thu", "fri"), ("am",),
    ("mon", "tue", "wed", "thu", "fri"), ("am", "pm"),
    ("mon", "tue", "wed", "thu", "fri"), ("pm", "eve"),
    ("sat", "sun"), ("am", "pm", "eve"),
    ("tue", "thu", "sat"), ("am", "pm"),
    ("mon", "wed", "fri"), ("pm",),
)  # fmt: skip
BIO_OPENINGS = (
    "Calm, punctual and at ease in clinical settings.",
    "I came to massage from caregiving and love working with older adults.",
    "Former athlete, now focused on recovery and rehabilitation work.",
    "I enjoy working alongside nurses and physical therapists on a care team.",
    "Gentle, patient-centred therapist with an interest in palliative care.",
    "Detail-oriented and comfortable charting SOAP notes.",
)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC)


def _sample(rng: random.Random, options: tuple[str, ...], low: int, high: int) -> list[str]:
    return sorted(rng.sample(options, rng.randint(low, min(high, len(options)))))


def _availability(rng: random.Random) -> list[str]:
    pattern = rng.randrange(len(AVAILABILITY_PATTERNS) // 2)
    days, parts = AVAILABILITY_PATTERNS[2 * pattern], AVAILABILITY_PATTERNS[2 * pattern + 1]
    slots = {f"{day}-{part}" for day in days for part in parts}
    for _ in range(rng.randint(0, 3)):  # a few extra slots make people different
        slots.add(rng.choice(taxonomy.SLOTS))
    return sorted(slots)


def _modalities(rng: random.Random) -> dict[str, int]:
    chosen = {code: rng.choice((1, 2, 2, 3)) for code, share in MODALITY_SHARE.items()}
    chosen = {code: level for code, level in chosen.items() if rng.random() < MODALITY_SHARE[code]}
    if not chosen:
        chosen = {"swedish": 2}
    return chosen


def _credentials(rng: random.Random, graduated: date) -> list[dict[str, Any]]:
    rows = []
    for code, (share, years, prefix, with_state) in CREDENTIAL_PLAN.items():
        if rng.random() >= share:
            continue
        issued = graduated + timedelta(days=rng.randint(10, 90))
        expires = None
        if years is not None:
            # Most renew on time; about one in eight let it lapse (those are expired now).
            lapsed = rng.random() < 0.12
            while not lapsed and dates.years_after(issued, years) < AS_OF + timedelta(days=20):
                issued = dates.years_after(issued, years)
            expires = dates.years_after(issued, years)
        if issued > AS_OF:
            continue  # not yet obtained
        verified = rng.random() < 0.7
        rows.append(
            {
                "code": code,
                "number": f"{prefix}{rng.randrange(10**5, 10**6)}" if prefix else "",
                "state": "CA" if with_state else None,
                "issued_on": issued,
                "expires_on": expires,
                "verified_at": _at(issued + timedelta(days=rng.randint(3, 30)))
                if verified
                else None,
            }
        )
    return rows


def _seeking(rng: random.Random, cohort: int) -> str:
    roll = rng.random()
    if cohort <= 2023:
        return "placed" if roll < 0.55 else ("not_seeking" if roll < 0.65 else "seeking")
    if cohort == 2024:
        return "placed" if roll < 0.35 else ("not_seeking" if roll < 0.42 else "seeking")
    return "placed" if roll < 0.1 else ("not_seeking" if roll < 0.15 else "seeking")


def _person(rng: random.Random, number: int) -> tuple[dict[str, Any], dict[str, Any], dict, list]:
    """One graduate: (user row, graduate row, modalities, credentials)."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    cohort = COHORTS[number % len(COHORTS)]
    graduated = date(cohort, rng.choice((3, 6, 9)), 12) + timedelta(days=rng.randrange(8))
    program, hours, clinical = rng.choice(PROGRAMS)
    modalities = _modalities(rng)
    top = sorted(modalities, key=lambda code: -modalities[code])[:2]
    bio = (
        f"{rng.choice(BIO_OPENINGS)} Strongest in "
        + " and ".join(taxonomy.label(taxonomy.MODALITIES, code).lower() for code in top)
        + "."
    )
    email = f"{_ascii(first)}.{_ascii(last)}.{number}@demo-school.example"
    verified = rng.random() < 0.9
    graduate = {
        "first_name": first,
        "last_name": last,
        "email": email,
        # Roster records hold their id; a self-registered (unverified) one only claims it.
        "student_id": f"S{cohort}-{number:06d}" if verified else None,
        "student_key": f"s{cohort}-{number:06d}" if verified else None,
        "claimed_student_id": None if verified else f"S{cohort}-{number:06d}",
        "program": program,
        "cohort": cohort,
        "graduation_date": graduated,
        "training_hours": hours + rng.choice((0, 0, 0, 24, 48, 100)),
        "clinical_hours": rng.randint(*clinical),
        "zip": rng.choice(REGION_ZIPS),
        "travel_radius_miles": rng.choice((10, 15, 20, 25, 25, 30, 40)),
        "settings": join_codes(_sample(rng, tuple(taxonomy.SETTINGS), 1, 4)),
        "employment_types": join_codes(_sample(rng, tuple(taxonomy.EMPLOYMENT_TYPES), 1, 3)),
        "availability": join_codes(_availability(rng)),
        "pay_expectation": rng.randint(50, 80) / 2,
        "bio": bio,
        "visibility": rng.choices(("employers", "staff", "private"), (0.45, 0.45, 0.1))[0],
        "seeking": _seeking(rng, cohort),
        "verified_at": _at(graduated + timedelta(days=rng.randint(5, 40))) if verified else None,
    }
    user = {"email": email, "name": f"{first} {last}"}
    return user, graduate, modalities, _credentials(rng, graduated)


def _maya() -> tuple[dict[str, Any], dict[str, Any], dict, list]:
    """The demo login: a complete, verified profile with a credential about to expire."""
    graduated = date(2025, 6, 13)
    graduate = {
        "first_name": "Maya",
        "last_name": "Chen",
        "email": DEMO_GRADUATE_EMAIL,
        "student_id": "S2025-000000",
        "student_key": "s2025-000000",
        "claimed_student_id": None,
        "program": "Clinical and Medical Massage (1,000 hours)",
        "cohort": 2025,
        "graduation_date": graduated,
        "training_hours": 1000,
        "clinical_hours": 320,
        "zip": "90802",
        "travel_radius_miles": 25,
        "settings": "hospice,hospital,oncology_center,rehabilitation_center",
        "employment_types": "full_time,part_time",
        "availability": "fri-am,fri-pm,mon-am,mon-pm,thu-am,thu-pm,tue-am,tue-pm,wed-am,wed-pm",
        "pay_expectation": 32.0,
        "bio": (
            "Clinical massage therapist with 320 supervised hours on oncology and "
            "orthopaedic floors. Trained in manual lymphatic drainage; calm with patients "
            "and families, comfortable charting and working with nurses and PTs."
        ),
        "visibility": "employers",
        "seeking": "seeking",
        "verified_at": _at(graduated + timedelta(days=21)),
    }
    modalities = {
        "medical_massage": 3,
        "manual_lymphatic_drainage": 3,
        "swedish": 3,
        "oncology": 2,
        "myofascial_release": 2,
        "trigger_point": 2,
        "deep_tissue": 2,
        "geriatric": 2,
        "hospice_comfort": 2,
    }
    credentials = [
        ("camtc", "CAMTC-482913", "CA", date(2025, 8, 1), date(2027, 7, 31), True),
        ("mblex", "MBL-771204", None, date(2025, 7, 10), None, True),
        ("bls_cpr", "BLS-220871", None, date(2025, 3, 5), date(2027, 3, 5), True),
        ("liability_insurance", "POL-55120", None, date(2026, 8, 15), date(2027, 8, 15), True),
        ("background_check", "", None, date(2025, 7, 20), None, True),
        ("tb_test", "", None, date(2025, 11, 1), date(2026, 11, 1), True),
        ("hipaa_training", "", None, date(2025, 7, 1), date(2026, 12, 20), True),
        ("clt_lymphedema", "CLT-30117", None, date(2026, 5, 2), date(2028, 5, 2), False),
    ]
    rows = [
        {
            "code": code,
            "number": number,
            "state": state,
            "issued_on": issued,
            "expires_on": expires,
            "verified_at": _at(issued + timedelta(days=7)) if verified else None,
        }
        for code, number, state, issued, expires, verified in credentials
    ]
    # Her account reads its mail in Spanish (/account/notifications), so the demo shows a
    # Spanish account's mail beside everyone else's English.
    user = {"email": DEMO_GRADUATE_EMAIL, "name": "Maya Chen", "language": "es"}
    return user, graduate, modalities, rows


def seed_graduates(
    db: Session,
    rng: random.Random,
    *,
    graduates: int,
    password_hash: str,
    progress: Progress,
    lifecycle: Lifecycle,
) -> dict[str, int]:
    already = db.execute(select(func.count()).select_from(Graduate)).scalar_one()
    demo_taken = db.execute(
        select(col(User.id)).where(col(User.email) == DEMO_GRADUATE_EMAIL)
    ).first()
    staff_id = db.execute(select(col(User.id)).where(col(User.email) == DEMO_STAFF_EMAIL)).scalar()
    counts = {"graduates": 0, "graduate_modalities": 0, "graduate_credentials": 0}
    for start in range(0, graduates, BATCH):
        people = []
        for index in range(start, min(start + BATCH, graduates)):
            if index == 0 and demo_taken is None:
                people.append(_maya())
            else:
                people.append(_person(rng, already + index))
        counts_batch = _insert(
            db, people, password_hash=password_hash, staff_id=staff_id, lifecycle=lifecycle
        )
        for key, value in counts_batch.items():
            counts[key] += value
        progress.advance(len(people), "graduates")
    db.flush()
    return counts


def _insert(
    db: Session,
    people: list[tuple],
    *,
    password_hash: str,
    staff_id: int | None,
    lifecycle: Lifecycle,
) -> dict[str, int]:
    user_ids = reserve_ids(db, USERS, len(people))
    graduate_ids = reserve_ids(db, GRADUATES, len(people))
    user_rows = [
        {
            "language": "en",
            **user,
            "id": user_id,
            "role": "graduate",
            "password_hash": password_hash,
        }
        for user_id, (user, _, _, _) in zip(user_ids, people, strict=True)
    ]
    graduate_rows = [
        {
            **graduate,
            "id": graduate_id,
            "user_id": user_id,
            "verified_by": staff_id if graduate["verified_at"] else None,
        }
        for graduate_id, user_id, (_, graduate, _, _) in zip(
            graduate_ids, user_ids, people, strict=True
        )
    ]
    modality_rows = [
        {"graduate_id": graduate_id, "code": code, "proficiency": level}
        for graduate_id, (_, _, modalities, _) in zip(graduate_ids, people, strict=True)
        for code, level in modalities.items()
    ]
    credential_rows = [
        {
            **credential,
            "graduate_id": graduate_id,
            "verified_by": staff_id if credential["verified_at"] else None,
        }
        for graduate_id, (_, _, _, credentials) in zip(graduate_ids, people, strict=True)
        for credential in credentials
    ]
    earlier = [lifecycle.apply(row) for row in credential_rows]
    credential_ids = reserve_ids(db, CREDENTIALS, len(credential_rows))
    for row, credential_id in zip(credential_rows, credential_ids, strict=True):
        row["id"] = credential_id
    version_rows = [
        {**version, "credential_id": credential_id}
        for credential_id, version in zip(credential_ids, earlier, strict=True)
        if version is not None
    ]
    for table, rows in (
        (USERS, user_rows),
        (GRADUATES, graduate_rows),
        (MODALITIES, modality_rows),
        (CREDENTIALS, credential_rows),
        (VERSIONS, version_rows),
    ):
        if rows:
            insert_rows(db, table, rows)
    return {
        "graduates": len(graduate_ids),
        "graduate_modalities": len(modality_rows),
        "graduate_credentials": len(credential_rows),
    }
