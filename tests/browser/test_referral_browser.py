"""The referral journey in Chromium: staff refer a graduate from a position's ranked matches,
the graduate accepts, the employer hires, and the outcome report counts the placement."""

from __future__ import annotations

import re
from datetime import timedelta

from placement import dates
from tests import factories
from tests.browser.pages import sign_in


def test_staff_refer_the_graduate_accepts_the_employer_hires_the_report_counts_it(
    live_server, page, new_page, db
):
    base = live_server.url
    staff = factories.user(db, email="sam@school.example", role="staff", name="Sam Staff")
    employer = factories.employer(db, email="erin@harbor.example", name="Harbor Hospital")
    # The position started last week: a placement counts from its start date on.
    position = factories.position(
        db,
        employer.employer.id,
        title="Oncology massage therapist",
        start_date=dates.today() - timedelta(days=7),
    )
    graduate = factories.graduate(
        db, email="nia@example.com", first_name="Nia", last_name="Okafor", cohort=2025
    )

    # Staff refer Nia from the position's ranked matches.
    sign_in(page, base, staff.email)
    page.goto(f"{base}/staff/positions/{position.id}/matches")
    row = page.get_by_role("row").filter(has_text="Nia Okafor")
    row.get_by_label("Note to the graduate").fill("Your oncology training fits this team.")
    row.get_by_role("button", name="Refer").click()
    page.wait_for_url(re.compile(rf"/staff/positions/{position.id}/matches\?done=referred"))
    assert page.get_by_text("Referral sent").first.is_visible()

    # Nia accepts the referral.
    nia = new_page()
    sign_in(nia, base, graduate.user.email)
    nia.goto(base + "/me/referrals")
    assert nia.get_by_text("Your oncology training fits this team.").first.is_visible()
    nia.get_by_role("button", name="Accept and apply").click()
    nia.wait_for_load_state()

    # The employer sees her as a referred candidate and moves her to hired.
    erin = new_page()
    sign_in(erin, base, employer.user.email)
    erin.goto(f"{base}/employer/positions/{position.id}/candidates")
    assert erin.get_by_text("Nia").first.is_visible()
    for stage in ("screening", "interview", "offer", "hired"):
        erin.get_by_label("Move to").select_option(stage)
        erin.get_by_role("button", name="Move the candidate").click()
        erin.wait_for_load_state()
    assert erin.get_by_text("is final").first.is_visible()

    # The staff's referral list follows it to the hire, and the report counts the placement.
    page.goto(base + "/staff/referrals")
    referral_row = page.get_by_role("row").filter(has_text="Nia Okafor")
    assert referral_row.get_by_text("accepted").is_visible()
    assert referral_row.get_by_text("hired").is_visible()
    page.goto(base + "/staff/reports/outcomes?cohort=2025")
    cohort_row = page.locator('tr[data-cohort="2025"]')
    assert cohort_row.locator('[data-column="placed_in_field"]').inner_text().strip() == "1"
    assert cohort_row.locator('[data-column="placement_rate"]').inner_text().startswith("1.0000")
    # A hire in the app is recorded unverified: staff still have to verify it.
    assert cohort_row.locator('[data-column="verified_rate"]').inner_text().startswith("0.0000")
    page.locator('[data-column="placed_in_field"] a').click()
    page.wait_for_url(re.compile(r"/staff/reports/outcomes/people"))
    assert page.get_by_role("link", name="Nia Okafor").is_visible()
    assert page.get_by_text("not verified").first.is_visible()
