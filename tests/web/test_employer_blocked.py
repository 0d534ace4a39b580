"""A suspended or rejected organisation (CONTRACT, status semantics): its members sign in and
see one notice at GET /employer; every other employer route and every API call answers 403;
its positions leave the search at once."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlmodel import select
from starlette.routing import Mount, Route

from placement.app import create_app
from placement.config import Settings
from placement.models import Application, Placement, User
from tests import factories


def _walk(routes: list, prefix: str = "") -> Iterator[tuple[str, str]]:
    for route in routes:
        if isinstance(route, Mount):
            yield from _walk(route.routes or [], prefix + route.path)
        elif isinstance(route, Route):
            for method in route.methods or ():
                if method in ("GET", "POST"):
                    yield prefix + route.path, method


ROUTES = sorted(
    set(_walk(create_app(Settings(database_url="sqlite://", environment="test")).routes))
)
# Every employer route but the notice itself, and every API route.
GUARDED = [
    (path, method)
    for path, method in ROUTES
    if (path == "/employer" or path.startswith(("/employer/", "/api/")))
    and (path, method) != ("/employer", "GET")
]


@pytest.fixture
def world(db, employer_user, graduate_user):
    """The organisation with a position, an applicant, an invited colleague: ids for paths."""
    position = factories.position(db, employer_user.employer.id)
    application = factories.application(db, position.id, graduate_user.graduate.id)
    colleague = factories.user(db, email="cole@harbor.example", role="employer")
    from placement.models import EmployerMember

    db.add(EmployerMember(employer_id=employer_user.employer.id, user_id=colleague.id))
    db.commit()
    return {
        "position_id": position.id,
        "application_id": application.id,
        "user_id": colleague.id,
        "graduate_id": graduate_user.graduate.id,
        "id": position.id,
    }


def _concrete(path: str, ids: dict[str, int]) -> str:
    return re.sub(r"\{([^}:]+)(?::[a-z]+)?\}", lambda m: str(ids.get(m.group(1), 1)), path)


def _block(db, employer, status: str) -> None:
    employer.status = status
    employer.status_reason = "Complaints from graduates."
    db.add(employer)
    db.commit()


def test_the_guarded_table_covers_the_employer_side_and_the_api():
    paths = {path for path, _ in GUARDED}
    assert "/employer/team/{user_id:id}/remove" in paths
    assert "/employer/positions/{position_id:id}/candidates" in paths
    assert "/api/v1/positions/{position_id:id}/matches" in paths
    assert len(GUARDED) >= 15


@pytest.mark.parametrize("status", ["suspended", "rejected"])
@pytest.mark.parametrize(("path", "method"), GUARDED)
def test_every_employer_route_and_api_call_answers_403_after_a_fresh_sign_in(
    make_client, db, employer_user, world, status, path, method
):
    _block(db, employer_user.employer, status)
    client = make_client()
    client.login(employer_user.user.email)  # a fresh sign-in still works
    url = _concrete(path, world)
    data = {
        "stage": "hired",
        "email": "new@harbor.example",
        "name": "New",
        "title": "Relax Spa 24/7",
        "action": "submit",
    }
    response = client.get(url) if method == "GET" else client.submit(url, data)
    assert response.status_code == 403, (url, response.status_code)
    db.expire_all()
    # Nothing moved: no hire, no placement, no invited colleague, no renamed organisation.
    assert db.get(Application, world["application_id"]).stage == "submitted"
    assert db.exec(select(Placement)).all() == []
    assert db.exec(select(User).where(User.email == "new@harbor.example")).first() is None


@pytest.mark.parametrize("status", ["suspended", "rejected"])
def test_the_dashboard_is_the_notice(make_client, db, employer_user, world, status):
    _block(db, employer_user.employer, status)
    client = make_client()
    response = client.login(employer_user.user.email)
    assert response.headers["location"] == "/employer"
    page = client.get("/employer")
    assert page.status_code == 200
    assert "contact career services" in page.text.lower()
    assert "Complaints from graduates." in page.text
    # The notice links none of the closed pages.
    assert "/employer/positions" not in page.text and "/employer/team" not in page.text


def test_a_bearer_less_api_call_of_a_suspended_member_is_403(make_client, db, employer_user):
    _block(db, employer_user.employer, "suspended")
    client = make_client()
    client.login(employer_user.user.email)
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/json")


def test_an_approved_member_is_not_affected(as_employer, world):
    assert as_employer.get("/employer").status_code == 200
    assert as_employer.get("/employer/team").status_code == 200
    assert as_employer.get("/api/v1/me").status_code == 200


def test_the_positions_leave_the_search_at_once(as_staff, client, db, employer_user):
    position = factories.position(db, employer_user.employer.id, title="Zebrawood therapist")
    assert "Zebrawood therapist" in client.get("/positions").text
    assert client.get(f"/positions/{position.id}").status_code == 200
    response = as_staff.submit(
        f"/staff/employers/{employer_user.employer.id}/suspend", {"reason": "Fraud report"}
    )
    assert response.status_code == 303
    fresh = {"Cache-Control": "no-cache"}
    assert "Zebrawood therapist" not in client.get("/positions", headers=fresh).text
    assert client.get(f"/positions/{position.id}", headers=fresh).status_code == 404
