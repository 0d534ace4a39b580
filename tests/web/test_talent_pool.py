"""The talent pool: POST /employers/{id}/interest (withdrawable) by a graduate for an approved
employer; the employer sees these graduates (visibility `employers` only) on its dashboard;
they are told once when the employer opens a position they are eligible for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from placement.models import Message, TalentInterest, utcnow
from placement.services import talent
from placement.worker import run_due
from tests import factories


@pytest.fixture
def visible_graduate(db, graduate_user):
    graduate_user.graduate.visibility = "employers"
    db.add(graduate_user.graduate)
    db.commit()
    return graduate_user


def _join(client, employer_id, next_path=""):
    return client.submit(f"/employers/{employer_id}/interest", {"next": next_path})


def _pool(db) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(TalentInterest)).one()


def _openings_mail(db, email: str) -> list[Message]:
    db.expire_all()
    return list(
        db.exec(
            select(Message).where(
                Message.kind == "talent_pool.opening", Message.recipient_email == email
            )
        )
    )


class TestInterest:
    def test_it_joins_and_the_employer_sees_it(
        self, as_graduate, as_employer, db, visible_graduate, employer_user
    ):
        employer_id = employer_user.employer.id
        position = factories.position(db, employer_id)
        response = _join(as_graduate, employer_id, f"/positions/{position.id}")
        assert response.status_code == 303
        assert response.headers["location"].startswith(f"/positions/{position.id}?done=")
        assert "Withdraw my interest" in as_graduate.get(f"/positions/{position.id}").text
        assert _join(as_graduate, employer_id).status_code == 303  # twice: one row
        assert _pool(db) == 1
        dashboard = as_employer.get("/employer").text
        assert "Graduates interested in your future openings" in dashboard
        assert "Grace Hopper" in dashboard
        assert "Harbor Hospital" in as_graduate.get("/me/invitations").text

    def test_it_is_withdrawable(
        self, as_graduate, as_employer, db, visible_graduate, employer_user
    ):
        employer_id = employer_user.employer.id
        _join(as_graduate, employer_id)
        response = as_graduate.submit(f"/employers/{employer_id}/interest/withdraw")
        assert response.status_code == 303 and "/me/invitations" in response.headers["location"]
        assert _pool(db) == 0 and "Grace Hopper" not in as_employer.get("/employer").text
        again = as_graduate.submit(f"/employers/{employer_id}/interest/withdraw")
        assert again.status_code == 303

    @pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
    def test_only_an_approved_employer(self, as_graduate, db, visible_graduate, status):
        other = factories.employer(db, name="Unapproved", status=status)
        assert _join(as_graduate, other.employer.id).status_code == 404
        assert _join(as_graduate, 2**31 - 1).status_code == 404
        assert _pool(db) == 0

    def test_a_hidden_graduate_is_told_to_change_visibility(
        self, as_graduate, db, graduate_user, employer_user
    ):
        response = _join(as_graduate, employer_user.employer.id)
        assert response.status_code == 422 and "visibility" in response.text
        assert _pool(db) == 0

    def test_a_graduate_who_turns_private_leaves_the_employers_view(
        self, as_graduate, as_employer, db, visible_graduate, employer_user
    ):
        _join(as_graduate, employer_user.employer.id)
        visible_graduate.graduate.visibility = "private"
        db.add(visible_graduate.graduate)
        db.commit()
        assert "Grace Hopper" not in as_employer.get("/employer").text

    def test_a_foreign_next_is_ignored(self, as_graduate, visible_graduate, employer_user):
        response = _join(as_graduate, employer_user.employer.id, "//evil.example/x")
        assert response.headers["location"].startswith("/me/invitations")

    def test_employers_and_staff_cannot_join(self, as_employer, as_staff, employer_user):
        for client in (as_employer, as_staff):
            assert _join(client, employer_user.employer.id).status_code == 403


class TestNewOpenings:
    def test_the_pool_is_told_once_of_a_position_it_is_eligible_for(
        self, db, settings, app, visible_graduate, employer_user
    ):
        employer_id = employer_user.employer.id
        db.add(
            TalentInterest(
                graduate_id=visible_graduate.graduate.id,
                employer_id=employer_id,
                created_at=utcnow() - timedelta(days=1),
            )
        )
        db.commit()
        opened = factories.position(db, employer_id, title="Oncology therapist")
        factories.position(db, employer_id, title="Far away", zip="10001")  # not eligible
        assert talent.notify_openings(db, settings) == 1
        db.commit()
        assert talent.notify_openings(db, settings) == 0  # once
        [mail] = _openings_mail(db, visible_graduate.user.email)
        assert "Oncology therapist" in mail.subject
        assert f"http://testserver/positions/{opened.id}" in mail.body

    def test_a_position_opened_before_joining_is_not_news(
        self, db, settings, visible_graduate, employer_user
    ):
        factories.position(db, employer_user.employer.id)
        db.add(
            TalentInterest(
                graduate_id=visible_graduate.graduate.id,
                employer_id=employer_user.employer.id,
                created_at=utcnow() + timedelta(seconds=1),
            )
        )
        db.commit()
        assert talent.notify_openings(db, settings) == 0

    def test_the_worker_runs_it(self, app, db, settings, visible_graduate, employer_user):
        db.add(
            TalentInterest(
                graduate_id=visible_graduate.graduate.id,
                employer_id=employer_user.employer.id,
                created_at=utcnow() - timedelta(days=1),
            )
        )
        db.commit()
        factories.position(db, employer_user.employer.id)
        done = run_due(app.state.engine, settings, utcnow())
        assert done.get("sourcing.talent_pool") == 1
        assert len(_openings_mail(db, visible_graduate.user.email)) == 1
