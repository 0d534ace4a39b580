"""Staff's graduate search, a graduate's staff-only page, verification against the roster and
the outcome staff record."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from placement.models import AuditEvent, Change, Graduate, GraduateCredential
from tests import factories


def _events(db, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


class TestGraduateSearch:
    @pytest.fixture
    def people(self, db):
        ana = factories.graduate(
            db,
            first_name="Ana",
            last_name="Lopez",
            email="ana@example.com",
            cohort=2024,
            student_id="S2024-001",
        )
        factories.modality(db, ana.graduate.id, "manual_lymphatic_drainage", 3)
        factories.credential(db, ana.graduate.id, "camtc")
        ben = factories.graduate(
            db,
            first_name="Ben",
            last_name="Okafor",
            email="ben@example.com",
            cohort=2025,
            verified=False,
            outcome_status="unavailable",
            unavailable_reason="military",
        )
        private = factories.graduate(
            db,
            first_name="Pia",
            last_name="Private",
            email="pia@example.com",
            cohort=2025,
            visibility="private",
        )
        return ana.graduate, ben.graduate, private.graduate

    def _ids(self, page: str) -> set[int]:
        import re

        return {int(n) for n in re.findall(r'href="/staff/graduates/(\d+)"', page)}

    def test_it_matches_name_email_and_student_id(self, as_staff, people):
        ana, ben, _ = people
        assert self._ids(as_staff.get("/staff/graduates?q=lopez").text) == {ana.id}
        assert self._ids(as_staff.get("/staff/graduates?q=BEN%40example").text) == {ben.id}
        assert self._ids(as_staff.get("/staff/graduates?q=s2024-001").text) == {ana.id}
        assert self._ids(as_staff.get("/staff/graduates?q=ana+lopez").text) == {ana.id}

    def test_it_filters_by_cohort_modality_credential_status_and_verification(
        self, as_staff, people
    ):
        ana, ben, private = people
        assert self._ids(as_staff.get("/staff/graduates?cohort=2025").text) == {ben.id, private.id}
        assert self._ids(
            as_staff.get("/staff/graduates?modality=manual_lymphatic_drainage").text
        ) == {ana.id}
        assert self._ids(as_staff.get("/staff/graduates?credential=camtc").text) == {ana.id}
        assert self._ids(as_staff.get("/staff/graduates?status=unavailable").text) == {ben.id}
        assert self._ids(as_staff.get("/staff/graduates?verified=no").text) == {ben.id}

    def test_private_graduates_are_still_the_schools_records(self, as_staff, people):
        _, _, private = people
        assert private.id in self._ids(as_staff.get("/staff/graduates?q=pia").text)

    def test_it_paginates(self, as_staff, db):
        for number in range(27):
            factories.graduate(db, first_name=f"P{number:02d}", last_name="Many", cohort=2023)
        first = as_staff.get("/staff/graduates?cohort=2023")
        second = as_staff.get("/staff/graduates?cohort=2023&page=2")
        assert len(self._ids(first.text)) == 25
        assert len(self._ids(second.text)) == 2
        assert "Page 1 of 2" in first.text
        assert as_staff.get("/staff/graduates?cohort=2023&page=9").status_code == 200

    @pytest.mark.parametrize(
        "query",
        [
            "cohort=abc",
            "modality=nonsense",
            "q=%00",
            "page=-1",
            "cohort=99999999999999",
            "q=" + "x" * 300,
        ],
    )
    def test_bad_filters_never_crash(self, as_staff, query):
        assert as_staff.get("/staff/graduates?" + query).status_code in (200, 422)

    def test_it_shows_an_empty_state(self, as_staff):
        assert "No graduates match" in as_staff.get("/staff/graduates?q=nobody").text


class TestGraduatePage:
    def test_it_shows_the_whole_record(
        self, as_staff, db, graduate_user, employer_user, staff_user
    ):
        graduate = graduate_user.graduate
        factories.modality(db, graduate.id, "oncology", 2)
        factories.credential(db, graduate.id, "bls_cpr", verified=False)
        position = factories.position(db, employer_user.employer.id, title="Hospice LMT")
        factories.application(db, position.id, graduate.id, stage="interview")
        other = factories.position(db, employer_user.employer.id, title="Rehab LMT")
        factories.referral(db, other.id, graduate.id, staff_user_id=staff_user.id)

        page = as_staff.get(f"/staff/graduates/{graduate.id}")

        assert page.status_code == 200
        for text in (
            "Grace",
            graduate.student_id,
            "Oncology",
            "Hospice LMT",
            "interview",
            "Rehab LMT",
            "pending",
            "Record a placement",
            "Save outcome",
        ):
            assert text in page.text, text
        credential = db.exec(select(GraduateCredential)).one()
        assert f'action="/staff/credentials/{credential.id}/verify"' in page.text

    def test_it_answers_404_for_an_unknown_graduate(self, as_staff):
        assert as_staff.get("/staff/graduates/987654").status_code == 404


class TestGraduateVerify:
    def test_it_verifies_against_the_roster(self, as_staff, db, staff_user):
        person = factories.graduate(db, verified=False).graduate

        response = as_staff.submit(f"/staff/graduates/{person.id}/verify")

        assert response.status_code == 303
        db.expire_all()
        row = db.get(Graduate, person.id)
        assert row.verified_at is not None and row.verified_by == staff_user.id
        (event,) = _events(db, "graduate.verified")
        assert json.loads(event.before)["verified_at"] is None
        assert db.exec(
            select(Change).where(Change.kind == "graduate", Change.object_id == person.id)
        ).first()

    def test_it_refuses_twice(self, as_staff, graduate_user):
        response = as_staff.submit(f"/staff/graduates/{graduate_user.graduate.id}/verify")
        assert response.status_code == 409


class TestCredentialVerify:
    def test_it_verifies_and_audits(self, as_staff, db, graduate_user, staff_user):
        credential = factories.credential(db, graduate_user.graduate.id, "camtc", verified=False)

        response = as_staff.submit(f"/staff/credentials/{credential.id}/verify")

        assert response.status_code == 303
        assert response.headers["location"].startswith(
            f"/staff/graduates/{graduate_user.graduate.id}"
        )
        db.expire_all()
        assert db.get(GraduateCredential, credential.id).verified_by == staff_user.id
        assert len(_events(db, "credential.verified")) == 1

    def test_it_ignores_an_unsafe_next(self, as_staff, db, graduate_user):
        credential = factories.credential(db, graduate_user.graduate.id, "camtc", verified=False)
        response = as_staff.submit(
            f"/staff/credentials/{credential.id}/verify", {"next": "//evil.example/"}
        )
        assert response.headers["location"].startswith("/staff/graduates/")


class TestGraduateOutcome:
    def test_it_records_unavailable_with_a_reason(self, as_staff, db, graduate_user, staff_user):
        graduate_id = graduate_user.graduate.id

        response = as_staff.submit(
            f"/staff/graduates/{graduate_id}/outcome",
            {
                "status": "unavailable",
                "unavailable_reason": "continuing_education",
                "note": "Enrolled in a DPT programme.",
            },
        )

        assert response.status_code == 303
        db.expire_all()
        row = db.get(Graduate, graduate_id)
        assert (row.outcome_status, row.unavailable_reason) == (
            "unavailable",
            "continuing_education",
        )
        assert row.outcome_note == "Enrolled in a DPT programme."
        (event,) = _events(db, "graduate.outcome_changed")
        assert event.actor_user_id == staff_user.id
        assert json.loads(event.before)["outcome_status"] == "seeking"
        assert json.loads(event.after)["unavailable_reason"] == "continuing_education"

    def test_unavailable_needs_a_reason(self, as_staff, db, graduate_user):
        response = as_staff.submit(
            f"/staff/graduates/{graduate_user.graduate.id}/outcome", {"status": "unavailable"}
        )
        assert response.status_code == 422
        assert "Say why the graduate is unavailable" in response.text
        db.expire_all()
        assert db.get(Graduate, graduate_user.graduate.id).outcome_status == "seeking"

    def test_a_reason_is_refused_with_any_other_status(self, as_staff, graduate_user):
        response = as_staff.submit(
            f"/staff/graduates/{graduate_user.graduate.id}/outcome",
            {"status": "seeking", "unavailable_reason": "military"},
        )
        assert response.status_code == 422
        assert "Only an unavailable graduate has a reason" in response.text

    @pytest.mark.parametrize(
        "data",
        [
            {"status": "retired"},
            {"status": "unavailable", "unavailable_reason": "bored"},
            {},
            {"status": "unknown", "note": "x" * 3000},
            {"status": "unknown", "note": "a\x00b"},
        ],
    )
    def test_bad_input_is_refused_with_a_message(self, as_staff, graduate_user, data):
        response = as_staff.submit(f"/staff/graduates/{graduate_user.graduate.id}/outcome", data)
        assert response.status_code == 422
        assert "error-summary" in response.text

    def test_it_answers_404_for_an_unknown_graduate(self, as_staff):
        response = as_staff.submit("/staff/graduates/99999/outcome", {"status": "unknown"})
        assert response.status_code == 404
