"""Digests: `digest`-class mail of daily and weekly people goes out once per period."""

from __future__ import annotations

import email
import threading
from datetime import timedelta
from email import policy
from typing import Any

import pytest
from sqlmodel import Session, select

from placement import worker
from placement.config import Settings
from placement.db import unit_of_work
from placement.localtime import day_bounds_utc, local_today
from placement.models import DigestRun, MailStatus, Message, User, utcnow
from placement.services import digests, mail, notifications, preferences
from tests import factories


def _person(db: Session, email_address: str, frequency: str, language: str = "en") -> User:
    user = factories.user(db, email=email_address, role="graduate", name=email_address[:3])
    user.email_frequency = frequency
    user.language = language
    db.add(user)
    db.commit()
    return user


def _queue(app: Any, settings: Settings, user: User, kind: str, subject: str) -> int:
    with unit_of_work(app.state.engine) as db:
        message = mail.queue(
            db,
            settings,
            to_email=user.email,
            to_user_id=user.id,
            subject=subject,
            body=f"Hello {user.name},\n\nAbout {subject}.\n",
            kind=kind,
        )
        return message.id or 0


def _make(app: Any, settings: Settings, now: Any) -> int:
    with unit_of_work(app.state.engine) as db:
        return digests.make_due(db, settings, now)


def _files(settings: Settings) -> list[email.message.EmailMessage]:
    assert settings.mail_dir is not None
    return [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[misc]
        for path in sorted(settings.mail_dir.glob("*.eml"))
    ]


def _digests(db: Session, user: User) -> list[Message]:
    db.expire_all()
    return list(
        db.exec(
            select(Message).where(Message.recipient_user_id == user.id, Message.kind == "digest")
        ).all()
    )


class TestDaily:
    def test_it_gathers_the_days_items_into_one_mail_after_midnight(self, app, db, settings):
        dana = _person(db, "dana@example.com", "daily")
        first = _queue(app, settings, dana, "message.new", "A new message")
        second = _queue(app, settings, dana, "application_stage", "Your application moved")
        _queue(app, settings, dana, "interview.proposed", "Interview times proposed")
        # Time-critical mail went at once; the rest waits, and nothing of it is written alone.
        assert [m["Subject"] for m in _files(settings)] == ["Interview times proposed"]

        assert _make(app, settings, utcnow()) == 0  # the day is not over
        tomorrow = utcnow() + timedelta(days=1)
        assert _make(app, settings, tomorrow) == 1
        assert _make(app, settings, tomorrow + timedelta(minutes=15)) == 0  # once per period

        (digest,) = _digests(db, dana)
        assert digest.status == MailStatus.QUEUED
        assert digest.subject == "Your daily digest: 2 updates"
        assert "A new message" in digest.body and "Your application moved" in digest.body
        assert "/account/notifications" in digest.body
        for item_id in (first, second):
            item = db.get(Message, item_id)
            assert item.status == MailStatus.DIGESTED and item.digest_id == digest.id
        written = _files(settings)
        assert [m["Subject"] for m in written][-1] == "Your daily digest: 2 updates"
        assert len(written) == 2

    def test_todays_items_wait_for_tomorrows_digest(self, app, db, settings):
        dana = _person(db, "dana@example.com", "daily")
        _queue(app, settings, dana, "message.new", "Old news")
        tomorrow = utcnow() + timedelta(days=1)
        assert _make(app, settings, tomorrow) == 1
        _queue(app, settings, dana, "message.new", "Fresh news")  # created "today"
        assert _make(app, settings, tomorrow) == 0
        assert _make(app, settings, tomorrow + timedelta(days=1)) == 1
        assert [d.subject for d in _digests(db, dana)] == [
            "Your daily digest: 1 update",
            "Your daily digest: 1 update",
        ]

    def test_the_digest_speaks_the_persons_language(self, app, db, settings):
        elena = _person(db, "elena@example.com", "daily", language="es")
        _queue(app, settings, elena, "message.new", "Nuevo mensaje")
        assert _make(app, settings, utcnow() + timedelta(days=1)) == 1
        (digest,) = _digests(db, elena)
        assert digest.subject == "Su resumen diario: 1 novedad"
        assert digest.body.startswith("Hola, ")

    def test_the_digest_is_not_a_notification_of_its_own(self, app, db, settings):
        dana = _person(db, "dana@example.com", "daily")
        _queue(app, settings, dana, "message.new", "A new message")
        _make(app, settings, utcnow() + timedelta(days=1))
        subjects = [note.subject for note in notifications.recent(db, dana.id or 0)]
        assert subjects == ["A new message"]


class TestWeekly:
    def test_it_waits_for_the_week_to_end(self, app, db, settings):
        walt = _person(db, "walt@example.com", "weekly")
        dana = _person(db, "dana@example.com", "daily")
        _queue(app, settings, walt, "credential.reminder_60", "Licence expires in 60 days")
        _queue(app, settings, walt, "referral", "You were referred")
        _queue(app, settings, dana, "referral", "You were referred too")
        today = local_today(settings, utcnow())
        next_monday, _ = day_bounds_utc(today + timedelta(days=7 - today.weekday()), settings)
        # The daily person's digest comes the next day; the weekly one's only after Monday.
        _make(app, settings, next_monday - timedelta(minutes=1))
        assert len(_digests(db, dana)) == 1
        assert _digests(db, walt) == []
        assert _make(app, settings, next_monday + timedelta(minutes=1)) == 1
        (digest,) = _digests(db, walt)
        assert digest.subject == "Your weekly digest: 2 updates"
        assert _make(app, settings, next_monday + timedelta(days=2)) == 0


class TestOff:
    def test_off_sends_only_security_and_time_critical_mail(self, app, db, settings):
        otto = _person(db, "otto@example.com", "off")
        skipped = _queue(app, settings, otto, "message.new", "A new message")
        _queue(app, settings, otto, "offer.made", "An offer")
        _queue(app, settings, otto, "password_reset", "Reset your password")
        assert _make(app, settings, utcnow() + timedelta(days=8)) == 0
        assert sorted(m["Subject"] for m in _files(settings)) == ["An offer", "Reset your password"]
        assert db.get(Message, skipped).status == MailStatus.SKIPPED
        # It is still in the app.
        assert "A new message" in [n.subject for n in notifications.recent(db, otto.id or 0)]


class TestChangingFrequency:
    @pytest.mark.parametrize(("new", "status"), [("immediate", "digested"), ("off", "skipped")])
    def test_what_was_held_follows_the_new_frequency(self, app, db, settings, new, status):
        dana = _person(db, "dana@example.com", "daily")
        held = _queue(app, settings, dana, "message.new", "Held")
        with unit_of_work(app.state.engine) as session:
            user = session.get(User, dana.id)
            preferences.update_notifications(
                session, settings, user, language="en", email_frequency=new
            )
        db.expire_all()
        assert db.get(Message, held).status == status
        sent = [m["Subject"] for m in _files(settings)]
        if new == "immediate":
            assert sent == ["What we held for your digest: 1 update"]
        else:
            assert sent == []


class TestTwoWorkers:
    def test_two_workers_at_once_make_each_digest_once(self, app, db, settings):
        people = [_person(db, f"p{number}@example.com", "daily") for number in range(6)]
        for person in people:
            _queue(app, settings, person, "message.new", "News")
            _queue(app, settings, person, "referral", "More news")
        tomorrow = utcnow() + timedelta(days=1)
        _make(app, settings, utcnow())  # warms the pool; nothing is due yet
        start = threading.Barrier(2)
        made: list[int] = []
        errors: list[BaseException] = []

        def work() -> None:
            try:
                start.wait()
                made.append(_make(app, settings, tomorrow))
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert sum(made) == 6
        for person in people:
            (digest,) = _digests(db, person)
            assert digest.subject == "Your daily digest: 2 updates"
        assert len(db.exec(select(DigestRun)).all()) == 6
        assert len([m for m in _files(settings) if "digest" in m["Subject"]]) == 6


class TestWorker:
    def test_the_worker_makes_the_digests(self, app, db, settings):
        dana = _person(db, "dana@example.com", "daily")
        _queue(app, settings, dana, "message.new", "A new message")
        done = worker.run_due(
            app.state.engine, settings, utcnow() + timedelta(days=1), only=["mail.digest"]
        )
        assert done == {"mail.digest": 1}
        assert len(_digests(db, dana)) == 1
