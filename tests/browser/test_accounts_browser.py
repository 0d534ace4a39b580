"""A person registers as a graduate and as an employer, signs out and in, in real Chromium."""

from __future__ import annotations

from tests import factories
from tests.browser.pages import sign_in


def test_a_graduate_registers_signs_out_and_signs_in(live_server, page):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Graduates: join").click()
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Student ID").fill("S2025-0042")
    page.get_by_label("Programme").fill("Medical Massage Therapy")
    page.get_by_label("Graduation date").fill("2025-06-15")
    page.get_by_label("E-mail").fill("nia@example.com")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(live_server.url + "/me")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("link", name="Sign in").is_visible()

    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("E-mail").fill("nia@example.com")
    page.get_by_label("Password").fill("wrong password here")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("The e-mail or the password is wrong.").first.is_visible()
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/me")
    assert page.get_by_role("button", name="Sign out").is_visible()


def test_an_employer_registers_and_staff_sign_in(live_server, page, db, new_page):
    page.goto(live_server.url + "/register/employer")
    page.get_by_label("Organisation name").fill("Seabreeze Skilled Nursing")
    page.get_by_label("Kind of setting").select_option("nursing_home")
    page.get_by_label("ZIP code").fill("90802")
    page.get_by_label("Your name").fill("Rita Moreno")
    page.get_by_label("Work e-mail").fill("rita@seabreeze.example")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(live_server.url + "/employer")

    staff = factories.user(db, email="sam@school.example", role="staff")
    staff_page = new_page()
    sign_in(staff_page, live_server.url, staff.email)
    staff_page.wait_for_url(live_server.url + "/staff")
    assert staff_page.get_by_role("link", name="Work queues").is_visible()
