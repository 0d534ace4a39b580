"""Mail: deliver due messages through SMTP_URL, and make the daily and weekly digests."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from placement.config import Settings
from placement.services import digests, mail_delivery
from placement.worker import job


@job("mail.deliver", every=timedelta(seconds=10), lease=timedelta(minutes=10))
def deliver_mail(db: Session, settings: Settings, now: datetime) -> int:
    return mail_delivery.deliver(db, settings, now)


@job("mail.digest", every=timedelta(minutes=15))
def make_digests(db: Session, settings: Settings, now: datetime) -> int:
    return digests.make_due(db, settings, now)
