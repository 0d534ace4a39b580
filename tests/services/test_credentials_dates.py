"""The credential-date rule lives in the service (graduates.check_credential), once: the add
form no longer has its own copy, and the service refuses what the form used to refuse."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from placement import dates
from placement.services import Actor, DomainError
from placement.services import graduates as graduate_service


def _data(issued_on: date | None, expires_on: date | None) -> graduate_service.CredentialInput:
    return graduate_service.CredentialInput(
        code="bls_cpr", number="1", state=None, issued_on=issued_on, expires_on=expires_on
    )


def test_a_future_issue_date_is_refused_by_the_service_alone(db, graduate_user):
    with pytest.raises(DomainError) as caught:
        graduate_service.add_credential(
            db,
            graduate_id=graduate_user.graduate.id,
            actor=Actor(user_id=graduate_user.user.id, role="graduate"),
            data=_data(dates.today() + timedelta(days=10), None),
        )
    assert caught.value.field == "issued_on"


@pytest.mark.parametrize("days", [0, -1])
def test_an_expiry_on_or_before_the_issue_is_refused(days):
    issued = date(2025, 1, 1)
    with pytest.raises(DomainError) as caught:
        graduate_service.check_credential(_data(issued, issued + timedelta(days=days)))
    assert caught.value.field == "expires_on"


def test_the_form_shows_the_services_message_at_the_field(as_graduate):
    page = as_graduate.submit(
        "/me/credentials",
        {
            "code": "bls_cpr",
            "number": "1",
            "issued_on": (dates.today() + timedelta(days=3)).isoformat(),
        },
    )
    assert page.status_code == 422
    assert "The issue date cannot be in the future." in page.text
