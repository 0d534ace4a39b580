""" "How you match" on /positions/{id} for a signed-in graduate: every requirement met or
missing with its reason, the same rules as the scorer; nobody else sees the panel."""

from __future__ import annotations

from datetime import date, timedelta

from placement.services import matching as matching_service
from tests import factories


def test_a_graduate_sees_each_requirement_met_or_missing(
    as_graduate, db, employer_user, graduate_user
):
    start = date.today() + timedelta(days=60)
    position = factories.position(
        db,
        employer_user.employer.id,
        required_credentials=("bls_cpr",),
        required_modalities=("oncology",),
        start_date=start,
    )
    expiry = start - timedelta(days=5)
    factories.credential(db, graduate_user.graduate.id, "bls_cpr", expires_on=expiry)
    page = as_graduate.get(f"/positions/{position.id}").text
    assert "How you match" in page
    assert (
        f"<strong>Missing:</strong> BLS/CPR expires {expiry}, before the start date {start}" in page
    )
    assert "is required; not on the profile" in page
    assert "<strong>Met:</strong> Looking for work" in page
    result = matching_service.explain(db, graduate_user.graduate.id, position.id)
    assert page.count("<strong>Missing:</strong>") == len(result.failures)


def test_a_graduate_who_meets_everything_is_told_so(as_graduate, db, employer_user):
    position = factories.position(db, employer_user.employer.id)
    page = as_graduate.get(f"/positions/{position.id}").text
    assert "You meet every requirement of this position." in page
    assert "<strong>Missing:</strong>" not in page


def test_visitors_employers_and_staff_see_no_panel(
    client, as_employer, as_staff, db, employer_user
):
    position = factories.position(db, employer_user.employer.id)
    for who in (client, as_employer, as_staff):
        response = who.get(f"/positions/{position.id}")
        assert response.status_code == 200 and "How you match" not in response.text
