"""GET /api/v1/positions/{id}/matches and GET /api/v1/graduates/{id}/matches: who sees what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from placement import dates
from placement.models import ApiToken, Graduate
from placement.security import token_hash
from placement.services import changes
from tests import factories


def _graduate(db: Session, first_name: str, *, bls: bool = True, **fields) -> Graduate:
    person = factories.graduate(db, first_name=first_name, **fields).graduate
    if bls:
        factories.credential(db, person.id, "bls_cpr", expires_on=dates.today() + timedelta(400))
    return person


@pytest.fixture
def harbor(db: Session, employer_user):
    return factories.position(
        db,
        employer_user.employer.id,
        preferred_modalities=("manual_lymphatic_drainage",),
        required_credentials=("bls_cpr",),
    )


@pytest.fixture
def people(db: Session):
    """Graduates of every visibility; `strong` scores above `public`, `lacking` is ineligible."""
    strong = _graduate(db, "Strong", visibility="employers", clinical_hours=300)
    factories.modality(db, strong.id, "manual_lymphatic_drainage", 3)
    return {
        "strong": strong,
        "public": _graduate(db, "Public", visibility="employers"),
        "staff": _graduate(db, "StaffOnly", visibility="staff"),
        "private": _graduate(db, "Private", visibility="private"),
        "lacking": _graduate(db, "Lacking", visibility="employers", bls=False),
    }


def _ids(response, key: str = "graduate_id") -> list[int]:
    assert response.status_code == 200, response.text
    return [row[key] for row in response.json()]


class TestPositionMatches:
    def test_it_lists_graduates_who_allow_staff_best_first_for_staff(
        self, as_staff, harbor, people
    ):
        response = as_staff.get(f"/api/v1/positions/{harbor.id}/matches")
        body = response.json()
        assert _ids(response) == [
            people["strong"].id,
            *sorted([people["public"].id, people["staff"].id]),
            people["lacking"].id,
        ]
        assert set(body[0]) == {"graduate_id", "score", "eligible", "reasons"}
        assert set(body[0]["reasons"][0]) == {"factor", "points", "detail"}
        assert [row["eligible"] for row in body] == [True, True, True, False]
        assert body[0]["score"] > body[1]["score"]
        assert body[0]["score"] == pytest.approx(sum(r["points"] for r in body[0]["reasons"]))
        missing = [r for r in body[-1]["reasons"] if r["factor"] == "required_credential"]
        assert missing and "BLS" in missing[0]["detail"]
        assert response.headers["cache-control"] == "no-store"

    def test_private_graduates_reach_no_list(self, as_staff, as_employer, harbor, people):
        for client in (as_staff, as_employer):
            response = client.get(f"/api/v1/positions/{harbor.id}/matches")
            assert people["private"].id not in _ids(response)

    def test_the_owning_employer_sees_only_graduates_who_allow_employers(
        self, as_employer, harbor, people
    ):
        ids = _ids(as_employer.get(f"/api/v1/positions/{harbor.id}/matches"))
        assert ids == [people["strong"].id, people["public"].id, people["lacking"].id]
        assert people["staff"].id not in ids

    def test_another_employer_gets_404_like_a_missing_position(self, as_other_employer, harbor):
        other = as_other_employer.get(f"/api/v1/positions/{harbor.id}/matches")
        missing = as_other_employer.get("/api/v1/positions/99999/matches")
        assert other.status_code == missing.status_code == 404
        assert other.json()["error"] == missing.json()["error"]

    def test_a_graduate_gets_403(self, as_graduate, harbor):
        response = as_graduate.get(f"/api/v1/positions/{harbor.id}/matches")
        assert response.status_code == 403
        assert "error" in response.json()

    def test_signed_out_gets_401_json(self, client, harbor):
        response = client.get(f"/api/v1/positions/{harbor.id}/matches")
        assert response.status_code == 401
        assert response.json() == {"error": "Please sign in"}

    def test_it_accepts_a_staff_bearer_token(self, db, client, staff_user, harbor, people):
        db.add(
            ApiToken(user_id=staff_user.id, name="t", prefix="abc", token_hash=token_hash("tok"))
        )
        db.commit()
        response = client.get(
            f"/api/v1/positions/{harbor.id}/matches", headers={"Authorization": "Bearer tok"}
        )
        assert people["staff"].id in _ids(response)

    def test_it_honours_the_limit(self, as_staff, harbor, people):
        response = as_staff.get(f"/api/v1/positions/{harbor.id}/matches?limit=1")
        assert _ids(response) == [people["strong"].id]

    @pytest.mark.parametrize("limit", ["0", "501", "-1", "abc", "1.5", "", "9" * 40, "١"])
    def test_a_bad_limit_answers_400_json(self, as_staff, harbor, limit):
        response = as_staff.get(f"/api/v1/positions/{harbor.id}/matches", params={"limit": limit})
        assert response.status_code == 400
        assert "limit" in response.json()["detail"]

    def test_a_closed_position_has_no_matches(self, db, as_staff, harbor, people):
        harbor.status = "closed"
        db.add(harbor)
        changes.position_changed(db, harbor.id)
        db.commit()
        assert _ids(as_staff.get(f"/api/v1/positions/{harbor.id}/matches")) == []

    def test_a_profile_change_shows_in_the_next_ranking(self, db, as_staff, harbor, people):
        assert people["staff"].id in _ids(as_staff.get(f"/api/v1/positions/{harbor.id}/matches"))
        staff_only = db.get(Graduate, people["staff"].id)
        staff_only.visibility = "private"
        lacking = db.get(Graduate, people["lacking"].id)
        factories.credential(db, lacking.id, "bls_cpr")
        changes.graduate_changed(db, staff_only.id)
        changes.graduate_changed(db, lacking.id)
        db.commit()
        response = as_staff.get(f"/api/v1/positions/{harbor.id}/matches")
        assert people["staff"].id not in _ids(response)
        assert all(row["eligible"] for row in response.json())


class TestGraduateMatches:
    @pytest.fixture
    def positions(self, db: Session, employer_user, other_employer_user, harbor):
        near = factories.position(db, other_employer_user.employer.id, title="Rehab therapist")
        far = factories.position(db, employer_user.employer.id, title="Far away", zip="94103")
        draft = factories.position(db, employer_user.employer.id, status="draft")
        return {"harbor": harbor, "near": near, "far": far, "draft": draft}

    def test_the_graduate_sees_open_positions_eligible_first(
        self, db, as_graduate, graduate_user, positions
    ):
        factories.credential(db, graduate_user.graduate.id, "bls_cpr")
        response = as_graduate.get(f"/api/v1/graduates/{graduate_user.graduate.id}/matches")
        body = response.json()
        ids = _ids(response, "position_id")
        assert set(ids) == {positions["harbor"].id, positions["near"].id, positions["far"].id}
        assert ids[-1] == positions["far"].id
        assert [row["eligible"] for row in body] == [True, True, False]
        assert set(body[0]) == {"position_id", "score", "eligible", "reasons"}
        far = [r["factor"] for r in body[-1]["reasons"] if r["points"] == 0]
        assert "travel_radius" in far

    def test_a_private_graduate_sees_their_own(self, db, as_graduate, graduate_user, positions):
        graduate_user.graduate.visibility = "private"
        db.add(graduate_user.graduate)
        db.commit()
        response = as_graduate.get(f"/api/v1/graduates/{graduate_user.graduate.id}/matches")
        assert positions["near"].id in _ids(response, "position_id")

    def test_staff_see_any_graduate(self, as_staff, other_graduate_user, positions):
        response = as_staff.get(f"/api/v1/graduates/{other_graduate_user.graduate.id}/matches")
        assert positions["near"].id in _ids(response, "position_id")

    def test_another_graduate_gets_404_like_a_missing_one(
        self, as_graduate, other_graduate_user, positions
    ):
        other = as_graduate.get(f"/api/v1/graduates/{other_graduate_user.graduate.id}/matches")
        missing = as_graduate.get("/api/v1/graduates/99999/matches")
        assert other.status_code == missing.status_code == 404

    def test_staff_get_404_for_an_unknown_or_deleted_graduate(
        self, db, as_staff, other_graduate_user
    ):
        assert as_staff.get("/api/v1/graduates/99999/matches").status_code == 404
        other_graduate_user.graduate.deleted_at = other_graduate_user.graduate.created_at
        db.add(other_graduate_user.graduate)
        db.commit()
        url = f"/api/v1/graduates/{other_graduate_user.graduate.id}/matches"
        assert as_staff.get(url).status_code == 404

    def test_an_employer_gets_403(self, as_employer, graduate_user):
        response = as_employer.get(f"/api/v1/graduates/{graduate_user.graduate.id}/matches")
        assert response.status_code == 403

    def test_signed_out_gets_401(self, client, graduate_user):
        response = client.get(f"/api/v1/graduates/{graduate_user.graduate.id}/matches")
        assert response.status_code == 401

    def test_it_validates_the_limit(self, as_graduate, graduate_user, positions):
        url = f"/api/v1/graduates/{graduate_user.graduate.id}/matches"
        assert as_graduate.get(url + "?limit=0").status_code == 400
        assert len(as_graduate.get(url + "?limit=2").json()) == 2
        assert len(as_graduate.get(url + "?limit=500").json()) == 3


class TestProfileChangesReachTheRanking:
    def test_a_profile_saved_through_the_app_shows_in_the_next_ranking(
        self, db, as_graduate, as_employer, graduate_user, harbor
    ):
        grace = graduate_user.graduate
        factories.credential(db, grace.id, "bls_cpr")
        url = f"/api/v1/positions/{harbor.id}/matches"
        assert grace.id not in _ids(as_employer.get(url))  # visibility "staff" so far
        profile = {
            "first_name": "Grace",
            "last_name": "Hopper",
            "program": "Medical Massage Therapy (750 hours)",
            "graduation_date": "2025-06-15",
            "training_hours": "750",
            "clinical_hours": "120",
            "zip": "90001",
            "travel_radius_miles": "25",
            "settings": ["hospital"],
            "employment_types": ["full_time"],
            "availability": ["mon-am", "tue-am"],
            "pay_expectation": "30",
            "bio": "",
            "visibility": "employers",
            "seeking": "seeking",
            "modality_manual_lymphatic_drainage": "3",
            "version": str(grace.version),
        }
        assert as_graduate.submit("/me/profile", profile).status_code == 303
        rows = as_employer.get(url).json()
        assert [row["graduate_id"] for row in rows] == [grace.id]
        assert rows[0]["eligible"] is True
        preferred = [r for r in rows[0]["reasons"] if r["factor"] == "preferred_modalities"]
        assert preferred[0]["points"] == 15.0


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/positions/99999999999999999999/matches",
        "/api/v1/graduates/99999999999999999999/matches",
        "/api/v1/positions/0/matches",
    ],
)
def test_ids_beyond_the_database_range_answer_404(as_staff, url):
    response = as_staff.get(url)
    assert response.status_code == 404
    assert "error" in response.json()
