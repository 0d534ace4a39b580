"""Placements: recorded by staff (POST /staff/placements), verified (POST
/staff/placements/{id}/verify), or recorded on their own when an employer hires."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from placement.models import AuditEvent, Graduate, Placement
from tests import factories

RECORD = {
    "employer_name": "Sunset Hills Hospice",
    "job_title": "Comfort-care massage therapist",
    "start_date": "2026-02-01",
    "hours_per_week": "24",
    "field": "in_field",
}


def _placements(db) -> list[Placement]:
    db.expire_all()
    return list(db.exec(select(Placement)).all())


class TestRecordPlacement:
    def test_it_records_the_placement_and_the_outcome_follows(
        self, as_staff, db, graduate_user, staff_user
    ):
        response = as_staff.submit(
            "/staff/placements", {**RECORD, "graduate_id": graduate_user.graduate.id}
        )

        assert response.status_code == 303
        assert response.headers["location"].startswith(
            f"/staff/graduates/{graduate_user.graduate.id}"
        )
        (placement,) = _placements(db)
        assert placement.employer_name == "Sunset Hills Hospice"
        assert placement.hours_per_week == 24 and placement.field == "in_field"
        assert placement.created_by == staff_user.id and placement.verified_at is None
        assert db.get(Graduate, graduate_user.graduate.id).outcome_status == "placed"
        (event,) = db.exec(select(AuditEvent).where(AuditEvent.action == "placement.recorded"))
        assert json.loads(event.before)["outcome_status"] == "seeking"
        assert json.loads(event.after)["outcome_status"] == "placed"

    def test_it_links_a_position_of_the_network(self, as_staff, db, graduate_user, employer_user):
        position = factories.position(db, employer_user.employer.id)
        data = {**RECORD, "graduate_id": graduate_user.graduate.id, "position_id": position.id}

        as_staff.submit("/staff/placements", data)
        again = as_staff.submit("/staff/placements", data)

        (placement,) = _placements(db)
        assert placement.employer_id == employer_user.employer.id
        assert again.status_code == 303  # the same job is not recorded twice

    @pytest.mark.parametrize(
        "change",
        [
            {"field": "somewhere"},
            {"start_date": "01/02/2026"},
            {"hours_per_week": "200"},
            {"job_title": ""},
            {"employer_name": "x" * 300},
            {"position_id": "777777"},
            {"graduate_id": "abc"},
            {"graduate_id": "555555"},
        ],
    )
    def test_bad_input_is_refused_with_messages(self, as_staff, db, graduate_user, change):
        data = {**RECORD, "graduate_id": graduate_user.graduate.id, **change}
        response = as_staff.submit("/staff/placements", data)
        assert response.status_code == 422
        assert "error-summary" in response.text
        assert _placements(db) == []

    def test_errors_from_the_graduate_page_come_back_to_it(self, as_staff, graduate_user):
        response = as_staff.submit(
            "/staff/placements",
            {**RECORD, "graduate_id": graduate_user.graduate.id, "field": "", "from": "graduate"},
        )
        assert response.status_code == 422
        assert "Save outcome" in response.text  # the graduate's page
        assert 'value="Sunset Hills Hospice"' in response.text


class TestVerifyPlacement:
    def test_it_verifies_with_a_method_and_a_note(self, as_staff, db, graduate_user, staff_user):
        as_staff.submit("/staff/placements", {**RECORD, "graduate_id": graduate_user.graduate.id})
        (placement,) = _placements(db)

        response = as_staff.submit(
            f"/staff/placements/{placement.id}/verify",
            {"method": "pay_stub", "note": "Stub for January seen."},
        )

        assert response.status_code == 303
        (placement,) = _placements(db)
        assert placement.verification_method == "pay_stub"
        assert placement.verification_note == "Stub for January seen."
        assert placement.verified_by == staff_user.id and placement.verified_at
        (event,) = db.exec(select(AuditEvent).where(AuditEvent.action == "placement.verified"))
        assert json.loads(event.before)["verification_method"] is None

    def test_it_needs_a_known_method(self, as_staff, db, graduate_user):
        as_staff.submit("/staff/placements", {**RECORD, "graduate_id": graduate_user.graduate.id})
        (placement,) = _placements(db)
        response = as_staff.submit(f"/staff/placements/{placement.id}/verify", {"method": "vibes"})
        assert response.status_code == 422
        assert _placements(db)[0].verified_at is None

    def test_an_unknown_placement_is_404(self, as_staff):
        response = as_staff.submit("/staff/placements/4040/verify", {"method": "other"})
        assert response.status_code == 404


class TestPlacementList:
    def test_it_lists_placements_to_verify(self, as_staff, db, graduate_user):
        as_staff.submit("/staff/placements", {**RECORD, "graduate_id": graduate_user.graduate.id})
        page = as_staff.get("/staff/placements?verified=no")
        assert "Comfort-care massage therapist" in page.text
        assert "No placements verified yet" in as_staff.get("/staff/placements?verified=yes").text


class TestHireCreatesAnUnverifiedPlacement:
    def test_an_employers_hire_records_an_unverified_placement(
        self, as_employer, as_staff, db, employer_user, graduate_user
    ):
        position = factories.position(db, employer_user.employer.id, title="Inpatient LMT")
        application = factories.application(db, position.id, graduate_user.graduate.id)

        for stage in ("screening", "interview", "offer", "hired"):
            response = as_employer.submit(
                f"/employer/applications/{application.id}/stage", {"stage": stage, "note": ""}
            )
            assert response.status_code == 303, (stage, response.text[:500])

        (placement,) = _placements(db)
        assert placement.application_id == application.id
        assert placement.position_id == position.id
        # The hire is the employer's word: staff verify the employment themselves.
        assert placement.verification_method is None
        assert placement.verified_at is None
        assert db.get(Graduate, graduate_user.graduate.id).outcome_status == "placed"
        page = as_staff.get(f"/staff/graduates/{graduate_user.graduate.id}")
        assert "Inpatient LMT" in page.text and "recorded from the employer" in page.text
