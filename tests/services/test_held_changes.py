"""The held-change rule lives in the employer service (every caller obeys it) and its review
in the approvals service: tested here without the web layer."""

from __future__ import annotations

import json

import pytest

from placement.models import Employer
from placement.services import Actor, Conflict, DomainError, approvals, employers
from tests import factories

STAFF = Actor(user_id=None, role="staff")


def ask(db, persona, **changes):
    employer = persona.employer
    values = {
        "name": employer.name,
        "kind": employer.kind,
        "zip": employer.zip,
        "website": employer.website,
        "phone": employer.phone,
        "npi": employer.npi,
        **changes,
    }
    saved = employers.update_organization(
        db,
        employer_id=employer.id,
        actor=Actor(user_id=persona.user.id, role="employer"),
        data=employers.OrganizationInput(**values),
    )
    db.commit()
    return saved


class TestUpdateOrganization:
    @pytest.mark.parametrize(
        ("field", "value"),
        [("name", "Relax Spa 24/7"), ("website", "https://spa.example"), ("npi", "1234567893")],
    )
    def test_an_approved_organisation_holds_the_change(self, db, employer_user, field, value):
        saved = ask(db, employer_user, **{field: value})
        assert getattr(saved, field) == getattr(employer_user.employer, field)
        assert employers.held_changes(saved) == {field: value}
        assert getattr(employers.with_held_changes(saved), field) == value
        assert saved.held_at is not None

    @pytest.mark.parametrize("status", ["pending"])
    def test_an_organisation_not_yet_approved_changes_at_once(self, db, status):
        persona = factories.employer(db, status=status)
        saved = ask(db, persona, name="Relax Spa 24/7")
        assert saved.name == "Relax Spa 24/7" and saved.held_changes is None

    def test_other_fields_save_at_once(self, db, employer_user):
        saved = ask(db, employer_user, phone="562 555 0100", zip="90210")
        assert (saved.phone, saved.zip, saved.held_changes) == ("562 555 0100", "90210", None)

    def test_the_npi_rule_still_applies(self, db, employer_user):
        with pytest.raises(DomainError):
            ask(db, employer_user, npi="1234567890")


class TestReviewHeldChange:
    def test_approve_applies_it(self, db, settings, employer_user):
        ask(db, employer_user, name="Seaside Rehabilitation", npi="1234567893")
        approvals.review_held_change(
            db, settings, STAFF, employer_id=employer_user.employer.id, action="approve"
        )
        db.commit()
        db.expire_all()
        row = db.get(Employer, employer_user.employer.id)
        assert (row.name, row.npi, row.held_changes, row.held_at) == (
            "Seaside Rehabilitation",
            "1234567893",
            None,
            None,
        )

    def test_reject_needs_a_reason_and_keeps_the_approved_values(self, db, settings, employer_user):
        ask(db, employer_user, name="Seaside Rehabilitation")
        with pytest.raises(DomainError):
            approvals.review_held_change(
                db, settings, STAFF, employer_id=employer_user.employer.id, action="reject"
            )
        approvals.review_held_change(
            db,
            settings,
            STAFF,
            employer_id=employer_user.employer.id,
            action="reject",
            reason="Not the same organisation.",
        )
        db.commit()
        db.expire_all()
        row = db.get(Employer, employer_user.employer.id)
        assert (row.name, row.held_changes) == ("Harbor Hospital", None)

    def test_a_change_edited_after_the_reviewer_loaded_it_is_not_approved_blind(
        self, db, settings, employer_user
    ):
        ask(db, employer_user, name="Seaside Rehabilitation")
        seen = db.get(Employer, employer_user.employer.id)
        # The employer edits the held change in another transaction.
        db.exec(  # type: ignore[call-overload]
            Employer.__table__.update()  # type: ignore[attr-defined]
            .where(Employer.__table__.c.id == seen.id)  # type: ignore[attr-defined]
            .values(held_changes=json.dumps({"name": "Something else"}))
        )
        with pytest.raises(Conflict):
            approvals.review_held_change(db, settings, STAFF, employer_id=seen.id, action="approve")

    def test_nothing_held_is_a_conflict(self, db, settings, employer_user):
        with pytest.raises(Conflict):
            approvals.review_held_change(
                db, settings, STAFF, employer_id=employer_user.employer.id, action="approve"
            )
