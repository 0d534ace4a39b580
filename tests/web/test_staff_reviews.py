"""Staff review of organisations and positions: approve, reject with a reason, suspend;
every change conditional, audited and told to the employer."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from placement.config import Settings
from placement.models import AuditEvent, Change, Employer, EmployerMember, Message, Position, User
from placement.services import Actor, Conflict
from placement.services.approvals import review_employer
from tests import factories


def _events(db, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def _messages_to(db, user_id: int) -> list[Message]:
    db.expire_all()
    return list(db.exec(select(Message).where(Message.recipient_user_id == user_id)).all())


def _pending_employer(db, **fields):
    return factories.employer(db, status="pending", **fields)


class TestEmployerList:
    def test_it_lists_pending_organisations_by_default_with_their_signals(self, as_staff, db):
        factories.employer(db, name="Harbor Hospital", email="erin@harbor.example")
        pending = _pending_employer(
            db, name="Harbour Hospital Inc.", email="boss@gmail.com", kind="hospital"
        )

        page = as_staff.get("/staff/employers")

        assert page.status_code == 200
        assert "Harbour Hospital Inc." in page.text
        assert f'id="employer-{pending.employer.id}"' in page.text
        assert 'data-signal="similar_name"' in page.text
        assert 'data-signal="free_mail"' in page.text
        assert 'data-signal="npi_missing"' in page.text
        # approved organisations are on their own tab
        assert 'id="employer-' + str(pending.employer.id - 1) + '"' not in page.text

    def test_it_lists_any_status(self, as_staff, employer_user):
        page = as_staff.get("/staff/employers?status=approved")
        assert employer_user.employer.name in page.text

    def test_it_falls_back_to_pending_for_an_unknown_status(self, as_staff):
        assert as_staff.get("/staff/employers?status=%00nonsense").status_code == 200

    def test_it_shows_an_empty_state(self, as_staff):
        assert "nothing waits for approval" in as_staff.get("/staff/employers").text


class TestEmployerApprove:
    def test_it_approves_audits_and_tells_the_users(self, as_staff, db, staff_user):
        pending = _pending_employer(db, name="Seabreeze Nursing")

        response = as_staff.submit(f"/staff/employers/{pending.employer.id}/approve")

        assert response.status_code == 303
        db.expire_all()
        employer = db.get(Employer, pending.employer.id)
        assert employer.status == "approved"
        assert employer.reviewed_by == staff_user.id
        (event,) = _events(db, "employer.approved")
        assert event.actor_user_id == staff_user.id
        assert json.loads(event.before)["status"] == "pending"
        assert json.loads(event.after)["status"] == "approved"
        assert any("approved" in m.subject for m in _messages_to(db, pending.user.id))

    def test_a_second_click_gets_a_clear_message_and_changes_nothing(self, as_staff, db):
        pending = _pending_employer(db)
        as_staff.submit(f"/staff/employers/{pending.employer.id}/approve")

        again = as_staff.submit(f"/staff/employers/{pending.employer.id}/approve")

        assert again.status_code == 409
        assert "already approved" in again.text
        assert len(_events(db, "employer.approved")) == 1

    def test_two_reviewers_at_once_give_one_result(self, app, db, staff_user):
        pending = _pending_employer(db)
        settings: Settings = app.state.settings
        # The first reviewer reads the organisation while it is still pending...
        seen = db.get(Employer, pending.employer.id)
        assert seen.status == "pending"
        # ...the second one approves it in another transaction...
        with Session(app.state.engine) as other:
            review_employer(
                other,
                settings,
                Actor(user_id=staff_user.id, role="staff"),
                employer_id=seen.id,
                action="approve",
            )
            other.commit()
        # ...and the first one's conditional update (WHERE status = 'pending') finds nothing.
        with pytest.raises(Conflict, match="first"):
            review_employer(
                db,
                settings,
                Actor(user_id=staff_user.id, role="staff"),
                employer_id=seen.id,
                action="reject",
                reason="Duplicate of another organisation.",
            )
        db.rollback()
        db.expire_all()
        assert db.get(Employer, seen.id).status == "approved"
        assert len(_events(db, "employer.rejected")) == 0

    def test_it_answers_404_for_an_unknown_organisation(self, as_staff):
        assert as_staff.submit("/staff/employers/424242/approve").status_code == 404


class TestEmployerReject:
    def test_it_needs_a_reason(self, as_staff, db):
        pending = _pending_employer(db)

        response = as_staff.submit(
            f"/staff/employers/{pending.employer.id}/reject", {"reason": " "}
        )

        assert response.status_code == 422
        assert "Give a reason" in response.text
        db.expire_all()
        assert db.get(Employer, pending.employer.id).status == "pending"

    def test_the_organisation_sees_the_reason(self, as_staff, db, make_client):
        pending = _pending_employer(db, name="Quick Cash Spa", email="owner@quickcash.example")
        reason = "We could not confirm this organisation's licence to operate."

        response = as_staff.submit(
            f"/staff/employers/{pending.employer.id}/reject", {"reason": reason}
        )

        assert response.status_code == 303
        db.expire_all()
        employer = db.get(Employer, pending.employer.id)
        assert employer.status == "rejected"
        assert employer.status_reason == reason
        assert any(reason in m.body for m in _messages_to(db, pending.user.id))
        (event,) = _events(db, "employer.rejected")
        assert json.loads(event.after) == {"status": "rejected", "status_reason": reason}
        employer_client = make_client()
        employer_client.login(pending.user.email)
        dashboard = employer_client.get("/employer")
        assert dashboard.status_code == 200
        assert "licence to operate" in dashboard.text

    def test_a_long_reason_is_refused_not_crashed(self, as_staff, db):
        pending = _pending_employer(db)
        response = as_staff.submit(
            f"/staff/employers/{pending.employer.id}/reject", {"reason": "x" * 5000}
        )
        assert response.status_code == 422


class TestEmployerSuspend:
    def test_its_positions_leave_the_search_and_its_users_are_signed_out(
        self, as_staff, as_employer, employer_user, db, client
    ):
        factories.position(db, employer_user.employer.id, title="Oncology massage therapist")
        assert "Oncology massage therapist" in client.get("/positions").text
        assert as_employer.get("/employer").status_code == 200

        response = as_staff.submit(
            f"/staff/employers/{employer_user.employer.id}/suspend",
            {"reason": "Complaints from two graduates about unpaid trial shifts."},
        )

        assert response.status_code == 303
        assert "Oncology massage therapist" not in client.get("/positions").text
        signed_out = as_employer.get("/employer")
        assert signed_out.status_code == 303
        assert signed_out.headers["location"].startswith("/login")
        db.expire_all()
        assert db.get(Employer, employer_user.employer.id).status == "suspended"
        (event,) = _events(db, "employer.suspended")
        assert json.loads(event.before)["status"] == "approved"
        assert db.exec(select(Change).where(Change.kind == "position")).first() is not None

    def test_it_needs_a_reason(self, as_staff, employer_user):
        response = as_staff.submit(f"/staff/employers/{employer_user.employer.id}/suspend")
        assert response.status_code == 422

    def test_a_suspended_organisation_can_be_reinstated(self, as_staff, db):
        suspended = factories.employer(db, name="Valley PT", status="suspended")
        response = as_staff.submit(f"/staff/employers/{suspended.employer.id}/approve")
        assert response.status_code == 303
        db.expire_all()
        assert db.get(Employer, suspended.employer.id).status == "approved"

    def test_a_rejected_organisation_cannot_be_suspended(self, as_staff, db):
        rejected = factories.employer(db, name="Nope Spa", status="rejected")
        response = as_staff.submit(
            f"/staff/employers/{rejected.employer.id}/suspend", {"reason": "x"}
        )
        assert response.status_code == 422


class TestPositionList:
    def test_it_lists_positions_awaiting_review_with_signals(self, as_staff, db, employer_user):
        position = factories.position(
            db,
            employer_user.employer.id,
            title="Massage therapist, young and attractive",
            description="Commission only, 1099. Housing provided, cash tips, open 24/7. "
            "Pay a training fee of $300 to start.",
            status="pending_review",
            pay_min=12.0,
            pay_max=14.0,
        )

        page = as_staff.get("/staff/positions")

        assert page.status_code == 200
        assert f'id="position-{position.id}"' in page.text
        for code in (
            "below_minimum_wage",
            "wording_fee",
            "wording_commission_only",
            "wording_contractor_1099",
            "wording_housing",
            "wording_cash_tips",
            "wording_round_the_clock",
            "wording_appearance",
        ):
            assert f'data-signal="{code}"' in page.text, code
        assert "$16.50" in page.text  # California's minimum wage

    def test_it_shows_other_statuses(self, as_staff, db, employer_user):
        factories.position(db, employer_user.employer.id, title="Open one")
        assert "Open one" in as_staff.get("/staff/positions?status=open").text


class TestPositionApprove:
    def test_it_opens_the_position_audits_and_tells_the_employer(
        self, as_staff, db, employer_user, staff_user
    ):
        position = factories.position(db, employer_user.employer.id, status="pending_review")

        response = as_staff.submit(f"/staff/positions/{position.id}/approve")

        assert response.status_code == 303
        db.expire_all()
        row = db.get(Position, position.id)
        assert row.status == "open"
        assert row.reviewed_by == staff_user.id
        (event,) = _events(db, "position.approved")
        assert json.loads(event.before)["status"] == "pending_review"
        assert json.loads(event.after)["status"] == "open"
        assert db.exec(
            select(Change).where(Change.kind == "position", Change.object_id == position.id)
        ).first()
        assert any("is open" in m.subject for m in _messages_to(db, employer_user.user.id))

    def test_it_refuses_while_the_organisation_is_not_approved(self, as_staff, db):
        pending = _pending_employer(db, name="New Clinic")
        position = factories.position(db, pending.employer.id, status="pending_review")

        response = as_staff.submit(f"/staff/positions/{position.id}/approve")

        assert response.status_code == 422
        assert "approve the organisation" in response.text
        db.expire_all()
        assert db.get(Position, position.id).status == "pending_review"

    def test_it_refuses_a_position_not_waiting_for_review(self, as_staff, db, employer_user):
        position = factories.position(db, employer_user.employer.id, status="open")
        response = as_staff.submit(f"/staff/positions/{position.id}/approve")
        assert response.status_code == 409
        assert "not waiting for review" in response.text

    def test_it_answers_404_for_an_unknown_position(self, as_staff):
        assert as_staff.submit("/staff/positions/99999/approve").status_code == 404


class TestPositionReject:
    def test_the_employer_sees_the_reason(self, as_staff, as_employer, db, employer_user):
        position = factories.position(db, employer_user.employer.id, status="pending_review")
        reason = "Pay below the California minimum wage."

        response = as_staff.submit(f"/staff/positions/{position.id}/reject", {"reason": reason})

        assert response.status_code == 303
        db.expire_all()
        row = db.get(Position, position.id)
        assert (row.status, row.status_reason) == ("rejected", reason)
        assert any(reason in m.body for m in _messages_to(db, employer_user.user.id))
        assert len(_events(db, "position.rejected")) == 1
        page = as_employer.get(f"/employer/positions/{position.id}")
        assert page.status_code == 200
        assert reason in page.text

    def test_it_needs_a_reason(self, as_staff, db, employer_user):
        position = factories.position(db, employer_user.employer.id, status="pending_review")
        response = as_staff.submit(f"/staff/positions/{position.id}/reject", {"reason": ""})
        assert response.status_code == 422
        assert "Give a reason" in response.text


def test_members_helper_lists_users(db, employer_user):
    from placement.services.approvals import members

    assert [user.id for user in members(db, employer_user.employer.id)] == [employer_user.user.id]
    assert db.exec(select(EmployerMember)).first() is not None
    assert db.exec(select(User)).first() is not None
