"""An open position whose title, description or pay changes goes back to review at once: out
of the search, with what staff approved beside the new values in the review queue; other
edits stay published (CONTRACT, Employer; issue 10, case 2)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from placement import dates
from placement.models import AuditEvent, Position
from tests import factories

TODAY = dates.today()


def form(**overrides: Any) -> dict[str, Any]:
    """The edit form of factories.position() unchanged, with `overrides`."""
    data: dict[str, Any] = {
        "title": "Medical massage therapist",
        "description": "Inpatient massage on the oncology and orthopaedic floors.",
        "setting": "hospital",
        "employment_type": "full_time",
        "pay_min": "28",
        "pay_max": "36",
        "zip": "90012",
        "start_date": (TODAY + timedelta(days=60)).isoformat(),
        "openings": "1",
        "min_training_hours": "500",
        "closes_on": (TODAY + timedelta(days=30)).isoformat(),
        "required_modalities": ["oncology"],
        "shifts": ["mon-am", "tue-am"],
        "action": "submit",
        "version": "1",
    }
    data.update(overrides)
    return data


@pytest.fixture
def position(db, employer_user):
    return factories.position(
        db,
        employer_user.employer.id,
        required_modalities=("oncology",),
        start_date=TODAY + timedelta(days=60),
        closes_on=TODAY + timedelta(days=30),
    )


class TestReviewedFields:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("title", "Earn $500/hour, no licence needed"),
            ("description", "Send your SSN and a photo to get started."),
            ("pay_min", "12"),
            ("pay_max", "500"),
        ],
    )
    def test_it_sends_the_position_back_to_review_and_out_of_the_search(
        self, as_employer, client, db, position, field, value
    ):
        assert client.get(f"/positions/{position.id}").status_code == 200
        assert (
            position.title in client.get("/positions", headers={"Cache-Control": "no-cache"}).text
        )

        response = as_employer.submit(
            f"/employer/positions/{position.id}/edit", form(**{field: value})
        )

        assert response.status_code == 303
        assert response.headers["location"].endswith("done=review")
        db.expire_all()
        saved = db.get(Position, position.id)
        assert saved.status == "pending_review"
        assert json.loads(saved.approved_values)["title"] == "Medical massage therapist"
        assert client.get(f"/positions/{position.id}").status_code == 404
        listing = client.get("/positions", headers={"Cache-Control": "no-cache"}).text
        assert f"/positions/{position.id}" not in listing
        event = db.exec(
            select(AuditEvent).where(AuditEvent.action == "position.content_changed")
        ).one()
        assert field in event.before and field in event.after

    def test_other_edits_stay_published(self, as_employer, client, db, position):
        response = as_employer.submit(
            f"/employer/positions/{position.id}/edit",
            form(openings="4", shifts=["wed-pm"], employment_type="part_time"),
        )
        assert response.headers["location"].endswith("done=saved")
        db.expire_all()
        saved = db.get(Position, position.id)
        assert (saved.status, saved.openings, saved.approved_values) == ("open", 4, None)
        assert client.get(f"/positions/{position.id}").status_code == 200

    def test_staff_see_what_they_approved_beside_the_change(
        self, as_employer, as_staff, db, position
    ):
        as_employer.submit(
            f"/employer/positions/{position.id}/edit",
            form(title="Earn $500/hour", pay_max="500", description="Send your SSN."),
        )
        # A second edit while in review still compares with what staff approved.
        as_employer.submit(
            f"/employer/positions/{position.id}/edit",
            form(
                title="Earn $500/hour today",
                pay_max="500",
                description="Send your SSN.",
                version="2",
            ),
        )

        page = as_staff.get("/staff/positions?status=pending_review")

        assert page.status_code == 200
        card = page.text.split(f'id="position-{position.id}"', 1)[1].split("</article>", 1)[0]
        assert "Changed since career services approved it" in card
        assert '<td class="pre-line">Medical massage therapist</td>' in card
        assert "Earn $500/hour today" in card
        assert "$36" in card and "$500" in card
        assert "Send your SSN." in card
        assert "Minimum training hours" not in card  # unchanged fields are left out

    def test_approval_clears_the_comparison(self, as_employer, as_staff, db, position):
        as_employer.submit(f"/employer/positions/{position.id}/edit", form(pay_min="20"))
        assert as_staff.submit(f"/staff/positions/{position.id}/approve").status_code == 303
        db.expire_all()
        saved = db.get(Position, position.id)
        assert (saved.status, saved.approved_values, saved.pay_min) == ("open", None, 20.0)

    def test_a_new_submission_says_so(self, as_staff, db, employer_user):
        fresh = factories.position(db, employer_user.employer.id, status="pending_review")
        page = as_staff.get("/staff/positions")
        card = page.text.split(f'id="position-{fresh.id}"', 1)[1].split("</article>", 1)[0]
        assert "A new submission" in card


def test_a_long_description_in_any_script_fits_the_stored_comparison(
    as_employer, db, employer_user
):
    """approved_values has a length (PostgreSQL enforces it): a 20,000-character description
    of quotes and non-Latin letters is kept, cut, not refused with a 500."""
    long_text = ('"李明"\n' * 4000)[:20000]
    position = factories.position(db, employer_user.employer.id, description=long_text)
    response = as_employer.submit(
        f"/employer/positions/{position.id}/edit",
        form(required_modalities=[], title="Changed title", description=long_text),
    )
    assert response.status_code == 303
    db.expire_all()
    saved = db.get(Position, position.id)
    assert saved.status == "pending_review"
    assert len(saved.approved_values) <= 40000
    assert json.loads(saved.approved_values)["title"] == "Medical massage therapist"
