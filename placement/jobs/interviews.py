"""The day-before reminder of a confirmed interview, to the graduate and the employer's team."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from placement.config import Settings
from placement.services import interviews
from placement.worker import job


@job("interviews.remind", every=timedelta(minutes=15))
def remind(db: Session, settings: Settings, now: datetime) -> int:
    return interviews.send_reminders(db, settings, now)
