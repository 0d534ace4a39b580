"""Positions whose closing date has passed become `expired` (the search also filters them)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from placement.config import Settings
from placement.localtime import local_today
from placement.services import positions
from placement.worker import job


@job("positions.expire", every=timedelta(minutes=15))
def expire_positions(db: Session, settings: Settings, now: datetime) -> int:
    return positions.expire_positions(db, today=local_today(settings, now))
