"""GET /api/v1/positions and GET /api/v1/placements: 100 a page with the next page's URL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from placement.models import ApiToken, Placement, utcnow
from tests import factories


def _token(as_staff) -> str:
    import re

    page = as_staff.submit("/staff/account/tokens", {"name": "script", "expires_in_days": "30"})
    assert page.status_code == 200
    return re.search(r"(plc_[A-Za-z0-9_\-]+)", page.text).group(1)


@pytest.fixture
def positions(db, employer_user):
    employer_id = employer_user.employer.id
    rows = [factories.position(db, employer_id, title=f"Open {n}") for n in range(3)]
    rows.append(factories.position(db, employer_id, title="Draft one", status="draft"))
    return rows


class TestPositions:
    def test_others_see_the_open_ones(self, as_graduate, positions):
        response = as_graduate.get("/api/v1/positions")
        assert response.status_code == 200
        body = response.json()
        assert body["next"] is None
        assert [item["title"] for item in body["items"]] == ["Open 0", "Open 1", "Open 2"]
        item = body["items"][0]
        assert set(item) == {
            "id",
            "title",
            "employer",
            "setting",
            "employment_type",
            "zip",
            "status",
            "start_date",
            "closes_on",
        }
        assert item["employer"] == "Harbor Hospital" and item["status"] == "open"
        assert date.fromisoformat(item["start_date"])
        assert as_graduate.get("/api/v1/positions?status=draft").json()["items"] == []

    def test_staff_see_any_status(self, as_staff, positions):
        body = as_staff.get("/api/v1/positions?status=draft").json()
        assert [item["title"] for item in body["items"]] == ["Draft one"]
        assert len(as_staff.get("/api/v1/positions").json()["items"]) == 4

    def test_a_bad_status_is_400(self, as_staff):
        assert as_staff.get("/api/v1/positions?status=nope").status_code == 400

    def test_pages_of_100_with_the_next_url(self, as_staff, db, employer_user):
        from placement.models import Position

        db.add_all(
            Position(
                employer_id=employer_user.employer.id,
                title=f"P{n}",
                setting="hospital",
                employment_type="full_time",
                zip="90012",
                status="open",
            )
            for n in range(101)
        )
        db.commit()
        first = as_staff.get("/api/v1/positions?status=open").json()
        assert len(first["items"]) == 100
        assert first["next"] == "http://testserver/api/v1/positions?status=open&page=2"
        second = as_staff.get(first["next"].removeprefix("http://testserver")).json()
        assert len(second["items"]) == 1 and second["next"] is None

    def test_signed_out_is_401(self, client):
        assert client.get("/api/v1/positions").status_code == 401


class TestPlacements:
    @pytest.fixture
    def placed(self, db):
        one = factories.graduate(db, cohort=2025).graduate
        two = factories.graduate(db, cohort=2024).graduate
        db.add(
            Placement(
                graduate_id=one.id,
                employer_name="Harbor",
                job_title="LMT",
                field="in_field",
                start_date=date(2025, 7, 1),
                hours_per_week=32,
                verified_at=utcnow(),
                verification_method="pay_stub",
            )
        )
        db.add(
            Placement(
                graduate_id=two.id, employer_name="Bay", job_title="LMT", field="out_of_field"
            )
        )
        db.commit()
        return one, two

    def test_staff_list_placements_by_cohort(self, as_staff, placed):
        body = as_staff.get("/api/v1/placements?cohort=2025").json()
        assert body["next"] is None
        (item,) = body["items"]
        assert item == {
            "id": item["id"],
            "graduate_id": placed[0].id,
            "employer_name": "Harbor",
            "position_id": None,
            "job_title": "LMT",
            "start_date": "2025-07-01",
            "hours_per_week": 32,
            "field": "in_field",
            "verified": True,
            "method": "pay_stub",
        }
        both = as_staff.get("/api/v1/placements").json()["items"]
        assert [row["verified"] for row in both] == [True, False]

    def test_a_staff_token_reads_them(self, as_staff, client, db, placed):
        raw = _token(as_staff)
        response = client.get("/api/v1/placements", headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code == 200 and len(response.json()["items"]) == 2
        assert db.exec(select(ApiToken)).one()
        # The token reaches only GET /api/v1.
        assert client.post(
            "/api/v1/placements", headers={"Authorization": f"Bearer {raw}"}
        ).status_code in (401, 405)

    @pytest.mark.parametrize("query", ["cohort=20x5", "cohort=%00", "cohort=99999"])
    def test_a_bad_cohort_is_400(self, as_staff, query):
        assert as_staff.get("/api/v1/placements?" + query).status_code == 400

    def test_not_for_graduates_or_employers(self, as_graduate, as_employer):
        assert as_graduate.get("/api/v1/placements").status_code == 403
        assert as_employer.get("/api/v1/placements").status_code == 403
