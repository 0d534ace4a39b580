"""The public positions pages: GET /positions (search) and GET /positions/{id}."""

from __future__ import annotations

from datetime import timedelta

import pytest

from placement import dates
from tests import factories


class TestSearchPage:
    def test_it_lists_open_positions_with_what_a_reader_needs(self, client, db, employer_user):
        factories.position(
            db,
            employer_user.employer.id,
            title="Inpatient oncology massage therapist",
            setting="oncology_center",
            employment_type="part_time",
            pay_min=31.5,
            pay_max=39.0,
            required_modalities=("oncology",),
            required_credentials=("camtc",),
        )
        page = client.get("/positions")
        assert page.status_code == 200
        for text in (
            "Inpatient oncology massage therapist",
            "Harbor Hospital",
            "Oncology centre",
            "Part time",
            "$31.50–$39 an hour",
            "Oncology massage",
            "CAMTC certification (California)",
            "1 open position",
        ):
            assert text in page.text

    def test_it_shows_the_distance_when_a_zip_is_given(self, client, db, employer_user):
        factories.position(db, employer_user.employer.id, zip="89449")
        page = client.get("/positions?zip=96150&radius=10")
        assert page.status_code == 200
        assert "5.4 miles away" in page.text

    def test_it_accepts_a_modality_synonym(self, client, db, employer_user):
        factories.position(
            db,
            employer_user.employer.id,
            title="MLD therapist",
            required_modalities=("manual_lymphatic_drainage",),
        )
        page = client.get("/positions?modality=MLD")
        assert page.status_code == 200 and "MLD therapist" in page.text

    def test_it_has_real_empty_states(self, client, db, employer_user):
        assert "There are no open positions at the moment" in client.get("/positions").text
        factories.position(db, employer_user.employer.id, setting="hospital")
        page = client.get("/positions?setting=hospice")
        assert "No open position matches these filters" in page.text

    @pytest.mark.parametrize(
        ("query", "field", "message"),
        [
            ("zip=00000", "zip", "not a US ZIP code we know"),
            ("zip=abc", "zip", "5-digit"),
            ("zip=90012&radius=far", "radius", "whole number"),
            ("zip=90012&radius=-5", "radius", "from 1 to"),
            ("zip=90012&radius=99999999999999999999", "radius", "from 1 to"),
            ("setting=spa", "setting", "We do not know the setting"),
            ("modality=telekinesis", "modality", "We do not know the modality"),
            ("employment_type=forever", "employment_type", "employment type"),
            ("q=" + "x" * 150, "q", "at most 100"),
            ("q=a%00b", "q", "control characters"),
        ],
    )
    def test_it_explains_a_bad_filter_on_the_page(self, client, query, field, message):
        page = client.get("/positions?" + query)
        assert page.status_code == 422
        assert f'id="error-{field}"' in page.text
        assert message in page.text
        assert "no search was made" in page.text

    def test_it_keeps_the_typed_filters(self, client):
        page = client.get("/positions?q=lymph&zip=00000&radius=30")
        assert 'value="lymph"' in page.text and 'value="00000"' in page.text
        assert 'value="30"' in page.text

    @pytest.mark.parametrize("page_number", ["0", "-1", "abc", "99999999999999"])
    def test_it_never_fails_on_a_strange_page_number(self, client, page_number):
        assert client.get(f"/positions?page={page_number}").status_code == 200

    def test_it_links_the_pages_with_the_filters(self, client, db, employer_user):
        for _ in range(21):
            factories.position(db, employer_user.employer.id)
        first = client.get("/positions?setting=hospital")
        assert "page 1 of 2" in first.text
        assert 'href="/positions?setting=hospital&amp;page=2"' in first.text
        second = client.get("/positions?setting=hospital&page=2")
        assert second.text.count('class="card position-card"') == 1

    def test_it_leaves_out_expired_positions(self, client, db, employer_user):
        factories.position(
            db,
            employer_user.employer.id,
            title="Yesterday's opening",
            closes_on=dates.today() - timedelta(days=1),
        )
        assert "Yesterday&#39;s opening" not in client.get("/positions").text


class TestPositionPage:
    def test_it_shows_a_public_position_readable_on_a_phone(self, client, db, employer_user):
        position = factories.position(
            db,
            employer_user.employer.id,
            title="Hospice comfort therapist",
            required_credentials=("state_license",),
            preferred_modalities=("reflexology",),
            shifts=("mon-am", "sat-eve"),
        )
        page = client.get(f"/positions/{position.id}")
        assert page.status_code == 200
        assert 'name="viewport"' in page.text
        for text in ("Hospice comfort therapist", "Mon morning", "Sat evening", "Reflexology"):
            assert text in page.text
        assert "CAMTC certification counts as the state massage licence" in page.text
        assert "Sign in to apply" in page.text

    def test_it_offers_graduates_the_apply_form(self, as_graduate, db, employer_user):
        position = factories.position(db, employer_user.employer.id)
        page = as_graduate.get(f"/positions/{position.id}")
        assert f'action="/positions/{position.id}/apply"' in page.text
        assert 'name="cover_note"' in page.text

    @pytest.mark.parametrize("status", ["draft", "pending_review", "closed", "filled", "rejected"])
    def test_it_answers_404_for_a_position_that_is_not_public(
        self, client, db, employer_user, status
    ):
        position = factories.position(db, employer_user.employer.id, status=status)
        assert client.get(f"/positions/{position.id}").status_code == 404

    def test_it_answers_404_once_the_closing_date_passed(self, client, db, employer_user):
        position = factories.position(
            db, employer_user.employer.id, closes_on=dates.today() - timedelta(days=1)
        )
        assert client.get(f"/positions/{position.id}").status_code == 404

    def test_it_answers_404_for_an_employer_not_approved(self, client, db):
        pending = factories.employer(db, status="pending")
        position = factories.position(db, pending.employer.id)
        assert client.get(f"/positions/{position.id}").status_code == 404

    @pytest.mark.parametrize("position_id", ["0", "999999", "99999999999999999999999"])
    def test_it_answers_404_for_ids_that_do_not_exist(self, client, position_id):
        assert client.get(f"/positions/{position_id}").status_code == 404
