"""The sourcing routes follow the house rules: a bearer token gets nothing from them; the
graduate's data export holds their invitations, talent pools and saved searches, and an
account deletion declines the waiting invitations and erases the rest."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from placement.models import Invitation, SavedSearch, TalentInterest
from tests import factories
from tests.web.test_staff_tokens import _bearer, _create

SOURCING_PATHS = [
    ("GET", "/employer/positions/1/matches"),
    ("POST", "/employer/positions/1/invitations"),
    ("GET", "/me/invitations"),
    ("POST", "/me/invitations/1/decline"),
    ("GET", "/me/searches"),
    ("POST", "/me/searches"),
    ("POST", "/me/searches/1/delete"),
    ("POST", "/me/privacy"),
    ("POST", "/employers/1/interest"),
    ("POST", "/employers/1/interest/withdraw"),
]


@pytest.mark.parametrize(("method", "path"), SOURCING_PATHS)
def test_a_bearer_token_gets_nothing(as_staff, client, method, path):
    raw = _create(as_staff)
    response = client.request(method, path, headers=_bearer(raw), data={"graduate_id": "1"})
    assert response.status_code == 401
    assert "set-cookie" not in response.headers


@pytest.fixture
def sourced(db, employer_user, graduate_user):
    person = graduate_user.graduate
    person.visibility = "employers"
    db.add(person)
    db.commit()
    position = factories.position(db, employer_user.employer.id, title="Hospice massage")
    db.add(
        Invitation(
            position_id=position.id,
            graduate_id=person.id,
            employer_id=employer_user.employer.id,
            note="Come and see us",
        )
    )
    db.add(TalentInterest(graduate_id=person.id, employer_id=employer_user.employer.id))
    db.add(SavedSearch(graduate_id=person.id, name="Hospices", query="setting=hospice"))
    db.commit()
    return person


def test_the_export_holds_invitations_pools_and_searches(as_graduate, sourced):
    document = json.loads(as_graduate.get("/me/export").content)
    assert document["invitations"][0]["position_title"] == "Hospice massage"
    assert document["invitations"][0]["note"] == "Come and see us"
    assert document["talent_pools"][0]["employer"] == "Harbor Hospital"
    assert document["saved_searches"][0]["query"] == "setting=hospice"


def test_deleting_the_account_declines_invitations_and_erases_the_rest(
    as_graduate, as_employer, db, sourced
):
    response = as_graduate.submit("/me/delete", {"password": factories.PASSWORD})
    assert response.status_code == 303
    db.expire_all()
    assert db.exec(select(Invitation)).one().status == "declined"
    assert db.exec(select(TalentInterest)).all() == []
    assert db.exec(select(SavedSearch)).all() == []
    assert "Grace" not in as_employer.get("/employer").text
