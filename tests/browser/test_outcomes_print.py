"""The outcome report on paper: Chromium's print media shows the table, its method and the
"printed on" line, and none of the navigation, the filters or the download buttons."""

from __future__ import annotations

from datetime import date

import pytest

from placement.models import Placement
from tests import factories
from tests.browser.pages import sign_in


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_outcome_report_prints_without_navigation(live_server, page, db, language):
    """In each language: the Spanish headings run longer and must still fit the paper."""
    staff = factories.user(db, role="staff")
    placed = factories.graduate(db, first_name="Placed", cohort=2025).graduate
    factories.graduate(db, first_name="Seeker", cohort=2025)
    db.add(
        Placement(
            graduate_id=placed.id,
            employer_name="Harbor",
            job_title="LMT",
            field="in_field",
            start_date=date(2025, 7, 1),
        )
    )
    db.commit()
    sign_in(page, live_server.url, staff.email)
    page.goto(
        live_server.url + f"/language/{language}?next=/staff/reports/outcomes%3Fcohort%3D2025"
    )
    assert page.evaluate("() => document.documentElement.lang") == language
    assert page.locator(".site-header").is_visible()
    assert page.locator("form.filters").is_visible()
    assert not page.locator(".print-only").first.is_visible()

    page.emulate_media(media="print")

    assert not page.locator("nav").first.is_visible()
    assert not page.locator("form.filters").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert page.locator("table.outcomes").is_visible()
    assert page.locator("#method").is_visible()
    assert page.locator(".print-only").first.is_visible()
    printed = page.locator(".print-only").first.inner_text()
    assert printed.startswith(
        "Red de empleo de Servicios de Carrera · informe de resultados (ABHES, cohorte 2025)"
        if language == "es"
        else "Career Services placement network · outcome report (ABHES, cohort 2025)"
    )
    # Every column of the table fits the paper's width.
    table = page.locator("table.outcomes").bounding_box()
    body = page.locator("main").bounding_box()
    assert table is not None and body is not None and table["width"] <= body["width"] + 1
    pdf = page.pdf(format="Letter")
    assert pdf.startswith(b"%PDF-")
