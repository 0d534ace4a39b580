"""The outcome report page: table, server-drawn SVG chart, drill-down to people, CSV."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from placement.models import AuditEvent, Placement, utcnow
from tests import factories

HEADER = (
    "cohort,graduates,unavailable,available,placed_in_field,placed_related_field,"
    "placed_out_of_field,not_placed,unknown,placement_rate,verified_rate"
)


@pytest.fixture
def cohort(db):
    placed = factories.graduate(db, first_name="Placed", cohort=2025).graduate
    related = factories.graduate(db, first_name="Related", cohort=2025).graduate
    factories.graduate(db, first_name="Seeker", cohort=2025)
    factories.graduate(
        db,
        first_name="Away",
        cohort=2025,
        outcome_status="unavailable",
        unavailable_reason="health",
    )
    for person, field, verified in ((placed, "in_field", True), (related, "related_field", False)):
        db.add(
            Placement(
                graduate_id=person.id,
                employer_name="Harbor Hospital",
                job_title="LMT",
                field=field,
                verified_at=utcnow() if verified else None,
                verification_method="employer_confirmed" if verified else None,
            )
        )
    db.commit()
    factories.graduate(db, first_name="Older", cohort=2024)


class TestOutcomeReport:
    def test_it_shows_one_row_per_cohort_and_a_chart(self, as_staff, cohort):
        page = as_staff.get("/staff/reports/outcomes")

        assert page.status_code == 200
        row = re.search(r'<tr data-cohort="2025">(.*?)</tr>', page.text, re.S).group(1)
        assert (
            '<td class="num" data-column="graduates"><a href="/staff/reports/outcomes/people?'
            'cohort=2025&amp;accreditor=abhes&amp;column=graduates">4</a>' in row
        )
        assert "0.6667" in row  # (1 + 1) / (4 - 1)
        assert "0.5000" in row  # one of the two verified
        assert '<tr data-cohort="2024">' in page.text
        assert "<svg" in page.text and 'class="bar"' in page.text
        assert "<script" not in page.text
        assert "Health 1" in page.text

    def test_every_figure_links_to_the_people_behind_it(self, as_staff, cohort):
        page = as_staff.get(
            "/staff/reports/outcomes/people?cohort=2025&column=placed_related_field"
        )
        assert page.status_code == 200
        assert "Related" in page.text and "Seeker" not in page.text
        unavailable = as_staff.get("/staff/reports/outcomes/people?cohort=2025&column=unavailable")
        assert "Away" in unavailable.text and "Health" in unavailable.text

    def test_it_filters_by_cohort(self, as_staff, cohort):
        page = as_staff.get("/staff/reports/outcomes?cohort=2024")
        assert '<tr data-cohort="2024">' in page.text
        assert '<tr data-cohort="2025">' not in page.text

    def test_csv_download(self, as_staff, db, cohort):
        response = as_staff.get("/staff/reports/outcomes?cohort=2025&format=csv")

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert response.headers["content-disposition"].startswith("attachment;")
        lines = response.text.splitlines()
        assert lines == [HEADER, "2025,4,1,3,1,1,0,1,0,0.6667,0.5000"]
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "report.exported")).one()

    @pytest.mark.parametrize(
        "query",
        ["cohort=abc", "cohort=20255", "format=xml", "cohort=%00", "cohort=-1"],
    )
    def test_bad_parameters_are_explained_not_crashed(self, as_staff, query):
        response = as_staff.get("/staff/reports/outcomes?" + query)
        assert response.status_code == 422

    @pytest.mark.parametrize("query", ["column=nope", "cohort=x&column=graduates", ""])
    def test_bad_drill_downs_are_explained(self, as_staff, query):
        assert as_staff.get("/staff/reports/outcomes/people?" + query).status_code == 422

    def test_an_empty_report(self, as_staff):
        assert (
            "No graduates with a graduation year yet"
            in as_staff.get("/staff/reports/outcomes").text
        )

    def test_a_long_list_of_people_is_paginated(self, as_staff, db):
        from placement.models import Graduate

        db.add_all(
            Graduate(
                first_name=f"P{n:03d}",
                last_name="Many",
                cohort=2021,
                email="",
                student_id=f"M{n:03d}",
            )
            for n in range(205)
        )
        db.commit()
        first = as_staff.get("/staff/reports/outcomes/people?cohort=2021&column=graduates")
        second = as_staff.get("/staff/reports/outcomes/people?cohort=2021&column=graduates&page=2")
        assert "205 graduates" in first.text
        assert first.text.count("/staff/graduates/") == 200
        assert second.text.count("/staff/graduates/") == 5
