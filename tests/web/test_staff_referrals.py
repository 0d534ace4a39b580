"""Staff refer graduates to positions (POST /staff/referrals) and follow every referral."""

from __future__ import annotations

import pytest
from sqlmodel import select

from placement.models import AuditEvent, Message, Placement, Referral
from tests import factories


@pytest.fixture
def position(db, employer_user):
    return factories.position(db, employer_user.employer.id, title="Lymphedema therapist")


def _referrals(db) -> list[Referral]:
    db.expire_all()
    return list(db.exec(select(Referral)).all())


class TestRefer:
    def test_it_refers_audits_and_notifies_the_graduate(
        self, as_staff, db, position, graduate_user, staff_user
    ):
        response = as_staff.submit(
            "/staff/referrals",
            {
                "position_id": position.id,
                "graduate_id": graduate_user.graduate.id,
                "note": "Your MLD training fits this team.",
            },
        )

        assert response.status_code == 303
        assert response.headers["location"].startswith("/staff/referrals")
        (referral,) = _referrals(db)
        assert referral.status == "pending"
        assert referral.staff_user_id == staff_user.id
        assert referral.note == "Your MLD training fits this team."
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "referral.created")).one()
        assert db.exec(
            select(Message).where(Message.recipient_user_id == graduate_user.user.id)
        ).first()

    def test_a_repeat_leads_to_the_existing_referral(self, as_staff, db, position, graduate_user):
        data = {"position_id": position.id, "graduate_id": graduate_user.graduate.id, "note": ""}
        as_staff.submit("/staff/referrals", data)

        again = as_staff.submit("/staff/referrals", data)

        (referral,) = _referrals(db)
        assert again.status_code == 303
        assert again.headers["location"].startswith(f"/staff/referrals/{referral.id}")
        page = as_staff.get(again.headers["location"])
        assert page.status_code == 200
        assert "already has an open referral" in page.text

    def test_it_goes_back_to_a_local_next(self, as_staff, position, graduate_user):
        response = as_staff.submit(
            "/staff/referrals",
            {
                "position_id": position.id,
                "graduate_id": graduate_user.graduate.id,
                "next": f"/staff/positions/{position.id}/matches",
            },
        )
        assert response.headers["location"].startswith(f"/staff/positions/{position.id}/matches")

    @pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil"])
    def test_it_ignores_a_foreign_next(self, as_staff, position, graduate_user, target):
        response = as_staff.submit(
            "/staff/referrals",
            {"position_id": position.id, "graduate_id": graduate_user.graduate.id, "next": target},
        )
        assert response.status_code == 303
        assert response.headers["location"].startswith("/staff/referrals")

    def test_a_private_graduate_cannot_be_referred(self, as_staff, db, position):
        private = factories.graduate(db, visibility="private").graduate

        response = as_staff.submit(
            "/staff/referrals", {"position_id": position.id, "graduate_id": private.id}
        )

        assert response.status_code == 422
        assert "keeps their profile private" in response.text
        assert _referrals(db) == []

    def test_a_position_that_is_not_open_is_refused(
        self, as_staff, db, employer_user, graduate_user
    ):
        closed = factories.position(db, employer_user.employer.id, status="closed")
        response = as_staff.submit(
            "/staff/referrals", {"position_id": closed.id, "graduate_id": graduate_user.graduate.id}
        )
        assert response.status_code == 422
        assert _referrals(db) == []

    @pytest.mark.parametrize(
        "data",
        [
            {},
            {"position_id": "abc", "graduate_id": "1"},
            {"position_id": "1", "graduate_id": "99999999999999999999"},
            {"position_id": "-1", "graduate_id": "1"},
            {"position_id": "1", "graduate_id": "424242"},
        ],
    )
    def test_bad_input_is_a_form_error(self, as_staff, db, data):
        response = as_staff.submit("/staff/referrals", data)
        assert response.status_code == 422
        assert "error-summary" in response.text

    def test_an_over_long_note_keeps_what_was_typed(self, as_staff, position, graduate_user):
        response = as_staff.submit(
            "/staff/referrals",
            {
                "position_id": position.id,
                "graduate_id": graduate_user.graduate.id,
                "note": "n" * 4001,
            },
        )
        assert response.status_code == 422
        assert f'value="{position.id}"' in response.text


class TestReferralList:
    def test_it_shows_each_state_and_what_happened_next(
        self, as_staff, db, employer_user, graduate_user, other_graduate_user, staff_user
    ):
        first = factories.position(db, employer_user.employer.id, title="Hospice LMT")
        second = factories.position(db, employer_user.employer.id, title="Rehab LMT")
        factories.referral(
            db, first.id, other_graduate_user.graduate.id, staff_user_id=staff_user.id
        )
        accepted = factories.referral(
            db, second.id, graduate_user.graduate.id, staff_user_id=staff_user.id, status="accepted"
        )
        application = factories.application(
            db, second.id, graduate_user.graduate.id, stage="hired", source="referred"
        )
        accepted.application_id = application.id
        db.add(accepted)
        db.add(
            Placement(
                graduate_id=graduate_user.graduate.id,
                employer_name=employer_user.employer.name,
                position_id=second.id,
                application_id=application.id,
                job_title="Rehab LMT",
            )
        )
        db.commit()

        page = as_staff.get("/staff/referrals")

        assert page.status_code == 200
        assert "Hospice LMT" in page.text and "Rehab LMT" in page.text
        assert "Waiting for the graduate" in page.text
        assert '<span class="status hired">Hired</span>' in page.text
        assert "Placement" in page.text
        pending_only = as_staff.get("/staff/referrals?status=pending")
        assert "Hospice LMT" in pending_only.text and "Rehab LMT" not in pending_only.text

    def test_it_has_an_empty_state(self, as_staff):
        assert "No referrals" in as_staff.get("/staff/referrals").text

    def test_an_unknown_referral_is_404(self, as_staff):
        assert as_staff.get("/staff/referrals/98765").status_code == 404
