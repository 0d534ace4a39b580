"""The position form's `verified_credentials`: required credentials that count only once
career services verified them, stored with the requirement, honoured by matching and
explained as "held but not yet verified by career services"."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from placement import dates
from placement.models import Position
from placement.services import matching as matching_service
from placement.services import positions as position_service
from tests import factories
from tests.web.test_employers import error_at, position_form


def _position(db, employer_id) -> Position:
    db.expire_all()
    return db.exec(select(Position).where(Position.employer_id == employer_id)).one()


def test_the_form_stores_and_shows_verified_only_credentials(as_employer, db, employer_user):
    response = as_employer.submit(
        "/employer/positions/new", position_form(verified_credentials=["bls_cpr"])
    )
    assert response.status_code == 303
    position = _position(db, employer_user.employer.id)
    requirements = position_service.requirements_of(db, position.id)
    assert requirements["verified_credentials"] == ["bls_cpr"]
    record = matching_service.load_positions(db, [position.id], only_open=False)[position.id]
    assert record.verified_credentials == frozenset({"bls_cpr"})
    page = as_employer.get(f"/employer/positions/{position.id}/edit").text
    block = page.split("Count only once verified by career services", 1)[1].split("</fieldset>")[0]
    assert re.search(r'value="bls_cpr"[^>]*checked', block)


def test_unticking_removes_it(as_employer, db, employer_user):
    as_employer.submit("/employer/positions/new", position_form(verified_credentials=["bls_cpr"]))
    position = _position(db, employer_user.employer.id)
    form = position_form(version=str(position.version))
    assert as_employer.submit(f"/employer/positions/{position.id}/edit", form).status_code == 303
    assert position_service.requirements_of(db, position.id)["verified_credentials"] == []


def test_a_credential_that_is_not_required_is_refused(as_employer, db, employer_user):
    response = as_employer.submit(
        "/employer/positions/new",
        position_form(verified_credentials=["oncology_massage_cert"]),
    )
    assert response.status_code == 422
    assert "only a required credential" in error_at(response, "verified_credentials")
    unknown = as_employer.submit(
        "/employer/positions/new", position_form(verified_credentials=["wizardry"])
    )
    assert unknown.status_code == 422
    db.expire_all()
    assert db.exec(select(Position)).all() == []


def test_matching_counts_only_a_verified_card_and_says_why(db, employer_user):
    position = factories.position(
        db,
        employer_user.employer.id,
        required_credentials=("bls_cpr",),
        verified_credentials=("bls_cpr",),
    )
    expiry = dates.today() + timedelta(days=400)
    verified = factories.graduate(db, first_name="Vera")
    factories.credential(db, verified.graduate.id, "bls_cpr", expires_on=expiry, verified=True)
    pending = factories.graduate(db, first_name="Penny")
    factories.credential(db, pending.graduate.id, "bls_cpr", expires_on=expiry, verified=False)
    ranked = matching_service.rank_graduates(db, position.id, audience="staff")
    assert [row.graduate_id for row in ranked] == [verified.graduate.id]
    result = matching_service.explain(db, pending.graduate.id, position.id)
    assert not result.eligible
    assert "BLS/CPR held but not yet verified by career services" in [
        reason.detail for reason in result.failures
    ]
    assert matching_service.explain(db, verified.graduate.id, position.id).eligible
