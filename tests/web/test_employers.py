"""The employer's side: dashboard, organisation, team, the position form, detail and close,
and the rule under all of them: another organisation's ids answer 404 and change nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from placement import dates, worker
from placement.models import (
    Application,
    AuditEvent,
    Employer,
    EmployerMember,
    Message,
    Position,
    PositionRequirement,
    User,
)
from tests import factories

TODAY = dates.today()


def position_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Medical massage therapist, oncology",
        "description": "Bedside massage for inpatients in treatment.",
        "setting": "hospital",
        "employment_type": "part_time",
        "pay_min": "30",
        "pay_max": "38.50",
        "zip": "90012",
        "start_date": (TODAY + timedelta(days=60)).isoformat(),
        "openings": "2",
        "min_training_hours": "750",
        "closes_on": (TODAY + timedelta(days=30)).isoformat(),
        "required_modalities": ["oncology", "manual_lymphatic_drainage"],
        "preferred_modalities": ["geriatric"],
        "required_credentials": ["camtc", "bls_cpr"],
        "preferred_credentials": ["oncology_massage_cert"],
        "shifts": ["mon-am", "wed-pm"],
        "action": "submit",
    }
    data.update(overrides)
    return data


def error_at(page: Any, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="error-{field}">([^<]*)</p>', page.text)
    assert match, f"no message at {field}: {page.status_code} {page.text[:300]}"
    return match.group(1)


def positions_of(db: Any, employer_id: int) -> list[Position]:
    db.expire_all()
    return list(db.exec(select(Position).where(Position.employer_id == employer_id)).all())


class TestDashboard:
    def test_it_lists_positions_with_candidate_counts(self, as_employer, db, employer_user):
        position = factories.position(db, employer_user.employer.id, title="Hospice therapist")
        for stage in ("submitted", "interview", "hired", "rejected"):
            graduate = factories.graduate(db)
            factories.application(db, position.id, graduate.graduate.id, stage=stage)
        page = as_employer.get("/employer")
        assert page.status_code == 200
        assert "Hospice therapist" in page.text
        row = page.text[page.text.index("Hospice therapist") :]
        cells = re.findall(r'<td class="num">(?:<a [^>]*>)?(\d+)', row)
        assert cells[:4] == ["1", "4", "2", "1"]  # openings, candidates, in progress, hired

    def test_it_has_an_empty_state(self, as_employer):
        assert "No positions yet" in as_employer.get("/employer").text

    def test_it_tells_a_pending_organisation_what_waits(self, make_client, db):
        pending = factories.employer(db, status="pending")
        client = make_client()
        client.login(pending.user.email)
        page = client.get("/employer")
        assert "drafts and submissions wait for approval" in page.text

    def test_it_shows_the_reason_of_a_rejection(self, make_client, db):
        rejected = factories.employer(db, status="rejected")
        rejected.employer.status_reason = "We could not confirm the NPI."
        db.add(rejected.employer)
        db.commit()
        client = make_client()
        client.login(rejected.user.email)
        assert "We could not confirm the NPI." in client.get("/employer").text

    def test_it_shows_expired_positions_and_leaves_the_writing_to_the_worker(
        self, app, as_employer, db, employer_user
    ):
        position = factories.position(
            db, employer_user.employer.id, closes_on=TODAY - timedelta(days=2)
        )
        page = as_employer.get("/employer")
        assert 'class="status expired"' in page.text
        db.expire_all()
        assert db.get(Position, position.id).status == "open"  # a page view runs no job
        worker.run_due(app.state.engine, app.state.settings, only=["positions.expire"])
        db.expire_all()
        assert db.get(Position, position.id).status == "expired"

    def test_it_shows_notifications_and_marks_them_read(self, as_employer, db, employer_user):
        db.add(
            Message(
                recipient_user_id=employer_user.user.id,
                recipient_email=employer_user.user.email,
                subject="New candidate for Oncology therapist",
                body="Grace applied.",
            )
        )
        db.commit()
        page = as_employer.get("/employer")
        assert "New candidate for Oncology therapist" in page.text and "1 new" in page.text
        assert as_employer.submit("/employer/notifications/read").status_code == 303
        db.expire_all()
        assert db.exec(select(Message)).one().read_at is not None
        assert "1 new" not in as_employer.get("/employer").text


class TestOrganization:
    def test_it_shows_the_current_details(self, as_employer):
        page = as_employer.get("/employer/organization")
        assert page.status_code == 200 and 'value="Harbor Hospital"' in page.text

    def test_it_saves_and_audits_a_change(self, as_employer, db, employer_user):
        response = as_employer.submit(
            "/employer/organization",
            {
                "name": "Harbor Hospital West",
                "kind": "hospital",
                "zip": "90012",
                "website": "https://harbor-west.example",
                "phone": "(562) 555-0100",
                "npi": "1234567893",
            },
        )
        assert response.status_code == 303
        db.expire_all()
        employer = db.get(Employer, employer_user.employer.id)
        # Approved: the phone saves at once, the name, website and NPI wait for staff
        # (tests/web/test_held_changes.py).
        assert (employer.name, employer.npi, employer.phone) == (
            "Harbor Hospital",
            None,
            "(562) 555-0100",
        )
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "employer.updated")).one()
        assert "(562) 555-0100" in event.after
        held = db.exec(select(AuditEvent).where(AuditEvent.action == "employer.change_held")).one()
        assert "Harbor Hospital West" in held.after and "Harbor Hospital" in held.before

    def test_a_pending_organisation_changes_everything_at_once(self, make_client, db):
        pending = factories.employer(db, email="pat@pending.example", status="pending")
        client = make_client()
        client.login(pending.user.email)
        response = client.submit(
            "/employer/organization",
            {
                "name": "Harbor Hospital West",
                "kind": "hospital",
                "zip": "90012",
                "website": "https://harbor-west.example",
                "phone": "",
                "npi": "1234567893",
            },
        )
        assert response.headers["location"].endswith("done=organization_saved")
        db.expire_all()
        employer = db.get(Employer, pending.employer.id)
        assert (employer.name, employer.website, employer.npi, employer.held_changes) == (
            "Harbor Hospital West",
            "https://harbor-west.example",
            "1234567893",
            None,
        )

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("npi", "1234567890", "not a valid 10-digit NPI"),
            ("npi", "12345", "not a valid 10-digit NPI"),
            ("website", "javascript:alert(1)", "http:// or https://"),
            ("zip", "00000", "not a US ZIP code we know"),
            ("kind", "spa", "Choose one of the options"),
            ("name", "N" * 100_000, "at most 200 characters"),
            ("phone", "call me<script>", "digits, spaces"),
        ],
    )
    def test_it_refuses_bad_input_and_keeps_what_was_typed(
        self, as_employer, db, employer_user, field, value, message
    ):
        data = {
            "name": "Harbor Hospital",
            "kind": "hospital",
            "zip": "90012",
            "website": "https://harbor.example",
            "phone": "562 555 0100",
            "npi": "",
            field: value,
        }
        page = as_employer.submit("/employer/organization", data)
        assert page.status_code == 422
        assert message in error_at(page, field)
        assert 'value="562 555 0100"' in page.text or field == "phone"
        db.expire_all()
        assert db.get(Employer, employer_user.employer.id).name == "Harbor Hospital"


class TestTeam:
    def test_it_invites_a_colleague_with_a_link_that_works_once(
        self, as_employer, make_client, db, employer_user, settings
    ):
        response = as_employer.submit(
            "/employer/team", {"email": "Nia@Harbor.example", "name": "Nia Brooks"}
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/employer/team?done=colleague_invited"
        page = as_employer.get(response.headers["location"])
        assert "The invitation is on its way" in page.text
        assert "/account/setup/" not in page.text  # by mail only
        colleague = db.exec(select(User).where(User.email == "nia@harbor.example")).one()
        assert colleague.role == "employer" and colleague.password_hash is None
        assert (
            db.exec(select(EmployerMember).where(EmployerMember.user_id == colleague.id))
            .one()
            .employer_id
            == employer_user.employer.id
        )
        mail = db.exec(select(Message).where(Message.recipient_user_id == colleague.id)).one()
        link = re.search(r"http://testserver(/account/setup/[\w-]+)", mail.body)
        assert link, mail.body

        invitee = make_client()
        assert invitee.get(link.group(1)).status_code == 200
        done = invitee.submit(link.group(1), {"password": "a long new password 42"})
        assert done.status_code == 303 and done.headers["location"] == "/employer"
        assert "Harbor Hospital" in invitee.get("/employer").text
        assert make_client().get(link.group(1)).status_code == 404  # used

    def test_an_e_mail_that_has_an_account_is_answered_the_same_and_left_alone(
        self, as_employer, other_employer_user, db
    ):
        taken = as_employer.submit(
            "/employer/team", {"email": other_employer_user.user.email, "name": "Otto"}
        )
        fresh = as_employer.submit("/employer/team", {"email": "new@harbor.example", "name": "N"})
        assert taken.status_code == fresh.status_code == 303
        assert taken.headers["location"] == fresh.headers["location"]
        db.expire_all()
        otto = db.get(User, other_employer_user.user.id)
        assert otto.password_hash is not None and otto.active
        memberships = db.exec(select(EmployerMember).where(EmployerMember.user_id == otto.id))
        assert [m.employer_id for m in memberships] == [other_employer_user.employer.id]
        notice = db.exec(select(Message).where(Message.recipient_user_id == otto.id)).one()
        assert notice.kind == "invite_existing" and "/account/setup/" not in notice.body

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"email": "not-an-email", "name": "Nia"}, "email"),
            ({"email": "nia@harbor.example", "name": ""}, "name"),
            ({"email": "nia@harbor.example", "name": "N" * 100_000}, "name"),
        ],
    )
    def test_it_refuses_bad_input(self, as_employer, data, field):
        page = as_employer.submit("/employer/team", data)
        assert page.status_code == 422
        error_at(page, field)

    def test_it_removes_a_colleague_and_ends_their_sessions(
        self, as_employer, make_client, db, employer_user
    ):
        colleague = factories.user(db, email="cal@harbor.example", role="employer")
        db.add(EmployerMember(employer_id=employer_user.employer.id, user_id=colleague.id))
        db.commit()
        their_client = make_client()
        their_client.login(colleague.email)
        assert their_client.get("/employer").status_code == 200
        response = as_employer.submit(f"/employer/team/{colleague.id}/remove")
        assert response.status_code == 303
        assert their_client.get("/employer").status_code == 303  # signed out at once
        db.expire_all()
        assert db.get(User, colleague.id).active is False
        assert not db.exec(
            select(EmployerMember).where(EmployerMember.user_id == colleague.id)
        ).first()

    def test_it_refuses_to_remove_yourself(self, as_employer, db, employer_user):
        colleague = factories.user(db, email="cal@harbor.example", role="employer")
        db.add(EmployerMember(employer_id=employer_user.employer.id, user_id=colleague.id))
        db.commit()
        page = as_employer.submit(f"/employer/team/{employer_user.user.id}/remove")
        # The only owner: the last-owner rule answers first.
        assert page.status_code == 422 and "last owner" in page.text
        db.execute(
            EmployerMember.__table__.update()
            .where(EmployerMember.user_id == colleague.id)
            .values(is_owner=True)
        )
        db.commit()
        page = as_employer.submit(f"/employer/team/{employer_user.user.id}/remove")
        assert page.status_code == 422 and "cannot remove yourself" in page.text
        db.expire_all()
        assert db.get(User, employer_user.user.id).active is True

    def test_it_answers_404_for_someone_of_another_organisation(
        self, as_employer, db, other_employer_user
    ):
        response = as_employer.submit(f"/employer/team/{other_employer_user.user.id}/remove")
        assert response.status_code == 404
        db.expire_all()
        assert db.get(User, other_employer_user.user.id).active is True


class TestNewPosition:
    def test_it_shows_an_empty_form_with_a_shift_grid(self, as_employer):
        page = as_employer.get("/employer/positions/new")
        assert page.status_code == 200
        assert page.text.count('name="shifts"') == 21
        assert 'value="draft"' in page.text and 'value="submit"' in page.text

    def test_it_submits_a_position_for_review(self, as_employer, db, employer_user):
        response = as_employer.submit("/employer/positions/new", position_form())
        assert response.status_code == 303
        (position,) = positions_of(db, employer_user.employer.id)
        assert response.headers["location"] == f"/employer/positions/{position.id}?done=submitted"
        assert position.status == "pending_review"
        assert (position.pay_min, position.pay_max, position.openings) == (30.0, 38.5, 2)
        assert position.shifts == "mon-am,wed-pm"
        requirements = db.exec(
            select(PositionRequirement).where(PositionRequirement.position_id == position.id)
        ).all()
        assert len(requirements) == 6
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "position.submitted")).one()

    def test_it_saves_a_draft(self, as_employer, db, employer_user):
        response = as_employer.submit("/employer/positions/new", position_form(action="draft"))
        assert response.status_code == 303
        assert positions_of(db, employer_user.employer.id)[0].status == "draft"

    def test_it_lets_a_pending_organisation_submit_but_publishes_nothing(
        self, make_client, db, client
    ):
        pending = factories.employer(db, status="pending", name="New Clinic")
        employer = make_client()
        employer.login(pending.user.email)
        assert employer.submit("/employer/positions/new", position_form()).status_code == 303
        position = positions_of(db, pending.employer.id)[0]
        position.status = "open"  # even if it were approved, the organisation is not
        db.add(position)
        db.commit()
        assert "New Clinic" not in client.get("/positions").text

    def test_it_ignores_fields_the_form_does_not_declare(self, as_employer, db, employer_user):
        data = position_form(status="open", employer_id="999", version="77")
        assert as_employer.submit("/employer/positions/new", data).status_code == 303
        (position,) = positions_of(db, employer_user.employer.id)
        assert position.status == "pending_review" and position.version == 1

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"title": "T" * 100_000}, "title", "at most 200 characters"),
            ({"title": ""}, "title", "required"),
            ({"title": "Bad\x00title"}, "title", "NUL"),
            ({"pay_min": "45", "pay_max": "30"}, "pay_max", "below the lowest"),
            ({"pay_min": "lots"}, "pay_min", "Enter a number"),
            ({"pay_max": "1e400"}, "pay_max", "Enter a number"),
            ({"openings": "-1"}, "openings", "from 1 to 100"),
            ({"openings": str(10**12)}, "openings", ""),
            ({"openings": "0"}, "openings", "from 1 to 100"),
            ({"min_training_hours": "5001"}, "min_training_hours", "from 0 to 5,000"),
            ({"start_date": "03/01/2027"}, "start_date", "YYYY-MM-DD"),
            ({"start_date": "2027-02-30"}, "start_date", "YYYY-MM-DD"),
            ({"closes_on": "tomorrow"}, "closes_on", "YYYY-MM-DD"),
            ({"closes_on": (TODAY - timedelta(days=1)).isoformat()}, "closes_on", "has passed"),
            (
                {
                    "start_date": (TODAY + timedelta(days=10)).isoformat(),
                    "closes_on": (TODAY + timedelta(days=20)).isoformat(),
                },
                "closes_on",
                "on or before the start date",
            ),
            ({"start_date": (TODAY - timedelta(days=5)).isoformat()}, "start_date", "has passed"),
            ({"setting": "spa"}, "setting", "Choose one of the options"),
            ({"employment_type": "forever"}, "employment_type", "Choose one of the options"),
            ({"required_modalities": ["telekinesis"]}, "required_modalities", "Unknown choice"),
            ({"preferred_credentials": ["wizard"]}, "preferred_credentials", "Unknown choice"),
            ({"shifts": ["mon-night"]}, "shifts", "Unknown choice"),
            ({"zip": "00000"}, "zip", "not a US ZIP code we know"),
            ({"zip": "9001"}, "zip", "5-digit"),
            ({"preferred_modalities": ["oncology"]}, "preferred_modalities", "already required"),
            ({"preferred_credentials": ["camtc"]}, "preferred_credentials", "already required"),
            ({"action": "publish"}, "action", "Choose one of the options"),
        ],
    )
    def test_it_refuses_bad_input_with_a_message_at_the_field(
        self, as_employer, db, employer_user, overrides, field, message
    ):
        page = as_employer.submit("/employer/positions/new", position_form(**overrides))
        assert page.status_code == 422
        assert message in error_at(page, field)
        assert positions_of(db, employer_user.employer.id) == []

    def test_it_keeps_every_typed_value(self, as_employer):
        page = as_employer.submit(
            "/employer/positions/new",
            position_form(title="T" * 100_000, pay_min="45", pay_max="30", zip="00000"),
        )
        assert page.status_code == 422
        for kept in (
            'value="' + "T" * 100_000 + '"',
            'value="45"',
            'value="30"',
            'value="00000"',
            "Bedside massage for inpatients in treatment.</textarea>",
            'value="oncology" checked',
            'value="camtc" checked',
            'value="mon-am" id="shift-mon-am" aria-label="Mon morning" checked',
            '<option value="part_time" selected>',
        ):
            assert kept in page.text, kept
        for field in ("title", "pay_max", "zip"):
            error_at(page, field)

    def test_it_never_answers_500_to_a_garbled_form(self, as_employer):
        page = as_employer.submit(
            "/employer/positions/new",
            {"title": ["a", "b"], "openings": "\x00", "shifts": "x" * 5000, "pay_min": "nan"},
        )
        assert page.status_code == 422


class TestEditPosition:
    def test_it_shows_the_form_filled_in_with_the_version(self, as_employer, db, employer_user):
        position = factories.position(
            db, employer_user.employer.id, required_modalities=("oncology",)
        )
        page = as_employer.get(f"/employer/positions/{position.id}/edit")
        assert page.status_code == 200
        assert 'value="Medical massage therapist"' in page.text
        assert 'name="version" value="1"' in page.text
        assert 'value="oncology" checked' in page.text
        assert 'value="mon-am" id="shift-mon-am" aria-label="Mon morning" checked' in page.text

    def test_it_keeps_an_open_position_open_through_small_edits(
        self, as_employer, db, employer_user
    ):
        position = factories.position(
            db, employer_user.employer.id, required_modalities=("oncology",)
        )
        # Neither title, description, pay nor requirements: published at once.
        data = self._same_requirements(
            title="Medical massage therapist",
            description="Inpatient massage on the oncology and orthopaedic floors.",
            pay_min="28",
            pay_max="36",
            openings="3",
            shifts=["mon-am", "fri-pm"],
        )
        response = as_employer.submit(f"/employer/positions/{position.id}/edit", data)
        assert response.status_code == 303 and response.headers["location"].endswith("done=saved")
        db.expire_all()
        saved = db.get(Position, position.id)
        assert (saved.status, saved.openings, saved.version) == ("open", 3, 2)
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "position.edited")).one()

    def test_it_sends_an_open_position_back_to_review_when_requirements_change(
        self, as_employer, db, employer_user, client
    ):
        position = factories.position(
            db, employer_user.employer.id, required_modalities=("oncology",)
        )
        data = self._same_requirements(required_credentials=["bls_cpr"])
        response = as_employer.submit(f"/employer/positions/{position.id}/edit", data)
        assert response.headers["location"].endswith("done=review")
        db.expire_all()
        assert db.get(Position, position.id).status == "pending_review"
        assert client.get(f"/positions/{position.id}").status_code == 404

    def test_it_refuses_an_edit_made_from_an_older_version(self, as_employer, db, employer_user):
        position = factories.position(db, employer_user.employer.id)
        first = self._same_requirements(title="First edit", version="1")
        assert (
            as_employer.submit(f"/employer/positions/{position.id}/edit", first).status_code == 303
        )
        stale = self._same_requirements(title="Second edit from the old page", version="1")
        page = as_employer.submit(f"/employer/positions/{position.id}/edit", stale)
        assert page.status_code == 409
        assert "Someone saved this position" in page.text
        assert 'value="Second edit from the old page"' in page.text
        assert 'name="version" value="2"' in page.text
        db.expire_all()
        assert db.get(Position, position.id).title == "First edit"

    def test_it_refuses_an_edit_without_a_version(self, as_employer, db, employer_user):
        position = factories.position(db, employer_user.employer.id)
        data = self._same_requirements(title="No version")
        del data["version"]
        page = as_employer.submit(f"/employer/positions/{position.id}/edit", data)
        assert page.status_code == 409
        db.expire_all()
        assert db.get(Position, position.id).title == "Medical massage therapist"

    def test_it_resubmits_a_rejected_position(self, as_employer, db, employer_user):
        position = factories.position(db, employer_user.employer.id, status="rejected")
        data = self._same_requirements()
        response = as_employer.submit(f"/employer/positions/{position.id}/edit", data)
        assert response.headers["location"].endswith("done=submitted")
        db.expire_all()
        assert db.get(Position, position.id).status == "pending_review"

    def test_it_refuses_bad_input_and_keeps_the_values(self, as_employer, db, employer_user):
        position = factories.position(db, employer_user.employer.id)
        data = self._same_requirements(openings="-1", title="Kept title")
        page = as_employer.submit(f"/employer/positions/{position.id}/edit", data)
        assert page.status_code == 422
        assert "from 1 to 100" in error_at(page, "openings")
        assert 'value="Kept title"' in page.text and 'value="-1"' in page.text

    @staticmethod
    def _same_requirements(**overrides: Any) -> dict[str, Any]:
        data = position_form(
            required_modalities=["oncology"],
            preferred_modalities=[],
            required_credentials=[],
            preferred_credentials=[],
            min_training_hours="500",
            version="1",
        )
        data.update(overrides)
        return data


class TestPositionDetailAndClose:
    def test_it_shows_status_and_candidate_counts(self, as_employer, db, employer_user):
        position = factories.position(db, employer_user.employer.id, status="rejected")
        position.status_reason = "Pay range missing a benefit description."
        db.add(position)
        db.commit()
        factories.application(db, position.id, factories.graduate(db).graduate.id)
        page = as_employer.get(f"/employer/positions/{position.id}")
        assert page.status_code == 200
        assert "Pay range missing a benefit description." in page.text
        assert "Candidates (1)" in page.text

    def test_it_closes_a_position(self, as_employer, db, employer_user, client):
        position = factories.position(db, employer_user.employer.id)
        response = as_employer.submit(f"/employer/positions/{position.id}/close")
        assert response.status_code == 303
        db.expire_all()
        assert db.get(Position, position.id).status == "closed"
        assert client.get(f"/positions/{position.id}").status_code == 404
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "position.closed")).one()


class TestOwnership:
    """Every employer route with another organisation's ids: 404, and nothing changes."""

    @pytest.fixture
    def theirs(self, db, other_employer_user):
        position = factories.position(db, other_employer_user.employer.id, title="Their position")
        graduate = factories.graduate(db)
        application = factories.application(db, position.id, graduate.graduate.id)
        return {
            "position": position.id,
            "application": application.id,
            "user": other_employer_user.user.id,
        }

    @pytest.mark.parametrize(
        "path",
        [
            "/employer/positions/{position}",
            "/employer/positions/{position}/edit",
            "/employer/positions/{position}/candidates",
            "/employer/applications/{application}",
            "/employer/applications/{application}/resume",
        ],
    )
    def test_it_answers_404_to_reads(self, as_employer, theirs, path):
        assert as_employer.get(path.format(**theirs)).status_code == 404

    @pytest.mark.parametrize(
        ("path", "data"),
        [
            ("/employer/positions/{position}/edit", position_form(version="1")),
            ("/employer/positions/{position}/close", {}),
            ("/employer/applications/{application}/stage", {"stage": "screening"}),
            (
                "/employer/applications/{application}/stage",
                {"stage": "rejected", "reason": "other"},
            ),
            ("/employer/team/{user}/remove", {}),
        ],
    )
    def test_it_answers_404_to_changes_and_changes_nothing(
        self, as_employer, db, theirs, path, data
    ):
        response = as_employer.submit(path.format(**theirs), data)
        assert response.status_code == 404
        db.expire_all()
        position = db.get(Position, theirs["position"])
        assert (position.status, position.title, position.version) == (
            "open",
            "Their position",
            1,
        )
        assert db.get(Application, theirs["application"]).stage == "submitted"
        assert db.get(User, theirs["user"]).active is True

    @pytest.mark.parametrize(
        "path",
        [
            "/employer/positions/999999",
            "/employer/positions/99999999999999999999/edit",
            "/employer/applications/0",
            "/employer/applications/99999999999999999999/resume",
        ],
    )
    def test_it_answers_404_for_ids_that_do_not_exist(self, as_employer, path):
        assert as_employer.get(path).status_code == 404

    def test_other_roles_cannot_use_the_employer_side(self, as_graduate, as_staff, theirs):
        assert as_graduate.get("/employer/positions/new").status_code == 403
        assert as_staff.get(f"/employer/positions/{theirs['position']}").status_code == 403
