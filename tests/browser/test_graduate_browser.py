"""A graduate fills in the profile on a phone-sized screen, uploads a résumé, finds a position
by modality and applies; the employer then sees the application, in real Chromium."""

from __future__ import annotations

from sqlmodel import select

from placement.models import Application, Graduate, GraduateModality
from tests import factories
from tests.browser.pages import sign_in


def test_a_graduate_completes_the_profile_finds_a_position_by_modality_and_applies(
    live_server, browser, new_page, db, tmp_path
):
    person = factories.graduate(
        db, email="nia@example.com", first_name="Nia", last_name="Okafor", bio="", zip=None
    )
    employer = factories.employer(db, email="hiring@seabreeze.example", name="Seabreeze Hospice")
    factories.position(
        db,
        employer.employer.id,
        title="Lymphatic drainage therapist",
        required_modalities=("manual_lymphatic_drainage",),
    )
    factories.position(db, employer.employer.id, title="Chair massage events")

    # A phone-sized window: the form must work there.
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "nia@example.com")
        page.wait_for_url(live_server.url + "/me")
        page.get_by_role("link", name="Profile", exact=True).click()
        page.wait_for_url(live_server.url + "/me/profile")

        page.get_by_label("Home ZIP code").fill("90802")
        page.get_by_label("How far you would travel (miles)").fill("30")
        page.get_by_label("Tue evening").check()
        page.get_by_label("Sat morning").check()
        page.get_by_label("Mon morning").uncheck()
        page.get_by_label("Oncology centre").check()
        page.get_by_label("Per diem").check()
        page.get_by_label("Pay expectation (USD per hour)").fill("31.50")
        page.get_by_label("Short bio").fill("Gentle and calm; trained in lymphatic drainage.")
        page.get_by_label("Manual lymphatic drainage").select_option("3")
        page.get_by_label("Oncology massage").select_option("2")
        page.get_by_label("Career services and employers").check()
        page.get_by_role("button", name="Save profile").click()
        page.wait_for_url(live_server.url + "/me/profile?done=profile_saved")
        assert page.get_by_text("Your profile was saved.").is_visible()

        resume = tmp_path / "Nia Okafor résumé.pdf"
        resume.write_bytes(factories.pdf_bytes())
        page.get_by_label("Upload your résumé (PDF)").set_input_files(str(resume))
        page.get_by_role("button", name="Upload résumé").click()
        page.wait_for_url(live_server.url + "/me/profile?done=resume#resume")
        assert page.get_by_role("link", name="Nia Okafor résumé.pdf").is_visible()

        page.goto(live_server.url + "/positions")
        page.get_by_label("Modality").select_option("manual_lymphatic_drainage")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url("**/positions?*modality=manual_lymphatic_drainage*")
        assert page.get_by_role("link", name="Chair massage events").count() == 0
        page.get_by_role("link", name="Lymphatic drainage therapist").click()
        page.get_by_label("A short note to the employer").fill("I can start next month.")
        page.get_by_role("button", name="Apply for this position").click()
        page.wait_for_url("**/me/applications/*")
        assert page.get_by_text("Your application was sent.").is_visible()
        assert page.get_by_text("Submitted").first.is_visible()
    finally:
        context.close()

    db.expire_all()
    graduate = db.get(Graduate, person.graduate.id)
    assert graduate.zip == "90802" and graduate.visibility == "employers"
    assert "tue-eve" in graduate.availability and "mon-am" not in graduate.availability
    assert graduate.resume_name == "Nia Okafor résumé.pdf"
    levels = dict(
        db.exec(
            select(GraduateModality.code, GraduateModality.proficiency).where(
                GraduateModality.graduate_id == graduate.id
            )
        ).all()
    )
    assert levels == {"manual_lymphatic_drainage": 3, "oncology": 2}
    application = db.exec(select(Application)).one()
    assert application.cover_note == "I can start next month."

    employer_page = new_page()
    sign_in(employer_page, live_server.url, "hiring@seabreeze.example")
    employer_page.wait_for_url(live_server.url + "/employer")
    employer_page.goto(f"{live_server.url}/employer/positions/{application.position_id}/candidates")
    assert employer_page.get_by_text("Nia Okafor").first.is_visible()
    assert employer_page.get_by_text("I can start next month.").first.is_visible()
