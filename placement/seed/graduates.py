"""Graduates of the programme across several cohorts."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlmodel import Session

from placement.models import Graduate, User
from placement.seed import DEMO_GRADUATE_EMAIL, Progress

FIRST_NAMES = (
    "Maya",
    "Jordan",
    "Ana",
    "Marcus",
    "Priya",
    "Elena",
    "Daniel",
    "Grace",
    "Tomás",
    "Keiko",
    "Aaliyah",
    "Samuel",
    "Noor",
    "Isabel",
    "Kevin",
    "Lucía",
    "Hannah",
    "Andre",
    "Mei",
    "Rosa",
    "Omar",
    "Claire",
    "Diego",
    "Fatima",
    "Ethan",
    "Linh",
)
LAST_NAMES = (
    "Chen",
    "Garcia",
    "Nguyen",
    "Johnson",
    "Patel",
    "Rodriguez",
    "Kim",
    "Martinez",
    "Williams",
    "Lopez",
    "Tanaka",
    "Hernandez",
    "Brown",
    "Singh",
    "Davis",
    "Flores",
    "Wilson",
    "Rivera",
    "Okafor",
    "Park",
    "Ramirez",
    "Ali",
    "Cohen",
    "Torres",
)
PROGRAMS = (
    "Medical Massage Therapy (750 hours)",
    "Massage Therapy (600 hours)",
    "Clinical and Medical Massage (1,000 hours)",
)


def seed_graduates(
    db: Session, rng: random.Random, *, graduates: int, password_hash: str, progress: Progress
) -> dict[str, int]:
    for index in range(graduates):
        first = "Maya" if index == 0 else rng.choice(FIRST_NAMES)
        last = "Chen" if index == 0 else rng.choice(LAST_NAMES)
        cohort = 2022 + index % 5
        graduated = date(cohort, rng.choice((3, 6, 9, 12)), 15) + timedelta(days=rng.randrange(10))
        email = (
            DEMO_GRADUATE_EMAIL
            if index == 0
            else (f"{first.lower()}.{last.lower()}.{index}@demo-school.example")
            .replace("á", "a")
            .replace("í", "i")
        )
        user = User(
            email=email, role="graduate", name=f"{first} {last}", password_hash=password_hash
        )
        db.add(user)
        db.flush()
        db.add(
            Graduate(
                user_id=user.id,
                first_name=first,
                last_name=last,
                email=email,
                student_id=f"S{cohort}{index:05d}",
                program=rng.choice(PROGRAMS),
                graduation_date=graduated,
                cohort=cohort,
                verified_at=None,
            )
        )
        progress.advance(1, "graduates")
    db.flush()
    return {"graduates": graduates}
