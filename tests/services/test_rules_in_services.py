"""Every rule in the service that performs the action, so every caller obeys it (issue 10,
case 4): visibility in `refer` (a round published after its preview included), the rejection
reason in the pipeline, the NPI in the employer service, the graduation date once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from placement import dates
from placement.config import Settings
from placement.models import Application, Graduate, Referral
from placement.services import Actor, DomainError, accounts, employers, pipeline, referrals, rounds
from placement.services.graduates import check_graduation_date
from tests import factories

SETTINGS = Settings(database_url="sqlite://", environment="test")
VALID_NPI = "1234567893"


class TestReferVisibility:
    def test_refer_refuses_a_private_graduate(self, db, employer_user, staff_user):
        position = factories.position(db, employer_user.employer.id)
        person = factories.graduate(db, visibility="private").graduate
        with pytest.raises(DomainError) as caught:
            referrals.refer(
                db,
                SETTINGS,
                actor=Actor(user_id=staff_user.id, role="staff"),
                position_id=position.id,
                graduate_id=person.id,
                note="",
            )
        assert caught.value.field == "graduate_id"

    def test_a_graduate_who_turns_private_after_the_preview_is_not_referred(
        self, db: Session, employer_user, staff_user
    ):
        position = factories.position(db, employer_user.employer.id, min_training_hours=0)
        person = factories.graduate(db, first_name="Tess", visibility="staff").graduate
        match_round = rounds.preview_round(
            db, algorithm="stable", actor=Actor(user_id=staff_user.id, role="staff")
        )
        db.commit()
        assert match_round.id is not None
        planned = rounds.round_detail(db, match_round.id).assignments
        assert [row.graduate_id for row in planned] == [person.id]

        person.visibility = "private"
        db.add(person)
        db.commit()
        created = rounds.publish_round(
            db, SETTINGS, match_round.id, actor=Actor(user_id=staff_user.id, role="staff")
        )
        db.commit()
        assert created == 0
        assert db.exec(select(Referral)).all() == []
        assert position.id


class TestRejectionReason:
    def test_the_pipeline_refuses_a_rejection_without_a_reason(self, db, employer_user):
        position = factories.position(db, employer_user.employer.id)
        person = factories.graduate(db).graduate
        application = factories.application(db, position.id, person.id)
        with pytest.raises(DomainError) as caught:
            pipeline.move_stage(
                db,
                SETTINGS,
                employer_id=employer_user.employer.id,
                actor=Actor(user_id=employer_user.user.id, role="employer"),
                application_id=application.id,
                to_stage="rejected",
            )
        assert caught.value.field == "reason"
        db.rollback()
        assert db.get(Application, application.id).stage == "submitted"

    def test_the_route_shows_the_services_message(self, as_employer, db, employer_user):
        position = factories.position(db, employer_user.employer.id)
        application = factories.application(db, position.id, factories.graduate(db).graduate.id)
        page = as_employer.submit(
            f"/employer/applications/{application.id}/stage", {"stage": "rejected"}
        )
        assert page.status_code == 422
        assert "Choose the reason the candidate will see." in page.text


class TestNpi:
    def test_the_employer_service_refuses_a_bad_npi(self):
        with pytest.raises(DomainError) as caught:
            employers.check_npi("1234567890")
        assert caught.value.field == "npi"
        employers.check_npi(VALID_NPI)
        employers.check_npi(None)

    def test_registration_obeys_it_without_the_form(self, db, app):
        with pytest.raises(DomainError) as caught:
            accounts.register_employer(
                db,
                app.state.passwords,
                app.state.settings,
                accounts.EmployerRegistration(
                    organization_name="Relax Spa",
                    organization_kind="hospital",
                    npi="1234567890",
                    zip="90012",
                    website="",
                    contact_name="R",
                    email="r@relax.example",
                    password="a long enough password",
                ),
            )
        assert caught.value.field == "npi"


class TestGraduationDate:
    @pytest.mark.parametrize("value", [date(1949, 12, 31), date(dates.today().year + 3, 1, 1)])
    def test_out_of_range_dates_are_refused(self, value):
        with pytest.raises(DomainError) as caught:
            check_graduation_date(value)
        assert caught.value.field == "graduation_date"

    def test_29_february_two_years_ahead_does_not_crash(self):
        check_graduation_date(date(2028, 2, 29), today=date(2026, 2, 28))
        check_graduation_date(date(2026, 6, 1), today=date(2024, 2, 29))

    def test_registration_obeys_it_without_the_form(self, db, app):
        with pytest.raises(DomainError) as caught:
            accounts.register_graduate(
                db,
                app.state.passwords,
                accounts.GraduateRegistration(
                    email="new@example.com",
                    password="a long enough password",
                    first_name="N",
                    last_name="G",
                    student_id="S-NEW-1",
                    program="Massage",
                    graduation_date=dates.today() + timedelta(days=365 * 5),
                ),
            )
        assert caught.value.field == "graduation_date"
        assert db.exec(select(Graduate)).all() == []
