"""Sourcing: tell talent-pool graduates of new openings, and saved searches of new matches."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from placement.config import Settings
from placement.services import saved_searches, talent
from placement.worker import job


@job("sourcing.talent_pool", every=timedelta(minutes=10))
def tell_talent_pool(db: Session, settings: Settings, now: datetime) -> int:
    return talent.notify_openings(db, settings)


@job("sourcing.saved_searches", every=timedelta(minutes=15))
def tell_saved_searches(db: Session, settings: Settings, now: datetime) -> int:
    return saved_searches.send_matches(db, settings)
