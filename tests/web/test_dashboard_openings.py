"""The graduate dashboard says what would open more positions (matching.coaching)."""

from __future__ import annotations

from datetime import timedelta

from placement import dates
from tests import factories


def test_the_dashboard_names_a_renewal_and_how_many_positions_it_opens(
    as_graduate, db, graduate_user, employer_user
):
    start = dates.today() + timedelta(days=60)
    factories.credential(
        db, graduate_user.graduate.id, "bls_cpr", expires_on=dates.today() + timedelta(days=20)
    )
    for title in ("Oncology massage", "Hospice comfort care"):
        factories.position(
            db, employer_user.employer.id, title=title, required_credentials=("bls_cpr",)
        )
    page = as_graduate.get("/me").text
    assert "What would open more positions" in page
    assert f"Renew BLS/CPR before {start.isoformat()} to qualify for 2 more positions" in page


def test_nothing_is_suggested_when_every_position_already_matches(as_graduate, db, employer_user):
    factories.position(db, employer_user.employer.id, title="Oncology massage")
    page = as_graduate.get("/me").text
    assert "Oncology massage" in page
    assert "What would open more positions" not in page


def test_an_unverified_graduate_is_told_nothing_yet(make_client, db, employer_user):
    person = factories.graduate(db, verified=False)
    factories.position(db, employer_user.employer.id, required_credentials=("bls_cpr",))
    client = make_client()
    client.login(person.user.email)
    assert "What would open more positions" not in client.get("/me").text
