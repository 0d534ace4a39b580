"""Roster fields are the school's (CONTRACT, Graduate; issue 10, case 3): read-only to a
verified graduate (422 with a message), corrected by staff at /staff/graduates/{id}/record
(audited, before and after), and the roster CSV may carry `clinical_hours`."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from placement.models import AuditEvent, Graduate
from placement.services import roster
from tests import factories

PROFILE = {
    "first_name": "Grace",
    "last_name": "Hopper",
    "program": "Medical Massage Therapy (750 hours)",
    "graduation_date": "2025-06-15",
    "training_hours": "750",
    "clinical_hours": "120",
    "zip": "90001",
    "travel_radius_miles": "25",
    "settings": ["hospital"],
    "employment_types": ["full_time"],
    "availability": ["mon-am"],
    "pay_expectation": "30",
    "bio": "",
    "visibility": "staff",
    "seeking": "seeking",
}


def _fresh(db, graduate_id: int) -> Graduate:
    db.expire_all()
    return db.get(Graduate, graduate_id)


class TestTheGraduatesForm:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("training_hours", "10000"),
            ("graduation_date", "2019-06-01"),
            ("clinical_hours", "900"),
            ("last_name", "Someone"),
        ],
    )
    def test_a_verified_graduate_cannot_rewrite_the_record(
        self, as_graduate, db, graduate_user, field, value
    ):
        graduate = graduate_user.graduate
        form = {**PROFILE, "version": str(graduate.version), field: value}
        page = as_graduate.submit("/me/profile", form)
        assert page.status_code == 422
        assert "career services" in page.text
        saved = _fresh(db, graduate.id)
        assert (saved.training_hours, saved.graduation_date) == (750, date(2025, 6, 15))
        assert saved.verified_at is not None and saved.version == graduate.version

    def test_the_other_fields_still_save(self, as_graduate, db, graduate_user):
        graduate = graduate_user.graduate
        form = {**PROFILE, "version": str(graduate.version), "zip": "90802", "bio": "Calm."}
        assert as_graduate.submit("/me/profile", form).status_code == 303
        assert _fresh(db, graduate.id).zip == "90802"

    def test_the_form_shows_the_record_read_only(self, as_graduate):
        page = as_graduate.get("/me/profile").text
        assert 'name="training_hours"' in page and "readonly" in page

    def test_an_unverified_graduate_still_edits_them(self, make_client, db):
        person = factories.graduate(db, email="new@example.com", verified=False)
        client = make_client()
        client.login(person.user.email)
        form = {**PROFILE, "version": str(person.graduate.version), "training_hours": "800"}
        assert client.submit("/me/profile", form).status_code == 303
        assert _fresh(db, person.graduate.id).training_hours == 800


class TestTheStaffRecord:
    def test_staff_correct_it_and_the_audit_keeps_before_and_after(
        self, as_staff, db, graduate_user, staff_user
    ):
        graduate = graduate_user.graduate
        page = as_staff.get(f"/staff/graduates/{graduate.id}/record")
        assert page.status_code == 200 and 'value="750"' in page.text
        form = {
            "first_name": "Grace",
            "last_name": "Hopper",
            "program": "Medical Massage Therapy (1,000 hours)",
            "graduation_date": "2025-12-15",
            "training_hours": "1000",
            "clinical_hours": "260",
        }
        response = as_staff.submit(f"/staff/graduates/{graduate.id}/record", form)
        assert response.status_code == 303
        saved = _fresh(db, graduate.id)
        assert (saved.training_hours, saved.clinical_hours, saved.cohort) == (1000, 260, 2025)
        assert saved.verified_at is not None
        (event,) = db.exec(
            select(AuditEvent).where(AuditEvent.action == "graduate.record_corrected")
        ).all()
        assert event.actor_user_id == staff_user.id
        assert json.loads(event.before)["training_hours"] == 750
        assert json.loads(event.after)["training_hours"] == 1000

    def test_it_refuses_a_bad_date_and_keeps_what_was_typed(self, as_staff, graduate_user):
        graduate = graduate_user.graduate
        form = {
            "first_name": "Grace",
            "last_name": "Hopper",
            "program": "P",
            "graduation_date": "1900-01-01",
            "training_hours": "750",
            "clinical_hours": "77",
        }
        page = as_staff.submit(f"/staff/graduates/{graduate.id}/record", form)
        assert page.status_code == 422 and 'value="77"' in page.text

    def test_it_is_for_staff_only(self, as_graduate, as_employer, graduate_user):
        path = f"/staff/graduates/{graduate_user.graduate.id}/record"
        assert as_graduate.get(path).status_code == 403
        assert as_employer.get(path).status_code == 403


class TestTheRosterCsv:
    HEADER = "student_id,first_name,last_name,email,program,graduation_date,training_hours"

    def test_clinical_hours_is_an_optional_column(self):
        rows, errors = roster.parse(
            (
                f"{self.HEADER},clinical_hours\n"
                "S1,Ana,Lee,ana@example.com,Massage,2025-06-01,750,140\n"
            ).encode()
        )
        assert errors == [] and rows[0].clinical_hours == 140
        rows, errors = roster.parse(
            f"{self.HEADER}\nS1,Ana,Lee,ana@example.com,Massage,2025-06-01,750\n".encode()
        )
        assert errors == [] and rows[0].clinical_hours is None

    def test_a_bad_clinical_figure_is_reported_by_line(self):
        _, errors = roster.parse(
            (
                f"{self.HEADER},clinical_hours\n"
                "S1,Ana,Lee,ana@example.com,Massage,2025-06-01,750,lots\n"
            ).encode()
        )
        assert errors and errors[0].line == 2 and "clinical_hours" in errors[0].message
