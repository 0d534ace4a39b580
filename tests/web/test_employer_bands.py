"""Employers never learn a school record's exact figure (issue 10, case 5): clinical hours
reach an employer's reasons in bands, the score an employer sees is the sum of the points it
sees, and its lists are ordered by that score (ties by name). Staff keep the exact figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from placement import dates
from placement.services import matching as matching_service
from tests import factories


def _graduate(db: Session, first_name: str, clinical_hours: int, **fields):
    person = factories.graduate(
        db, first_name=first_name, visibility="employers", clinical_hours=clinical_hours, **fields
    ).graduate
    factories.credential(db, person.id, "bls_cpr", expires_on=dates.today() + timedelta(400))
    return person


@pytest.fixture
def position(db: Session, employer_user):
    return factories.position(db, employer_user.employer.id, required_credentials=("bls_cpr",))


def _clinical(row: dict) -> dict:
    (reason,) = [r for r in row["reasons"] if r["factor"] == "clinical_hours"]
    return reason


def test_two_graduates_a_few_hours_apart_look_the_same_to_an_employer(
    as_employer, as_staff, db, position
):
    ann = _graduate(db, "Ann", 137)
    bea = _graduate(db, "Bea", 138)
    rows = as_employer.get(f"/api/v1/positions/{position.id}/matches").json()
    by_id = {row["graduate_id"]: row for row in rows}
    assert _clinical(by_id[ann.id]) == _clinical(by_id[bea.id])
    assert _clinical(by_id[ann.id])["points"] % matching_service.CLINICAL_POINT_BAND == 0
    assert "137" not in str(rows) and "138" not in str(rows)
    staff = {
        row["graduate_id"]: row
        for row in as_staff.get(f"/api/v1/positions/{position.id}/matches").json()
    }
    # Staff see the figure, and the points that give it away (137 / 25 = 5.5 points).
    assert _clinical(staff[ann.id])["points"] == 5.5
    assert "137 clinical hours" in _clinical(staff[ann.id])["detail"]


def test_the_score_is_the_sum_of_the_points_shown(as_employer, db, position):
    for name, hours in (("Cal", 10), ("Dee", 99), ("Eve", 180), ("Fay", 400)):
        _graduate(db, name, hours)
    rows = as_employer.get(f"/api/v1/positions/{position.id}/matches").json()
    assert len(rows) == 4
    for row in rows:
        assert row["score"] == pytest.approx(sum(r["points"] for r in row["reasons"]), abs=1e-9)
        assert _clinical(row)["points"] in (0, 2.5, 5, 7.5, 10)


def test_the_employer_list_is_ordered_by_the_score_it_sees_then_by_name(as_employer, db, position):
    # 130 and 149 clinical hours fall in one band: equal banded scores, so by name, although
    # Zed's full score is higher.
    zed = _graduate(db, "Zed", 149)
    amy = _graduate(db, "Amy", 130)
    top = _graduate(db, "Top", 300)
    rows = as_employer.get(f"/api/v1/positions/{position.id}/matches").json()
    assert [row["graduate_id"] for row in rows] == [top.id, amy.id, zed.id]
    assert rows[1]["score"] == rows[2]["score"]


def test_a_limit_keeps_the_employer_order(as_employer, db, position):
    zed = _graduate(db, "Zed", 149)
    amy = _graduate(db, "Amy", 130)
    rows = as_employer.get(f"/api/v1/positions/{position.id}/matches?limit=1").json()
    assert [row["graduate_id"] for row in rows] == [amy.id]
    assert zed.id


def test_the_candidates_page_shows_bands_and_no_figure(as_employer, db, position):
    person = _graduate(db, "Gus", 137)
    factories.application(db, position.id, person.id)
    page = as_employer.get(f"/employer/positions/{position.id}/candidates").text
    assert "137" not in page
    assert "Clinical hours on the school record: about 125 to 188" in page
