"""Reminder mail 60, 30 and 7 days before a credential expires: once per threshold and
credential version, sent by the worker, safe with two workers at once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from placement import worker
from placement.db import unit_of_work
from placement.models import CredentialReminder, Message
from placement.services import Actor
from placement.services import credentials as credential_service
from placement.services.graduates import CredentialInput
from tests import factories

TODAY = date(2027, 3, 1)


def _mails(db) -> list[Message]:
    db.expire_all()
    return list(
        db.exec(
            select(Message).where(Message.kind.startswith("credential.")).order_by(Message.id)  # type: ignore[attr-defined]
        ).all()
    )


def _send(app, today: date) -> int:
    with unit_of_work(app.state.engine) as session:
        return credential_service.send_reminders(session, app.state.settings, today)


@pytest.fixture
def card_in(db, graduate_user):
    def make(days: int | None, code: str = "bls_cpr"):
        expires = TODAY + timedelta(days=days) if days is not None else None
        return factories.credential(db, graduate_user.graduate.id, code, expires_on=expires)

    return make


@pytest.mark.parametrize(
    ("days_left", "threshold"),
    [
        (61, None),
        (60, 60),
        (45, 60),
        (31, 60),
        (30, 30),
        (8, 30),
        (7, 7),
        (5, 7),
        (0, 7),
        (-1, None),
    ],
)
def test_the_tightest_threshold_reached_is_the_one_due(days_left, threshold):
    assert credential_service.reminder_threshold(days_left) == threshold


def test_a_card_with_45_days_left_gets_the_60_day_one_at_once_then_the_others(
    app, db, card_in, graduate_user
):
    card = card_in(45)
    assert _send(app, TODAY) == 1
    assert _send(app, TODAY) == 0  # the same day again: nothing
    assert _send(app, TODAY + timedelta(days=10)) == 0  # 35 days left: still the 60 one
    assert _send(app, TODAY + timedelta(days=15)) == 1  # 30 days left
    assert _send(app, TODAY + timedelta(days=38)) == 1  # 7 days left
    assert _send(app, TODAY + timedelta(days=44)) == 0  # 1 day left: the 7-day one was sent
    assert _send(app, TODAY + timedelta(days=46)) == 0  # expired: none
    mails = _mails(db)
    assert [mail.kind for mail in mails] == [
        "credential.reminder_60",
        "credential.reminder_30",
        "credential.reminder_7",
    ]
    first = mails[0]
    assert first.recipient_user_id == graduate_user.user.id
    assert first.recipient_email == graduate_user.user.email
    assert "BLS/CPR" in first.subject and "in 45 days" in first.subject
    base = app.state.settings.base_url.rstrip("/")
    assert f"{base}/me/credentials/{card.id}/edit" in first.body


def test_a_card_added_with_5_days_left_gets_only_the_7_day_one(app, db, card_in):
    card_in(5)
    assert _send(app, TODAY) == 1
    assert _send(app, TODAY + timedelta(days=2)) == 0
    assert [mail.kind for mail in _mails(db)] == ["credential.reminder_7"]


@pytest.mark.parametrize("days", [-1, -30, 61, 400, None])
def test_expired_far_off_and_never_expiring_cards_get_none(app, db, card_in, days):
    card_in(days)
    assert _send(app, TODAY) == 0
    assert _mails(db) == []


def test_a_renewal_starts_a_new_series(app, db, card_in, graduate_user):
    card = card_in(20)
    assert _send(app, TODAY) == 1
    with unit_of_work(app.state.engine) as session:
        credential_service.edit_credential(
            session,
            graduate_id=graduate_user.graduate.id,
            actor=Actor(user_id=graduate_user.user.id, role="graduate"),
            credential_id=card.id,
            data=CredentialInput("bls_cpr", "NEW-2", "CA", date(2025, 1, 1), card.expires_on),
            today=TODAY,
        )
    assert _send(app, TODAY) == 1  # the same expiry, a new version: reminded again
    rows = db.exec(select(CredentialReminder).order_by(CredentialReminder.id)).all()
    assert [(row.version, row.threshold) for row in rows] == [(1, 30), (2, 30)]


def test_a_deleted_or_deactivated_graduate_gets_none(app, db, card_in, graduate_user):
    card_in(10)
    graduate_user.user.active = False
    db.add(graduate_user.user)
    db.commit()
    assert _send(app, TODAY) == 0


def test_two_workers_at_once_send_each_reminder_once(app, db, graduate_user, other_graduate_user):
    for persona in (graduate_user, other_graduate_user):
        for code, days in (("bls_cpr", 50), ("tb_test", 20), ("first_aid", 3)):
            factories.credential(
                db, persona.graduate.id, code, expires_on=TODAY + timedelta(days=days)
            )
    _send(app, TODAY - timedelta(days=400))  # warms the pool; nothing is due then
    counts: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def run():
        try:
            barrier.wait()
            counts.append(_send(app, TODAY))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(counts) == 6
    assert len(_mails(db)) == 6
    assert len({(m.recipient_user_id, m.kind) for m in _mails(db)}) == 6


def test_the_worker_runs_the_reminder_job(app, db, card_in):
    card_in(7)
    now = datetime(2027, 3, 1, 18, 0, tzinfo=UTC)  # 10 AM in Los Angeles
    done = worker.run_due(app.state.engine, app.state.settings, now, only=["credentials.remind"])
    assert done == {"credentials.remind": 1}
    assert [mail.kind for mail in _mails(db)] == ["credential.reminder_7"]
