"""The outcome report's drill-down lists: counted by the same accreditor and cohort or period
as the figure, each with a CSV; the audit log as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlmodel import select

from placement.models import AuditEvent, Placement, utcnow
from tests import factories


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def cohort(db):
    placed = factories.graduate(
        db, first_name="Placed", cohort=2025, graduation_date=date(2025, 6, 1)
    ).graduate
    factories.graduate(db, first_name="Seeker", cohort=2025, graduation_date=date(2025, 6, 1))
    factories.graduate(
        db,
        first_name="Abroad",
        cohort=2025,
        graduation_date=date(2025, 6, 1),
        outcome_status="unavailable",
        unavailable_reason="relocated_abroad",
    )
    factories.graduate(
        db,
        first_name="Soldier",
        cohort=2025,
        graduation_date=date(2025, 5, 1),
        outcome_status="unavailable",
        unavailable_reason="military",
    )
    # Graduated in August 2025: cohort 2025, but period 2026.
    factories.graduate(db, first_name="Late", cohort=2025, graduation_date=date(2025, 8, 20))
    db.add(
        Placement(
            graduate_id=placed.id,
            employer_name='=HYPERLINK("http://evil")',
            job_title="LMT",
            field="in_field",
            start_date=date(2025, 7, 1),
            verified_at=utcnow(),
            verification_method="employer_confirmed",
        )
    )
    db.commit()


class TestDrillDownsFollowTheProfile:
    def test_a_disallowed_reason_is_listed_as_not_placed_under_abhes(self, as_staff, cohort):
        page = as_staff.get(
            "/staff/reports/outcomes/people?cohort=2025&column=not_placed&accreditor=abhes"
        )
        assert page.status_code == 200
        assert "Abroad" in page.text and "Seeker" in page.text and "Soldier" not in page.text
        unavailable = as_staff.get(
            "/staff/reports/outcomes/people?cohort=2025&column=unavailable&accreditor=abhes"
        )
        assert "Soldier" in unavailable.text and "Abroad" not in unavailable.text

    def test_the_disallowed_list_has_its_own_figure(self, as_staff, cohort):
        page = as_staff.get(
            "/staff/reports/outcomes/people?cohort=2025&column=disallowed&accreditor=accsc"
        )
        assert page.status_code == 200 and "Abroad" in page.text and "Seeker" not in page.text

    def test_nace_figures_open_their_people(self, as_staff, cohort):
        report = as_staff.get("/staff/reports/outcomes?cohort=2025&accreditor=nace")
        assert (
            "/staff/reports/outcomes/people?cohort=2025&amp;accreditor=nace&amp;column=military"
            in report.text
        )
        military = as_staff.get(
            "/staff/reports/outcomes/people?cohort=2025&column=military&accreditor=nace"
        )
        assert "Soldier" in military.text and "Abroad" not in military.text
        employed = as_staff.get(
            "/staff/reports/outcomes/people?cohort=2025&column=employed&accreditor=nace"
        )
        assert "Placed" in employed.text and "Seeker" not in employed.text
        # A NACE column means nothing to ABHES.
        assert (
            as_staff.get(
                "/staff/reports/outcomes/people?cohort=2025&column=employed&accreditor=abhes"
            ).status_code
            == 422
        )

    def test_a_period_regroups_the_people(self, as_staff, cohort):
        report = as_staff.get("/staff/reports/outcomes?period=2026")
        assert "/staff/reports/outcomes/people?period=2026&amp;accreditor=abhes" in report.text
        page = as_staff.get("/staff/reports/outcomes/people?period=2026&column=graduates")
        assert page.status_code == 200
        assert "Late" in page.text and "Seeker" not in page.text
        earlier = as_staff.get("/staff/reports/outcomes/people?period=2025&column=graduates")
        assert "Seeker" in earlier.text and "Late" not in earlier.text

    def test_cohort_and_period_together_are_refused(self, as_staff, cohort):
        response = as_staff.get(
            "/staff/reports/outcomes/people?cohort=2025&period=2025&column=graduates"
        )
        assert response.status_code == 400

    @pytest.mark.parametrize(
        "query",
        ["accreditor=nope&column=graduates", "period=x&column=graduates", "column=%00"],
    )
    def test_bad_parameters_are_explained(self, as_staff, cohort, query):
        assert as_staff.get("/staff/reports/outcomes/people?" + query).status_code == 422


class TestDrillDownCsv:
    def test_every_list_downloads_as_csv(self, as_staff, db, cohort):
        page = as_staff.get("/staff/reports/outcomes/people?cohort=2025&column=graduates")
        assert "format=csv" in page.text
        response = as_staff.get(
            "/staff/reports/outcomes/people?cohort=2025&column=graduates&format=csv"
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert response.headers["content-disposition"].startswith("attachment;")
        rows = _rows(response.text)
        assert {row["name"] for row in rows} == {
            "Placed Hopper",
            "Seeker Hopper",
            "Abroad Hopper",
            "Soldier Hopper",
            "Late Hopper",
        }
        abroad = next(row for row in rows if row["name"] == "Abroad Hopper")
        assert abroad["counted_as"] == "not_placed"
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "report.exported")).all()

    def test_a_cell_a_spreadsheet_would_run_is_defused(self, as_staff, cohort):
        response = as_staff.get(
            "/staff/reports/outcomes/people?cohort=2025&column=placed_in_field&format=csv"
        )
        (row,) = _rows(response.text)
        assert row["employer_name"].startswith("'=")
        assert row["verified"] == "yes" and row["verification_method"] == "employer_confirmed"

    def test_by_period_the_column_says_period(self, as_staff, cohort):
        response = as_staff.get(
            "/staff/reports/outcomes/people?period=2026&column=graduates&format=csv"
        )
        assert response.text.splitlines()[0].split(",")[3] == "period"

    def test_the_disallowed_list_of_the_report_links_its_csv(self, as_staff, cohort):
        report = as_staff.get("/staff/reports/outcomes?cohort=2025&accreditor=abhes")
        assert "column=disallowed" in report.text and "format=csv" in report.text
        response = as_staff.get(
            "/staff/reports/outcomes/people?cohort=2025&accreditor=abhes&column=disallowed&format=csv"
        )
        assert [row["name"] for row in _rows(response.text)] == ["Abroad Hopper"]

    def test_not_for_employers(self, as_employer, cohort):
        response = as_employer.get(
            "/staff/reports/outcomes/people?cohort=2025&column=graduates&format=csv"
        )
        assert response.status_code == 403


class TestAuditCsv:
    def test_the_filtered_log_downloads_as_csv(self, as_staff, db, cohort):
        as_staff.get("/staff/reports/outcomes?format=csv")
        page = as_staff.get("/staff/audit?action=report")
        assert "format=csv" in page.text
        response = as_staff.get("/staff/audit?action=report&format=csv")
        assert response.status_code == 200
        assert response.headers["content-disposition"].startswith("attachment;")
        rows = _rows(response.text)
        assert rows and {row["action"] for row in rows} == {"report.exported"}
        assert list(rows[0]) == [
            "id",
            "at",
            "action",
            "actor_user_id",
            "actor_role",
            "actor_email",
            "object_type",
            "object_id",
            "detail",
            "before",
            "after",
            "ip",
        ]
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "audit.exported")).one()

    def test_bad_filters_give_the_page_not_a_file(self, as_staff):
        response = as_staff.get("/staff/audit?since=nope&format=csv")
        assert response.status_code == 422 and "text/html" in response.headers["content-type"]

    def test_not_for_graduates(self, as_graduate):
        assert as_graduate.get("/staff/audit?format=csv").status_code == 403
