"""The hiring conversation in Chromium: an interview from proposal to calendar file, and an
offer from the employer to the placement staff see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar

from placement import dates
from tests import factories
from tests.browser.pages import sign_in


def _download_event(page, link_name: str) -> icalendar.Event:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).first.click()
    content = Path(info.value.path()).read_bytes()
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    return event


def test_proposed_times_are_confirmed_and_both_download_the_calendar(
    live_server, page, db, new_page
):
    employer = factories.employer(db, email="erin@harbor.example", name="Harbor Hospital")
    graduate = factories.graduate(db, email="grace@example.com", first_name="Grace")
    position = factories.position(db, employer.employer.id, title="Oncology massage therapist")
    application = factories.application(db, position.id, graduate.graduate.id, stage="screening")
    url = live_server.url

    # The employer proposes two times; the first try with one in the past keeps both.
    sign_in(page, url, employer.user.email)
    page.goto(f"{url}/employer/applications/{application.id}")
    interviews = page.locator("#interviews")
    interviews.get_by_label("Mode").select_option("video")
    interviews.get_by_label("Location").fill("https://meet.example/onc")
    interviews.get_by_label("Duration (minutes)").fill("45")
    interviews.get_by_label("Time 1").fill("2020-01-12T10:00")
    interviews.get_by_label("Time 2").fill("2027-03-15T10:00")
    interviews.get_by_role("button", name="Propose these times").click()
    assert page.locator("#error-slots").is_visible()
    assert "in the past" in page.locator("#error-slots").inner_text()
    interviews = page.locator("#interviews")
    assert interviews.get_by_label("Time 2").input_value() == "2027-03-15T10:00"
    assert interviews.get_by_label("Location").input_value() == "https://meet.example/onc"
    interviews.get_by_label("Time 1").fill("2027-01-12T10:00")
    interviews.get_by_role("button", name="Propose these times").click()
    page.wait_for_url(f"{url}/employer/applications/{application.id}*")
    assert page.get_by_text("Tue 12 Jan 2027, 10:00 AM PST").is_visible()

    # The graduate confirms the summer time from their interviews page.
    student = new_page()
    sign_in(student, url, graduate.user.email)
    student.goto(url + "/me/interviews")
    student.get_by_label("Mon 15 Mar 2027, 10:00 AM PDT").check()
    student.get_by_role("button", name="Confirm this time").click()
    student.wait_for_url(url + "/me/interviews?done=confirmed")
    assert student.get_by_text("Confirmed", exact=True).first.is_visible()

    # Both download the calendar file: the same event, at 17:00 UTC (10:00 PDT).
    mine = _download_event(student, "Download the calendar file (.ics)")
    page.reload()
    theirs = _download_event(page, "Download the calendar file (.ics)")
    for event in (mine, theirs):
        assert event.decoded("dtstart") == datetime(2027, 3, 15, 17, 0, tzinfo=UTC)
        assert str(event["status"]) == "CONFIRMED"
    assert str(mine["uid"]) == str(theirs["uid"])

    # The application moved to the interview stage.
    student.goto(f"{url}/me/applications/{application.id}")
    assert "Interview" in student.locator(".facts").inner_text()


def test_an_accepted_offer_becomes_a_placement_staff_see(live_server, page, db, new_page):
    employer = factories.employer(db, email="erin@harbor.example", name="Harbor Hospital")
    graduate = factories.graduate(db, email="grace@example.com", first_name="Grace")
    staff = factories.user(db, email="sam@school.example", role="staff")
    position = factories.position(db, employer.employer.id, title="Lymphedema therapist")
    application = factories.application(db, position.id, graduate.graduate.id, stage="interview")
    url = live_server.url
    respond_by = (dates.today() + timedelta(days=5)).isoformat()

    # The employer makes an offer; a first try with no answer date is refused, the rest kept.
    sign_in(page, url, employer.user.email)
    page.goto(f"{url}/employer/applications/{application.id}")
    offer = page.locator("#offer")
    offer.get_by_label("Pay (USD per hour)").fill("35")
    offer.get_by_label("Hours per week").fill("32")
    offer.get_by_label("Employment type").select_option("part_time")
    offer.get_by_role("button", name="Make the offer").click()
    offer = page.locator("#offer")
    assert offer.locator("#error-respond_by").is_visible()
    assert offer.get_by_label("Hours per week").input_value() == "32"
    offer.get_by_label("Answer by").fill(respond_by)
    offer.get_by_role("button", name="Make the offer").click()
    page.wait_for_url(f"{url}/employer/applications/{application.id}*")
    assert page.get_by_text("Waiting for an answer").is_visible()

    # The graduate reads the terms and accepts.
    student = new_page()
    sign_in(student, url, graduate.user.email)
    student.goto(f"{url}/me/applications/{application.id}")
    assert student.get_by_text("Pay: $35 an hour").is_visible()
    student.get_by_role("button", name="Accept the offer").click()
    student.wait_for_url(f"{url}/me/applications/{application.id}*")
    assert student.locator("#offer").get_by_text("Accepted").is_visible()

    # Career services see the placement, unverified, with the offer's terms.
    office = new_page()
    sign_in(office, url, staff.email)
    office.goto(url + "/staff/placements")
    row = office.locator("tr", has_text="Lymphedema therapist")
    assert row.first.is_visible()
    assert "Harbor Hospital" in row.first.inner_text()
