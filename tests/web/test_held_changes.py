"""Held changes: an approved organisation's new name, website or NPI waits in
`/staff/employers?status=changes` (old and new side by side, with the review signals of the
new values) until staff approve or reject it; meanwhile every public page keeps the approved
values (CONTRACT, Employer and Staff; issue 10, case 2)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from placement.models import AuditEvent, Employer, Message
from placement.npi import npi_with_check_digit
from tests import factories
from tests.burst import burst

NPI = npi_with_check_digit("123456789")


def organisation_form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Harbor Hospital",
        "kind": "hospital",
        "zip": "90012",
        "website": "https://harbor.example",
        "phone": "",
        "npi": "",
    }
    data.update(overrides)
    return data


SPA = {"name": "Relax Spa 24/7", "website": "https://asianspa24hr.example", "npi": ""}


@pytest.fixture
def position(db, employer_user):
    return factories.position(db, employer_user.employer.id, title="Oncology massage therapist")


@pytest.fixture
def held(as_employer, db, employer_user, position):
    """The approved Harbor Hospital (NPI on file) asks to become a 24/7 spa without an NPI."""
    employer = db.get(Employer, employer_user.employer.id)
    employer.npi = NPI
    db.add(employer)
    db.commit()
    response = as_employer.submit(
        "/employer/organization", organisation_form(phone="562 555 0100", **SPA)
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith("done=organization_held")
    db.expire_all()
    return db.get(Employer, employer_user.employer.id)


def _card(page, employer_id: int) -> str:
    return page.text.split(f'id="employer-{employer_id}"', 1)[1].split("</article>", 1)[0]


def _events(db, action: str) -> list[AuditEvent]:
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


class TestTheEmployerAsks:
    def test_the_change_waits_and_the_other_fields_save(self, held):
        assert (held.name, held.website, held.npi) == (
            "Harbor Hospital",
            "https://harbor.example",
            NPI,
        )
        assert held.phone == "562 555 0100"  # not a held field: saved at once
        assert json.loads(held.held_changes) == {
            "name": "Relax Spa 24/7",
            "website": "https://asianspa24hr.example",
            "npi": None,
        }
        assert held.status == "approved"

    def test_public_pages_and_search_keep_the_approved_values(self, held, client, position):
        detail = client.get(f"/positions/{position.id}", headers={"Cache-Control": "no-cache"})
        assert "Harbor Hospital" in detail.text and "Relax Spa" not in detail.text
        assert f"/positions/{position.id}" in client.get("/positions?q=harbor").text
        assert f"/positions/{position.id}" not in client.get("/positions?q=relax").text

    def test_the_organisation_page_shows_the_pending_change(self, held, as_employer):
        page = as_employer.get("/employer/organization")
        assert page.status_code == 200
        assert 'id="held-change"' in page.text
        held_box = page.text.split('id="held-change"', 1)[1].split("</div>", 1)[0]
        assert "Harbor Hospital" in held_box and "Relax Spa 24/7" in held_box
        # The form carries what was asked for, so saving another field keeps the request.
        assert 'value="Relax Spa 24/7"' in page.text

    def test_saving_the_approved_values_again_withdraws_it(self, held, as_employer, db):
        response = as_employer.submit(
            "/employer/organization", organisation_form(phone="562 555 0100", npi=NPI)
        )
        assert response.headers["location"].endswith("done=organization_saved")
        db.expire_all()
        assert db.get(Employer, held.id).held_changes is None
        assert _events(db, "employer.change_withdrawn")

    def test_a_second_request_replaces_the_first(self, held, as_employer, db):
        as_employer.submit(
            "/employer/organization",
            organisation_form(name="Harbor Hospital West", npi=NPI, phone="562 555 0100"),
        )
        db.expire_all()
        assert json.loads(db.get(Employer, held.id).held_changes) == {
            "name": "Harbor Hospital West"
        }


class TestTheStaffQueue:
    def test_it_lists_old_and_new_side_by_side_with_signals_for_the_new_values(
        self, held, as_staff
    ):
        page = as_staff.get("/staff/employers?status=changes")
        assert page.status_code == 200
        card = _card(page, held.id)
        name_row = card.split('data-field="name"', 1)[1].split("</tr>", 1)[0]
        assert "Harbor Hospital" in name_row and "Relax Spa 24/7" in name_row
        assert "asianspa24hr.example" in card.split('data-field="website"', 1)[1]
        assert NPI in card.split('data-field="npi"', 1)[1].split("</tr>", 1)[0]
        signals = card.split("Review signals for the new values", 1)[1]
        for code in (
            "wording_round_the_clock",
            "wording_illicit_massage",
            "npi_missing",
            "email_domain_mismatch",
        ):
            assert f'data-signal="{code}"' in signals, code

    def test_the_queue_is_counted_on_the_staff_home(self, held, as_staff):
        home = as_staff.get("/staff").text
        queue = home.split('data-queue="employer_changes_held"', 1)[1].split("</li>", 1)[0]
        assert '<span class="queue-count">1</span>' in queue

    def test_an_organisation_without_a_held_change_is_not_listed(self, as_staff, employer_user):
        page = as_staff.get("/staff/employers?status=changes")
        assert f'id="employer-{employer_user.employer.id}"' not in page.text
        assert "No held changes" in page.text


class TestApprove:
    def test_the_new_values_take_effect_everywhere(
        self, held, as_staff, client, db, position, staff_user, employer_user
    ):
        # The anonymous page is cached (ETag) before the approval.
        before = client.get(f"/positions/{position.id}")
        assert "Harbor Hospital" in before.text

        response = as_staff.submit(f"/staff/employers/{held.id}/changes/approve")

        assert response.status_code == 303
        assert "done=change_approved" in response.headers["location"]
        db.expire_all()
        employer = db.get(Employer, held.id)
        assert (employer.name, employer.website, employer.npi, employer.held_changes) == (
            "Relax Spa 24/7",
            "https://asianspa24hr.example",
            None,
            None,
        )
        (event,) = _events(db, "employer.change_approved")
        assert event.actor_user_id == staff_user.id
        assert json.loads(event.before)["name"] == "Harbor Hospital"
        assert json.loads(event.after)["name"] == "Relax Spa 24/7"
        (mail,) = db.exec(
            select(Message).where(
                Message.kind == "employer_change_approved",
                Message.recipient_user_id == employer_user.user.id,
            )
        ).all()
        assert "Relax Spa 24/7" in mail.body and "http://testserver/employer/organization" in (
            mail.body
        )
        # The page cache and the search text follow at once.
        after = client.get(
            f"/positions/{position.id}", headers={"If-None-Match": before.headers["etag"]}
        )
        assert after.status_code == 200 and "Relax Spa 24/7" in after.text
        assert f"/positions/{position.id}" in client.get("/positions?q=relax").text
        assert f"/positions/{position.id}" not in client.get("/positions?q=harbor").text

    def test_a_second_click_gets_a_clear_message(self, held, as_staff, db):
        assert as_staff.submit(f"/staff/employers/{held.id}/changes/approve").status_code == 303
        again = as_staff.submit(f"/staff/employers/{held.id}/changes/approve")
        assert again.status_code == 409
        assert "no change waiting" in again.text
        assert len(_events(db, "employer.change_approved")) == 1

    def test_it_answers_404_for_an_unknown_organisation(self, as_staff):
        assert as_staff.submit("/staff/employers/999999/changes/approve").status_code == 404

    def test_it_needs_the_csrf_token_and_the_staff_role(self, held, as_staff, as_employer, db):
        assert as_staff.post(f"/staff/employers/{held.id}/changes/approve").status_code == 403
        assert as_employer.submit(f"/staff/employers/{held.id}/changes/approve").status_code == 403
        db.expire_all()
        assert db.get(Employer, held.id).name == "Harbor Hospital"

    def test_reviewers_at_once_give_one_result_and_no_500(self, held, make_client, db):
        """Six staff click approve or reject at the same moment (on PostgreSQL too)."""
        reviewers = []
        for index in range(6):
            person = factories.user(db, email=f"reviewer{index}@school.example", role="staff")
            client = make_client()
            client.login(person.email)
            reviewers.append((client, client.csrf_token()))

        def send(pair, index):
            client, token = pair
            action = "approve" if index % 2 == 0 else "reject"
            return client.post(
                f"/staff/employers/{held.id}/changes/{action}",
                data={"csrf_token": token, "reason": "Not the same organisation."},
            )

        responses = burst(reviewers, send)

        statuses = sorted(response.status_code for response in responses)
        assert statuses.count(303) == 1 and set(statuses) <= {303, 409}, statuses
        db.expire_all()
        assert db.get(Employer, held.id).held_changes is None
        decided = _events(db, "employer.change_approved") + _events(db, "employer.change_rejected")
        assert len(decided) == 1


class TestReject:
    def test_it_needs_a_reason(self, held, as_staff, db):
        page = as_staff.submit(f"/staff/employers/{held.id}/changes/reject", {"reason": " "})
        assert page.status_code == 422
        assert "Give a reason" in _card(page, held.id)
        db.expire_all()
        assert db.get(Employer, held.id).held_changes is not None

    def test_the_approved_values_stay_and_the_organisation_reads_why(
        self, held, as_staff, as_employer, db, employer_user
    ):
        reason = "An NPI registry search shows no spa at this address."
        response = as_staff.submit(f"/staff/employers/{held.id}/changes/reject", {"reason": reason})
        assert response.status_code == 303
        assert "done=change_rejected" in response.headers["location"]
        db.expire_all()
        employer = db.get(Employer, held.id)
        assert (employer.name, employer.npi, employer.held_changes) == (
            "Harbor Hospital",
            NPI,
            None,
        )
        (event,) = _events(db, "employer.change_rejected")
        assert reason in event.detail
        (mail,) = db.exec(
            select(Message).where(
                Message.kind == "employer_change_rejected",
                Message.recipient_user_id == employer_user.user.id,
            )
        ).all()
        assert reason in mail.body and "Relax Spa 24/7" in mail.body
        assert 'id="held-change"' not in as_employer.get("/employer/organization").text


def test_mail_of_the_outcome_is_written_once_committed(held, as_staff, settings):
    as_staff.submit(f"/staff/employers/{held.id}/changes/approve")
    files = list(settings.mail_dir.glob("*.eml"))
    assert any("Relax Spa 24/7" in path.read_text() for path in files)
