"""Applications, referrals and placements between the seeded graduates and positions."""

from __future__ import annotations

import random

from sqlmodel import Session


def seed_pipeline(db: Session, rng: random.Random) -> dict[str, int]:
    # Filled in with the pipeline: applications, referrals, placements and outcomes.
    return {}
