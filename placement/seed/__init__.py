"""Deterministic demo and benchmark data: same seed, same data.

The demo is a massage school in Southern California with real Los Angeles and Orange County
ZIP codes around it. Each domain has its own generator module; this one orders them, shows a
progress bar and prints the demo logins.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from placement.config import Settings
from placement.db import unit_of_work
from placement.models import User
from placement.security import Passwords, make_hasher

DEMO_PASSWORD = "demo-password-2026"
DEMO_STAFF_EMAIL = "staff@demo-school.example"
DEMO_ADMIN_EMAIL = "admin@demo-school.example"
DEMO_EMPLOYER_EMAIL = "hiring@harborview-demo.example"
DEMO_GRADUATE_EMAIL = "maya.chen@demo-school.example"
DEMO_LOGINS = {
    "password": DEMO_PASSWORD,
    "accounts": [
        ("admin", DEMO_ADMIN_EMAIL),
        ("staff", DEMO_STAFF_EMAIL),
        ("employer", DEMO_EMPLOYER_EMAIL),
        ("graduate", DEMO_GRADUATE_EMAIL),
    ],
}


@dataclass
class Progress:
    """A small progress bar on stderr, so long seeds show they are alive."""

    total: int
    enabled: bool = True
    done: int = 0
    width: int = 40
    _last: int = field(default=-1, repr=False)

    def advance(self, step: int = 1, label: str = "") -> None:
        self.done = min(self.total, self.done + step)
        if not self.enabled or self.total <= 0:
            return
        filled = self.done * self.width // self.total
        percent = self.done * 100 // self.total
        if percent == self._last and self.done < self.total:
            return
        self._last = percent
        bar = "#" * filled + "-" * (self.width - filled)
        sys.stderr.write(f"\r[{bar}] {percent:3d}% {label:<24.24}")
        if self.done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def database_is_empty(engine: Engine) -> bool:
    with unit_of_work(engine, write=False) as db:
        return db.execute(select(func.count()).select_from(User)).scalar_one() == 0


def seed_demo(engine: Engine, settings: Settings) -> dict[str, int]:
    """The demo: staff, a dozen employers around Los Angeles, a few hundred graduates."""
    return seed_population(
        engine, settings, graduates=240, positions=36, employers=12, seed=2026, progress=True
    )


def seed_population(
    engine: Engine,
    settings: Settings,
    *,
    graduates: int,
    positions: int,
    employers: int | None = None,
    seed: int = 1,
    progress: bool = True,
) -> dict[str, int]:
    from placement.seed import conversation as conversation_seed
    from placement.seed import credentials as credential_seed
    from placement.seed import employers as employer_seed
    from placement.seed import graduates as graduate_seed
    from placement.seed import pipeline as pipeline_seed

    rng = random.Random(seed)
    employers = employers if employers is not None else max(1, min(positions // 3 + 1, 400))
    # One hash for every seeded account: hashing each would take minutes at benchmark sizes.
    password_hash = Passwords(make_hasher(fast=settings.testing)).hash(DEMO_PASSWORD)
    bar = Progress(total=employers + positions + graduates + 1, enabled=progress)
    counts: dict[str, int] = {}
    with unit_of_work(engine) as db:
        counts["staff"] = _seed_staff(db, password_hash)
        bar.advance(1, "staff")
        counts.update(
            employer_seed.seed_employers(
                db,
                rng,
                employers=employers,
                positions=positions,
                password_hash=password_hash,
                progress=bar,
            )
        )
        counts.update(
            graduate_seed.seed_graduates(
                db, rng, graduates=graduates, password_hash=password_hash, progress=bar
            )
        )
        counts.update(pipeline_seed.seed_pipeline(db, rng))
        counts.update(conversation_seed.seed_conversations(db, rng, settings))
        counts.update(credential_seed.seed_credential_lifecycle(db, rng, settings))
    return counts


def _seed_staff(db: Session, password_hash: str) -> int:
    created = 0
    for email, role, name in (
        (DEMO_ADMIN_EMAIL, "admin", "Dana Whitfield"),
        (DEMO_STAFF_EMAIL, "staff", "Luis Ortega"),
    ):
        if db.exec(select(User).where(User.email == email)).first() is None:
            db.add(User(email=email, role=role, name=name, password_hash=password_hash))
            created += 1
    db.flush()
    return created
