"""Offers: the graduate's last day to answer, and the lapse once respond_by has passed."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from placement.config import Settings
from placement.services import offers
from placement.worker import job


@job("offers.lapse", every=timedelta(minutes=30))
def lapse(db: Session, settings: Settings, now: datetime) -> int:
    return offers.lapse_offers(db, settings, now)


@job("offers.last_day", every=timedelta(minutes=30))
def last_day(db: Session, settings: Settings, now: datetime) -> int:
    return offers.send_last_day(db, settings, now)
