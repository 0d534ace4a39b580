"""GET /staff/positions/{id}/matches: ranked graduates with reasons, refer forms, near misses."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from placement import dates
from placement.models import Graduate, Referral
from placement.services import changes
from placement.services import matching as matching_service
from tests import factories


def _graduate(db: Session, first_name: str, *, bls: bool = True, **fields) -> Graduate:
    person = factories.graduate(db, first_name=first_name, last_name="Tester", **fields).graduate
    if bls:
        factories.credential(db, person.id, "bls_cpr", expires_on=dates.today() + timedelta(400))
    return person


@pytest.fixture
def harbor(db: Session, employer_user):
    return factories.position(
        db,
        employer_user.employer.id,
        title="Oncology massage therapist",
        preferred_modalities=("oncology",),
        required_credentials=("bls_cpr",),
    )


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    end = page.find("<section", start)
    return page[start : end if end != -1 else len(page)]


class TestPositionMatchesPage:
    def test_it_lists_eligible_graduates_best_first_with_reasons(self, db, as_staff, harbor):
        plain = _graduate(db, "Plain")
        strong = _graduate(db, "Strong", clinical_hours=250)
        factories.modality(db, strong.id, "oncology", 3)
        response = as_staff.get(f"/staff/positions/{harbor.id}/matches")
        assert response.status_code == 200
        page = html.unescape(response.text)
        eligible = _section(page, "eligible-heading")
        assert eligible.index("Strong Tester") < eligible.index("Plain Tester")
        assert f'href="/staff/graduates/{strong.id}"' in eligible
        assert f'href="/staff/graduates/{plain.id}"' in eligible
        assert "Has 1 of 1 preferred modalities (Oncology massage)" in eligible
        assert "Preferred modalities" in eligible
        scores = [float(s) for s in re.findall(r'<span class="score">([\d.]+)</span>', eligible)]
        assert scores == sorted(scores, reverse=True) and len(scores) == 2

    def test_each_row_has_a_refer_form_back_to_this_page(self, db, as_staff, harbor):
        grace = _graduate(db, "Grace")
        page = as_staff.get(f"/staff/positions/{harbor.id}/matches").text
        form = page[page.index('action="/staff/referrals"') :]
        form = form[: form.index("</form>")]
        assert 'name="csrf_token"' in form
        assert f'name="position_id" value="{harbor.id}"' in form
        assert f'name="graduate_id" value="{grace.id}"' in form
        assert 'name="note"' in form
        assert f'name="next" value="/staff/positions/{harbor.id}/matches"' in form

    def test_a_graduate_already_referred_shows_the_referral_instead(self, db, as_staff, harbor):
        grace = _graduate(db, "Grace")
        db.add(
            Referral(
                position_id=harbor.id,
                graduate_id=grace.id,
                status="pending",
                open_pair=f"{harbor.id}:{grace.id}",
            )
        )
        db.commit()
        page = as_staff.get(f"/staff/positions/{harbor.id}/matches").text
        assert 'action="/staff/referrals"' not in page
        assert '<span class="status pending">referred</span>' in page

    def test_it_lists_near_misses_with_what_they_lack(self, db, as_staff, harbor):
        _graduate(db, "Ready")
        lacking = _graduate(db, "Lacking", bls=False)
        far = _graduate(db, "Faraway", zip="94103")
        _graduate(db, "Placed", bls=False, seeking="placed")
        page = html.unescape(as_staff.get(f"/staff/positions/{harbor.id}/matches").text)
        near = _section(page, "near-heading")
        assert "Ready Tester" not in near and "Placed Tester" not in near
        assert near.index("Lacking Tester") < near.index("Faraway Tester")
        assert f'href="/staff/graduates/{lacking.id}"' in near
        assert f'href="/staff/graduates/{far.id}"' in near
        assert "No BLS/CPR on file" in near
        assert "beyond a 25-mile radius" in near
        # only what they lack: no soft points in this section
        assert "+" not in re.sub(r"<[^>]+>", "", near.split("<tbody>")[1])

    def test_private_graduates_are_never_listed(self, db, as_staff, harbor):
        _graduate(db, "Hidden", visibility="private")
        _graduate(db, "HiddenToo", visibility="private", bls=False)
        page = as_staff.get(f"/staff/positions/{harbor.id}/matches").text
        assert "Hidden" not in page
        assert "No eligible graduates yet" in page
        assert "No near misses" in page

    def test_a_closed_position_says_so(self, db, as_staff, harbor):
        _graduate(db, "Grace")
        harbor.status = "closed"
        db.add(harbor)
        db.commit()
        page = as_staff.get(f"/staff/positions/{harbor.id}/matches").text
        assert "This position is not open" in page
        assert "Grace Tester" not in page

    def test_a_page_beyond_the_last_says_so_and_a_bad_page_is_page_one(self, db, as_staff, harbor):
        _graduate(db, "Grace")
        url = f"/staff/positions/{harbor.id}/matches"
        assert "No more eligible graduates" in as_staff.get(url + "?page=2").text
        assert "Grace Tester" in as_staff.get(url + "?page=%00x").text

    def test_admins_may_see_it(self, as_admin, harbor):
        assert as_admin.get(f"/staff/positions/{harbor.id}/matches").status_code == 200

    def test_it_answers_404_for_an_unknown_position(self, as_staff):
        assert as_staff.get("/staff/positions/99999/matches").status_code == 404

    @pytest.mark.parametrize("persona", ["as_graduate", "as_employer"])
    def test_it_is_for_staff_only(self, request, persona, harbor):
        client = request.getfixturevalue(persona)
        assert client.get(f"/staff/positions/{harbor.id}/matches").status_code == 403

    def test_signed_out_visitors_are_sent_to_sign_in(self, client, harbor):
        response = client.get(f"/staff/positions/{harbor.id}/matches")
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


class TestCandidatesPageExplanations:
    """The employer's candidates page shows, beside each applicant, the same explanation as
    services.matching.explain."""

    def test_each_applicant_carries_the_match_explanation(
        self, db, as_employer, employer_user, harbor
    ):
        ready = _graduate(db, "Ready")
        lacking = _graduate(db, "Lacking", bls=False)
        factories.application(db, harbor.id, ready.id)
        factories.application(db, harbor.id, lacking.id, source="referred")
        response = as_employer.get(f"/employer/positions/{harbor.id}/candidates")
        assert response.status_code == 200
        page = html.unescape(response.text)
        for person in (ready, lacking):
            # The employer's copy: clinical hours in bands, the score the sum it sees.
            result = matching_service.for_employer(
                matching_service.explain(db, person.id, harbor.id)
            )
            card = page[page.index(f"{person.first_name} Tester") :]
            card = card[: card.index("</article>")]
            assert (
                f'<span class="score" title="Match score out of 100">{result.score:g}</span>'
                in card
            )
            assert result.reasons[0].detail in card
        assert "No BLS/CPR on file" in page


class TestDashboardRecommendations:
    def test_it_recommends_eligible_open_positions_with_why(
        self, db, as_graduate, graduate_user, employer_user, harbor
    ):
        factories.credential(db, graduate_user.graduate.id, "bls_cpr")
        far = factories.position(db, employer_user.employer.id, title="Far away", zip="94103")
        response = as_graduate.get("/me")
        assert response.status_code == 200
        page = html.unescape(response.text)
        section = page[page.index('id="recommended-heading"') :]
        section = section[: section.index("</section>")]
        assert f'<a href="/positions/{harbor.id}">Oncology massage therapist</a>' in section
        assert "Harbor Hospital" in section
        assert f"/positions/{far.id}" not in section
        result = matching_service.explain(db, graduate_user.graduate.id, harbor.id)
        assert f"{result.score:.1f}" in section
        assert "Distance" in section and "miles away" in section

    def test_it_shows_a_real_empty_state(self, as_graduate, harbor):
        # the persona holds no BLS/CPR, which the only position requires
        page = as_graduate.get("/me").text
        section = page[page.index('id="recommended-heading"') :]
        section = section[: section.index("</section>")]
        assert "No open position matches every requirement of your profile yet" in section
        assert "/positions/" not in section.split("browse open positions")[0]

    def test_a_profile_change_shows_in_the_next_view(self, db, as_graduate, graduate_user, harbor):
        factories.credential(db, graduate_user.graduate.id, "bls_cpr")
        assert f"/positions/{harbor.id}" in as_graduate.get("/me").text
        graduate = db.get(Graduate, graduate_user.graduate.id)
        graduate.availability = "sat-eve"
        db.add(graduate)
        changes.graduate_changed(db, graduate.id)
        db.commit()
        page = as_graduate.get("/me").text
        section = page[page.index('id="recommended-heading"') :]
        assert f"/positions/{harbor.id}" not in section[: section.index("</section>")]


class TestReferFromMatches:
    def test_the_refer_form_refers_and_comes_back_to_the_matches(self, db, as_staff, harbor):
        grace = _graduate(db, "Grace")
        url = f"/staff/positions/{harbor.id}/matches"
        response = as_staff.submit(
            "/staff/referrals",
            {"position_id": harbor.id, "graduate_id": grace.id, "note": "A fit", "next": url},
        )
        assert response.status_code == 303
        assert response.headers["location"] == url + "?done=referred"
        page = as_staff.get(response.headers["location"]).text
        assert "Referral sent" in page
        assert '<span class="status pending">referred</span>' in page
        db.expire_all()
        assert db.exec(select(Referral.graduate_id)).all() == [grace.id]
