"""Referrals: staff refer (services.referrals.refer), the graduate answers under /me/referrals."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import select

from placement.db import unit_of_work
from placement.models import Application, AuditEvent, Message, Referral
from placement.services import Actor, DomainError, privacy, referrals
from tests import factories


@pytest.fixture
def position(db, employer_user):
    return factories.position(db, employer_user.employer.id, title="Oncology massage therapist")


@pytest.fixture
def referral(db, position, graduate_user, staff_user):
    return factories.referral(
        db,
        position.id,
        graduate_user.graduate.id,
        staff_user_id=staff_user.id,
        note="Your oncology hours make you a strong fit.",
    )


def _refer(db, settings, staff_user, position_id, graduate_id, **extra):
    referral, created = referrals.refer(
        db,
        settings,
        actor=Actor(user_id=staff_user.id, role="staff"),
        position_id=position_id,
        graduate_id=graduate_id,
        note=extra.pop("note", "A good fit."),
        **extra,
    )
    db.commit()
    return referral, created


class TestRefer:
    def test_it_creates_an_open_referral_audits_the_disclosure_and_tells_the_graduate(
        self, db, settings, staff_user, position, graduate_user
    ):
        referral, created = _refer(db, settings, staff_user, position.id, graduate_user.graduate.id)
        assert created is True
        assert referral.status == "pending"
        assert referral.open_pair == f"{position.id}:{graduate_user.graduate.id}"
        assert referral.staff_user_id == staff_user.id and referral.note == "A good fit."
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "referral.created")).one()
        assert event.actor_user_id == staff_user.id and event.object_id == referral.id
        assert "Disclosed graduate" in event.detail and "Harbor Hospital" in event.detail
        message = db.exec(
            select(Message).where(Message.recipient_user_id == graduate_user.user.id)
        ).one()
        assert "Oncology massage therapist" in message.subject
        assert "A good fit." in message.body and message.kind == "referral"

    def test_a_repeat_returns_the_open_referral(
        self, db, settings, staff_user, position, graduate_user
    ):
        first, _ = _refer(db, settings, staff_user, position.id, graduate_user.graduate.id)
        again, created = _refer(db, settings, staff_user, position.id, graduate_user.graduate.id)
        assert created is False and again.id == first.id
        assert len(db.exec(select(Referral)).all()) == 1
        assert len(db.exec(select(AuditEvent)).all()) == 1

    def test_a_new_referral_is_possible_once_the_last_was_answered(
        self, db, settings, staff_user, position, graduate_user
    ):
        first, _ = _refer(db, settings, staff_user, position.id, graduate_user.graduate.id)
        referrals.decline(
            db,
            settings,
            graduate_id=graduate_user.graduate.id,
            actor=Actor(user_id=graduate_user.user.id, role="graduate"),
            referral_id=first.id,
        )
        db.commit()
        second, created = _refer(db, settings, staff_user, position.id, graduate_user.graduate.id)
        assert created is True and second.id != first.id

    def test_it_keeps_the_round(self, db, settings, staff_user, position, graduate_user):
        from placement.models import MatchRound

        round_ = MatchRound(algorithm="stable", status="published")
        db.add(round_)
        db.commit()
        referral, _ = _refer(
            db, settings, staff_user, position.id, graduate_user.graduate.id, round_id=round_.id
        )
        assert referral.round_id == round_.id

    @pytest.mark.parametrize(
        ("arrange", "field"),
        [
            ({"status": "draft"}, "position_id"),
            ({"status": "closed"}, "position_id"),
            ({"employer_status": "pending"}, "position_id"),
            ({"missing_position": True}, "position_id"),
            ({"missing_graduate": True}, "graduate_id"),
            ({"note": "x" * 4001}, "note"),
            ({"note": "nul \x00"}, "note"),
        ],
    )
    def test_it_refuses_what_cannot_be_referred(
        self, db, settings, staff_user, graduate_user, arrange, field
    ):
        owner = factories.employer(db, status=arrange.pop("employer_status", "approved"))
        position_id = factories.position(
            db, owner.employer.id, status=arrange.pop("status", "open")
        ).id
        graduate_id = graduate_user.graduate.id
        if arrange.pop("missing_position", False):
            position_id = 999_999
        if arrange.pop("missing_graduate", False):
            graduate_id = 999_999
        with pytest.raises(DomainError) as refused:
            referrals.refer(
                db,
                settings,
                actor=Actor(user_id=staff_user.id, role="staff"),
                position_id=position_id,
                graduate_id=graduate_id,
                note=arrange.pop("note", "ok"),
            )
        assert refused.value.field == field
        db.rollback()
        assert db.exec(select(Referral)).all() == []

    def test_two_staff_referring_at_once_leave_one_open_referral(
        self, app, db, staff_user, position, graduate_user, monkeypatch
    ):
        original = referrals._open_referral
        seen = threading.local()

        def racing_lookup(session, pair):
            seen.count = getattr(seen, "count", 0) + 1
            return None if seen.count == 1 else original(session, pair)

        monkeypatch.setattr(referrals, "_open_referral", racing_lookup)
        barrier = threading.Barrier(2)
        results: list[tuple[int, bool]] = []
        errors: list[BaseException] = []

        def run() -> None:
            try:
                barrier.wait()
                with unit_of_work(app.state.engine) as session:
                    referral, created = referrals.refer(
                        session,
                        app.state.settings,
                        actor=Actor(user_id=staff_user.id, role="staff"),
                        position_id=position.id,
                        graduate_id=graduate_user.graduate.id,
                        note="at once",
                    )
                    results.append((referral.id or 0, created))
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert sorted(created for _, created in results) == [False, True]
        db.expire_all()
        assert len(db.exec(select(Referral)).all()) == 1


class TestReferralList:
    def test_it_shows_the_position_the_employer_the_staff_note_and_status(
        self, as_graduate, referral
    ):
        page = as_graduate.get("/me/referrals").text
        assert "Oncology massage therapist" in page
        assert "Harbor Hospital" in page
        assert "Your oncology hours make you a strong fit." in page
        assert "Awaiting your answer" in page
        assert f'action="/me/referrals/{referral.id}/accept"' in page

    def test_it_has_a_real_empty_state(self, as_graduate):
        assert "No referrals yet" in as_graduate.get("/me/referrals").text


class TestAccept:
    def test_it_creates_a_referred_application_the_employer_sees(
        self, as_graduate, as_employer, db, referral, position, graduate_user, employer_user
    ):
        employer_id, graduate_id = employer_user.employer.id, graduate_user.graduate.id
        assert not privacy.employer_may_see(db, employer_id, graduate_id)
        response = as_graduate.submit(f"/me/referrals/{referral.id}/accept")
        assert response.status_code == 303
        db.expire_all()
        application = db.exec(select(Application)).one()
        assert response.headers["location"].startswith(f"/me/applications/{application.id}")
        assert (application.source, application.stage) == ("referred", "submitted")
        assert application.graduate_id == graduate_user.graduate.id
        saved = db.get(Referral, referral.id)
        assert saved.status == "accepted" and saved.answered_at is not None
        assert saved.open_pair is None and saved.application_id == application.id
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "referral.accepted")).one()
        assert privacy.employer_may_see(db, employer_id, graduate_id)
        pipeline = as_employer.get(f"/employer/positions/{position.id}/candidates")
        assert pipeline.status_code == 200 and "Grace" in pipeline.text
        notice = db.exec(
            select(Message).where(Message.recipient_user_id == employer_user.user.id)
        ).one()
        assert "Oncology massage therapist" in notice.subject

    def test_it_keeps_an_application_made_before(
        self, as_graduate, db, referral, position, graduate_user
    ):
        earlier = factories.application(
            db, position.id, graduate_user.graduate.id, cover_note="I applied first"
        )
        response = as_graduate.submit(f"/me/referrals/{referral.id}/accept")
        assert response.status_code == 303
        assert response.headers["location"].startswith(f"/me/applications/{earlier.id}")
        db.expire_all()
        application = db.exec(select(Application)).one()
        assert application.id == earlier.id and application.source == "applied"
        assert db.get(Referral, referral.id).application_id == earlier.id

    def test_a_second_answer_is_refused(self, as_graduate, db, referral):
        assert as_graduate.submit(f"/me/referrals/{referral.id}/accept").status_code == 303
        again = as_graduate.submit(f"/me/referrals/{referral.id}/accept")
        assert again.status_code == 409
        assert "already answered" in again.text
        declined = as_graduate.submit(f"/me/referrals/{referral.id}/decline", {"reason": "no"})
        assert declined.status_code == 409
        db.expire_all()
        assert db.get(Referral, referral.id).status == "accepted"
        assert len(db.exec(select(Application)).all()) == 1

    def test_it_cannot_accept_a_referral_to_a_position_that_closed(
        self, as_graduate, db, referral, position
    ):
        position.status = "closed"
        db.add(position)
        db.commit()
        response = as_graduate.submit(f"/me/referrals/{referral.id}/accept")
        assert response.status_code == 409
        assert "no longer open" in response.text
        db.expire_all()
        assert db.get(Referral, referral.id).status == "pending"
        assert db.exec(select(Application)).all() == []


class TestDecline:
    def test_it_declines_with_a_reason(self, as_graduate, db, referral, graduate_user):
        response = as_graduate.submit(
            f"/me/referrals/{referral.id}/decline", {"reason": "I am moving to Oregon."}
        )
        assert response.status_code == 303
        assert response.headers["location"].startswith("/me/referrals")
        db.expire_all()
        saved = db.get(Referral, referral.id)
        assert saved.status == "declined" and saved.decline_reason == "I am moving to Oregon."
        assert saved.answered_at is not None and saved.open_pair is None
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "referral.declined")).one()
        assert event.actor_user_id == graduate_user.user.id
        assert db.exec(select(Application)).all() == []
        page = as_graduate.get("/me/referrals").text
        assert "Declined" in page and "I am moving to Oregon." in page

    def test_the_reason_is_optional(self, as_graduate, db, referral):
        assert as_graduate.submit(f"/me/referrals/{referral.id}/decline").status_code == 303
        db.expire_all()
        assert db.get(Referral, referral.id).status == "declined"

    def test_it_refuses_a_reason_that_is_too_long_and_keeps_it(self, as_graduate, db, referral):
        reason = "Because " + "x" * 2000
        response = as_graduate.submit(f"/me/referrals/{referral.id}/decline", {"reason": reason})
        assert response.status_code == 422
        assert "at most 2000 characters" in response.text
        assert reason in response.text
        db.expire_all()
        assert db.get(Referral, referral.id).status == "pending"
