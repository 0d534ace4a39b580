"""Reminders before a credential expires: 60, 30 and 7 days ahead, once per version."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from placement.config import Settings
from placement.localtime import local_today
from placement.services import credentials
from placement.worker import job


@job("credentials.remind", every=timedelta(hours=1))
def remind_expiring_credentials(db: Session, settings: Settings, now: datetime) -> int:
    return credentials.send_reminders(db, settings, local_today(settings, now))
