"""School records (training and clinical hours) never reach an employer's page or JSON,
while the match explanation beside each candidate stays."""

from __future__ import annotations

from tests import factories


def _candidate(db, employer_user):
    person = factories.graduate(
        db,
        email="hours@example.com",
        training_hours=837,
        clinical_hours=163,
        visibility="employers",
    )
    position = factories.position(db, employer_user.employer.id, min_training_hours=500)
    factories.application(db, position.id, person.graduate.id)
    return person, position


class TestEmployerSeesNoHours:
    def test_it_keeps_hours_off_the_candidates_page(self, as_employer, db, employer_user):
        _person, position = _candidate(db, employer_user)
        page = as_employer.get(f"/employer/positions/{position.id}/candidates")
        assert page.status_code == 200
        assert "Clinical hours on the school record" in page.text
        assert "837" not in page.text and "163" not in page.text

    def test_it_keeps_hours_out_of_the_employer_json(self, as_employer, db, employer_user):
        person, position = _candidate(db, employer_user)
        rows = as_employer.get(f"/api/v1/positions/{position.id}/matches").json()
        mine = [row for row in rows if row["graduate_id"] == person.graduate.id]
        assert mine, rows
        details = " ".join(reason["detail"] for reason in mine[0]["reasons"])
        assert "163" not in details and "837" not in details

    def test_staff_still_see_the_figures(self, as_staff, db, employer_user):
        person, position = _candidate(db, employer_user)
        rows = as_staff.get(f"/api/v1/positions/{position.id}/matches").json()
        mine = [row for row in rows if row["graduate_id"] == person.graduate.id]
        assert "163 clinical hours" in " ".join(r["detail"] for r in mine[0]["reasons"])
