"""An employer posts a position in Chromium, staff approve it, and it appears in the search."""

from __future__ import annotations

from datetime import timedelta

from placement import dates
from tests import factories
from tests.browser.pages import sign_in


def test_a_posted_position_is_approved_and_found(live_server, page, db, new_page):
    employer = factories.employer(db, email="erin@harbor.example", name="Harbor Hospital")
    staff = factories.user(db, email="sam@school.example", role="staff")
    url = live_server.url

    # The employer posts a position; a first try with pay the wrong way round is refused
    # with the message at the field and everything typed still there.
    sign_in(page, url, employer.user.email)
    page.wait_for_url(url + "/employer")
    page.get_by_role("link", name="Post a position").first.click()
    page.wait_for_url(url + "/employer/positions/new")
    page.get_by_label("Title").fill("Lymphedema massage therapist")
    page.get_by_label("Description").fill("Manual lymphatic drainage for outpatients.")
    page.get_by_label("Setting").select_option("oncology_center")
    page.get_by_label("Employment type").select_option("part_time")
    page.get_by_label("Pay from (USD an hour)").fill("40")
    page.get_by_label("Pay up to (USD an hour)").fill("32")
    page.get_by_label("ZIP code of the workplace").fill("92602")
    page.get_by_label("Openings").fill("2")
    page.get_by_label("Start date").fill((dates.today() + timedelta(days=45)).isoformat())
    page.get_by_label("Applications close on").fill(
        (dates.today() + timedelta(days=20)).isoformat()
    )
    page.get_by_label("Minimum training hours").fill("750")
    page.locator("#field-required_modalities").get_by_label("Manual lymphatic drainage").check()
    page.locator("#field-required_credentials").get_by_label("BLS/CPR").check()
    page.locator("#field-preferred_credentials").get_by_label(
        "Certified lymphedema therapist (CLT)"
    ).check()
    page.get_by_label("Tue morning").check()
    page.get_by_label("Thu afternoon").check()
    page.get_by_role("button", name="Submit for review").click()
    assert page.locator("#error-pay_max").is_visible()
    assert page.get_by_label("Title").input_value() == "Lymphedema massage therapist"
    assert page.get_by_label("Tue morning").is_checked()
    page.get_by_label("Pay up to (USD an hour)").fill("46")
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(f"{url}/employer/positions/*?done=submitted")
    assert page.get_by_text("waiting for career services to review it").is_visible()

    # Not public yet.
    visitor = new_page()
    visitor.goto(url + "/positions?q=lymphedema")
    assert visitor.get_by_text("No open position matches these filters").is_visible()

    # Staff approve it from their review queue.
    staff_page = new_page()
    sign_in(staff_page, url, staff.email)
    staff_page.wait_for_url(url + "/staff")
    staff_page.goto(url + "/staff/positions?status=pending_review")
    staff_page.get_by_role("button", name="Approve “Lymphedema massage therapist”").click()
    staff_page.wait_for_load_state()

    # Anyone now finds it, near Irvine and by its modality, and can read it on a phone.
    visitor.goto(url + "/positions")
    visitor.get_by_label("Modality").select_option("manual_lymphatic_drainage")
    visitor.get_by_label("Near ZIP").fill("92612")
    visitor.get_by_label("Within (miles)").fill("10")
    visitor.get_by_role("button", name="Search").click()
    card = visitor.locator(".position-card", has_text="Lymphedema massage therapist")
    assert card.is_visible()
    assert "Harbor Hospital" in card.inner_text()
    assert "$40–$46 an hour" in card.inner_text()
    assert "miles away" in card.inner_text()
    card.get_by_role("link", name="Lymphedema massage therapist").click()
    visitor.set_viewport_size({"width": 375, "height": 740})
    assert visitor.get_by_role("heading", name="Lymphedema massage therapist").is_visible()
    assert visitor.get_by_text("Tue morning").is_visible()
    width = visitor.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
