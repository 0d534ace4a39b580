"""The sourcing journey in Chromium: the employer opens a position's matching graduates,
invites one to apply, and the graduate sees the invitation and applies from it."""

from __future__ import annotations

import re

from tests import factories
from tests.browser.pages import sign_in


def test_the_employer_invites_and_the_graduate_applies_from_the_invitation(
    live_server, page, new_page, db
):
    base = live_server.url
    employer = factories.employer(db, email="erin@harbor.example", name="Harbor Hospital")
    position = factories.position(db, employer.employer.id, title="Oncology massage therapist")
    graduate = factories.graduate(
        db, email="nia@example.com", first_name="Nia", last_name="Okafor", visibility="employers"
    )
    factories.graduate(db, first_name="Hidden", last_name="Person", visibility="private")

    # The employer opens the matches from the position's page and invites Nia.
    sign_in(page, base, employer.user.email)
    page.goto(f"{base}/employer/positions/{position.id}")
    page.get_by_role("link", name="Matching graduates").click()
    page.wait_for_url(re.compile(rf"/employer/positions/{position.id}/matches"))
    assert page.get_by_role("heading", name="Nia Okafor").is_visible()
    assert page.get_by_text("Hidden Person").count() == 0
    card = page.locator("article").filter(has_text="Nia Okafor")
    card.get_by_label("A note with the invitation").fill("Your oncology training fits us.")
    card.get_by_role("button", name="Invite Nia Okafor to apply").click()
    page.wait_for_url(re.compile(r"done=invited_to_apply"))
    assert page.get_by_text("Invitation sent").first.is_visible()
    assert card.get_by_text("Invited").first.is_visible()

    # Nia sees the invitation and applies from it.
    nia = new_page()
    sign_in(nia, base, graduate.user.email)
    nia.goto(base + "/me/invitations")
    invitation = nia.locator("article").filter(has_text="Oncology massage therapist")
    assert invitation.get_by_text("Your oncology training fits us.").is_visible()
    invitation.get_by_role("link", name="Apply").click()
    nia.wait_for_url(re.compile(rf"/positions/{position.id}/apply"))
    nia.get_by_role("button", name="Send my application").click()
    nia.wait_for_url(re.compile(r"/me/applications/\d+"))
    nia.goto(base + "/me/invitations")
    assert nia.get_by_text("You applied").first.is_visible()

    # The employer now finds her among the candidates.
    page.goto(f"{base}/employer/positions/{position.id}/candidates")
    assert page.get_by_text("Nia Okafor").first.is_visible()
