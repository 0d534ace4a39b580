"""No route shows an employer a graduate beyond the visibility rule: every employer page and
every API call, walked as the employer with every id slot filled with real ids and with the
hidden graduates' own ids, never shows a `private` or `staff` graduate's name or id."""

from __future__ import annotations

import re

import pytest

from placement.models import Invitation, PositionNotice, SavedSearch, TalentInterest
from tests import factories
from tests.web.test_routes import APP, _walk

PRIVATE_ID = 424242
STAFF_ONLY_ID = 535353
HIDDEN = {
    PRIVATE_ID: ("Zephyrine", "Quillfeather", "private"),
    STAFF_ONLY_ID: ("Bartholomew", "Staffsley", "staff"),
}
PARAM = re.compile(r"\{[^}:]+(?::\w+)?\}")


def _employer_gets() -> list[str]:
    paths = set()
    for path, methods in _walk(APP.routes):
        if "GET" in methods and (
            path.startswith(("/employer", "/api/v1", "/positions", "/interviews")) or path == "/"
        ):
            paths.add(path)
    return sorted(paths)


@pytest.fixture
def world(db, employer_user, other_employer_user):
    employer_id = employer_user.employer.id
    position = factories.position(db, employer_id, required_credentials=("bls_cpr",))
    other = factories.position(db, other_employer_user.employer.id)
    hidden = []
    for graduate_id, (first, last, visibility) in HIDDEN.items():
        person = factories.graduate(
            db, id=graduate_id, first_name=first, last_name=last, visibility=visibility
        ).graduate
        factories.credential(db, person.id, "bls_cpr")
        factories.modality(db, person.id, "oncology", 3)
        # Applied elsewhere, interested in this employer before turning hidden, told of a
        # position, a saved search: none of it may reach this employer.
        factories.application(db, other.id, person.id)
        db.add(TalentInterest(graduate_id=person.id, employer_id=employer_id))
        db.add(PositionNotice(graduate_id=person.id, position_id=position.id, source="talent"))
        db.add(SavedSearch(graduate_id=person.id, name="Mine", query="setting=hospital"))
        db.commit()
        hidden.append(person)
    visible = factories.graduate(
        db, first_name="Verity", last_name="Openshaw", visibility="employers"
    ).graduate
    factories.credential(db, visible.id, "bls_cpr")
    db.add(TalentInterest(graduate_id=visible.id, employer_id=employer_id))
    db.add(
        Invitation(
            position_id=position.id,
            graduate_id=visible.id,
            employer_id=employer_id,
            invited_by=employer_user.user.id,
        )
    )
    db.commit()
    applicant = factories.graduate(db, first_name="Apollonia", last_name="Applied").graduate
    application = factories.application(db, position.id, applicant.id)
    return {"position": position, "application": application, "visible": visible}


def _fillings(path: str, world) -> list[str]:
    slots = PARAM.findall(path)
    if not slots:
        return [path]
    real = {world["position"].id, world["application"].id, 1, 2, 3}
    out = []
    for value in sorted(real | set(HIDDEN)):
        out.append(PARAM.sub(str(value), path))
    return out


QUERIES = [
    {},
    {"limit": "500"},
    {"page": "2"},
    {"q": "oncology"},
    {"status": "open"},
]


def _leaks(text: str) -> list[str]:
    found = []
    for graduate_id, (first, last, _) in HIDDEN.items():
        for needle in (first, last, str(graduate_id)):
            if needle in text:
                found.append(needle)
    return found


def test_no_employer_page_or_api_call_shows_a_hidden_graduate(as_employer, world):
    seen_visible = False
    walked = 0
    for template in _employer_gets():
        for path in _fillings(template, world):
            for query in QUERIES:
                response = as_employer.get(path, params=query)
                assert response.status_code < 500, path
                assert not _leaks(response.text), (path, query, _leaks(response.text))
                seen_visible |= "Verity" in response.text
                walked += 1
    # The walk can fail: a graduate who lets employers see them does appear somewhere.
    assert seen_visible and walked > 50


def test_the_matches_list_and_api_show_the_visible_and_not_the_hidden(as_employer, world):
    position = world["position"]
    page = as_employer.get(f"/employer/positions/{position.id}/matches").text
    api = as_employer.get(f"/api/v1/positions/{position.id}/matches?limit=500").json()
    ids = {row["graduate_id"] for row in api}
    assert world["visible"].id in ids and not ids & set(HIDDEN)
    assert "Verity" in page and not _leaks(page)


@pytest.mark.parametrize("graduate_id", sorted(HIDDEN))
def test_a_hidden_graduate_cannot_be_invited_by_id(as_employer, world, graduate_id):
    response = as_employer.submit(
        f"/employer/positions/{world['position'].id}/invitations",
        {"graduate_id": str(graduate_id), "note": "hello"},
    )
    assert response.status_code == 404 and not _leaks(response.text)
