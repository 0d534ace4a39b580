"""Privacy: who may see a graduate (services.privacy.employer_may_see), GET /me/export and
POST /me/delete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from placement.models import (
    Application,
    AuditEvent,
    Graduate,
    GraduateCredential,
    GraduateModality,
    Message,
    Placement,
    Referral,
    User,
)
from placement.services import privacy
from tests import factories


@pytest.fixture
def position(db, employer_user):
    return factories.position(db, employer_user.employer.id, title="Hospice comfort care")


class TestEmployerMaySee:
    def test_not_by_default(self, db, graduate_user, employer_user):
        assert graduate_user.graduate.visibility == "staff"
        assert not privacy.employer_may_see(
            db, employer_user.employer.id, graduate_user.graduate.id
        )

    def test_yes_when_the_graduate_chose_visibility_employers(
        self, db, employer_user, other_employer_user
    ):
        visible = factories.graduate(db, visibility="employers").graduate
        for employer in (employer_user, other_employer_user):
            assert privacy.employer_may_see(db, employer.employer.id, visible.id)
        assert not privacy.employer_may_download_resume(db, employer_user.employer.id, visible.id)

    def test_only_the_employer_the_graduate_applied_to(
        self, db, graduate_user, employer_user, other_employer_user, position
    ):
        private = factories.graduate(db, visibility="private").graduate
        factories.application(db, position.id, private.id)
        assert privacy.employer_may_see(db, employer_user.employer.id, private.id)
        assert privacy.employer_may_download_resume(db, employer_user.employer.id, private.id)
        assert not privacy.employer_may_see(db, other_employer_user.employer.id, private.id)

    def test_an_accepted_referral_but_not_a_pending_one(
        self, db, graduate_user, employer_user, position
    ):
        graduate_id = graduate_user.graduate.id
        factories.referral(db, position.id, graduate_id)
        assert not privacy.employer_may_see(db, employer_user.employer.id, graduate_id)
        other = factories.position(db, employer_user.employer.id)
        factories.referral(db, other.id, graduate_id, status="accepted")
        assert privacy.employer_may_see(db, employer_user.employer.id, graduate_id)

    def test_never_a_deleted_or_missing_graduate(self, db, employer_user, position):
        gone = factories.graduate(db, visibility="employers").graduate
        factories.application(db, position.id, gone.id)
        gone.deleted_at = gone.created_at
        db.add(gone)
        db.commit()
        assert not privacy.employer_may_see(db, employer_user.employer.id, gone.id)
        assert not privacy.employer_may_see(db, employer_user.employer.id, 999_999)


class TestPrivacyPage:
    def test_it_offers_the_export_and_the_deletion(self, as_graduate):
        page = as_graduate.get("/me/privacy")
        assert page.status_code == 200
        assert 'href="/me/export"' in page.text
        assert 'action="/me/delete"' in page.text and 'name="password"' in page.text


@pytest.fixture
def full_record(db, settings, as_graduate, graduate_user, employer_user, staff_user, position):
    """A graduate with something of every kind: modalities, credentials, a résumé, an
    application with its history, a hire with a placement, referrals and notifications."""
    graduate_id = graduate_user.graduate.id
    factories.modality(db, graduate_id, "hospice_comfort", 3)
    factories.credential(db, graduate_id, "camtc", number="CAMTC-777")
    response = as_graduate.submit(
        "/me/resume", files={"resume": ("cv.pdf", factories.pdf_bytes(), "application/pdf")}
    )
    assert response.status_code == 303
    as_graduate.submit(f"/positions/{position.id}/apply", {"cover_note": "Please hire me"})
    hired_at = factories.position(db, employer_user.employer.id, title="Weekend hospice")
    hired = factories.application(db, hired_at.id, graduate_id, stage="hired")
    db.add(
        Placement(
            graduate_id=graduate_id,
            employer_id=employer_user.employer.id,
            employer_name="Harbor Hospital",
            position_id=hired_at.id,
            application_id=hired.id,
            job_title="Weekend hospice",
        )
    )
    db.commit()
    referred_to = factories.position(db, employer_user.employer.id, title="Referred job")
    factories.referral(
        db, referred_to.id, graduate_id, staff_user_id=staff_user.id, note="Staff note here"
    )
    db.add(
        Message(
            recipient_user_id=graduate_user.user.id,
            recipient_email=graduate_user.user.email,
            subject="Your application moved to interview",
            body="See you on Monday.",
        )
    )
    db.commit()
    return graduate_id


class TestExport:
    def test_it_downloads_everything_held_about_me_as_json(
        self, as_graduate, db, graduate_user, employer_user, full_record
    ):
        response = as_graduate.get("/me/export")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        assert response.headers["content-disposition"].startswith("attachment;")
        assert response.headers["cache-control"] == "no-store"
        document = response.json()
        assert document["user"]["email"] == graduate_user.user.email
        assert document["profile"]["first_name"] == "Grace"
        assert document["profile"]["resume_name"] == "cv.pdf"
        assert document["modalities"] == [{"code": "hospice_comfort", "proficiency": 3}]
        assert document["credentials"][0]["number"] == "CAMTC-777"
        by_title = {item["position_title"]: item for item in document["applications"]}
        assert by_title["Hospice comfort care"]["cover_note"] == "Please hire me"
        assert by_title["Hospice comfort care"]["employer"] == "Harbor Hospital"
        assert by_title["Hospice comfort care"]["events"][0]["to_stage"] == "submitted"
        assert by_title["Weekend hospice"]["stage"] == "hired"
        assert document["placements"][0]["job_title"] == "Weekend hospice"
        assert document["referrals"][0]["note"] == "Staff note here"
        assert document["notifications"][0]["subject"] == "Your application moved to interview"
        assert any(item["action"] == "graduate.resume_uploaded" for item in document["activity"])
        assert employer_user.user.email not in response.text
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "graduate.exported")).one()

    def test_it_is_only_for_graduates(self, as_employer, as_staff):
        assert as_employer.get("/me/export").status_code == 403
        assert as_staff.get("/me/export").status_code == 403


class TestDelete:
    def test_it_refuses_a_wrong_or_missing_password(self, as_graduate, db, graduate_user):
        wrong = as_graduate.submit("/me/delete", {"password": "not my password at all"})
        assert wrong.status_code == 422
        assert "That is not your current password" in wrong.text
        empty = as_graduate.submit("/me/delete", {"password": ""})
        assert empty.status_code == 422 and "This field is required" in empty.text
        db.expire_all()
        assert db.get(Graduate, graduate_user.graduate.id).deleted_at is None
        assert as_graduate.get("/me").status_code == 200

    def test_it_anonymises_the_graduate_and_keeps_the_records(
        self,
        as_graduate,
        as_employer,
        make_client,
        db,
        settings,
        graduate_user,
        employer_user,
        position,
        full_record,
    ):
        graduate_id, user_id, email = full_record, graduate_user.user.id, graduate_user.user.email
        db.expire_all()
        resume_file = db.get(Graduate, graduate_id).resume_file
        assert (Path(settings.upload_dir) / resume_file).exists()

        response = as_graduate.submit("/me/delete", {"password": factories.PASSWORD})
        assert response.status_code == 303 and response.headers["location"] == "/"
        gone = as_graduate.get("/me")
        assert gone.status_code == 303 and gone.headers["location"].startswith("/login")

        db.expire_all()
        graduate = db.get(Graduate, graduate_id)
        assert (graduate.first_name, graduate.last_name) == ("Deleted", "graduate")
        assert graduate.email == "" and graduate.student_id is None
        assert graduate.bio == "" and graduate.zip is None and graduate.user_id is None
        assert graduate.deleted_at is not None
        assert (graduate.seeking, graduate.visibility) == ("not_seeking", "private")
        assert graduate.resume_file is None and graduate.resume_name is None
        assert not (Path(settings.upload_dir) / resume_file).exists()
        for table in (GraduateModality, GraduateCredential):
            assert db.exec(select(table).where(table.graduate_id == graduate_id)).all() == []

        user = db.get(User, user_id)
        assert not user.active and user.password_hash is None
        assert user.email != email and "grace" not in user.email.lower()
        assert db.exec(select(Message).where(Message.recipient_user_id == user_id)).all() == []
        again = make_client().submit("/login", {"email": email, "password": factories.PASSWORD})
        assert again.status_code == 422

        applications = {
            row.stage: row
            for row in db.exec(select(Application).where(Application.graduate_id == graduate_id))
        }
        assert set(applications) == {"withdrawn", "hired"}
        assert applications["withdrawn"].cover_note == ""
        assert db.exec(select(Placement).where(Placement.graduate_id == graduate_id)).one()
        referral = db.exec(select(Referral).where(Referral.graduate_id == graduate_id)).one()
        assert referral.status == "declined" and referral.open_pair is None
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "account.deleted")).one()
        assert event.object_type == "graduate" and event.object_id == graduate_id

        pipeline = as_employer.get(f"/employer/positions/{position.id}/candidates")
        assert pipeline.status_code == 200
        assert "Grace" not in pipeline.text
        assert not privacy.employer_may_see(db, employer_user.employer.id, graduate_id)

    def test_the_audit_log_keeps_no_free_text_of_the_profile(self, as_graduate, db, graduate_user):
        form = {
            "first_name": "Grace",
            "last_name": "Hopper",
            # The roster fields as they are: a verified graduate cannot change them.
            "program": "Medical Massage Therapy (750 hours)",
            "graduation_date": "2025-06-15",
            "training_hours": "750",
            "clinical_hours": "120",
            "zip": "90001",
            "travel_radius_miles": "25",
            "bio": "My secret story",
            "visibility": "staff",
            "seeking": "seeking",
            "version": "1",
        }
        assert as_graduate.submit("/me/profile", form).status_code == 303
        assert as_graduate.submit("/me/delete", {"password": factories.PASSWORD}).status_code == 303
        for event in db.exec(select(AuditEvent)):
            text = json.dumps([event.detail, event.before, event.after])
            assert "My secret story" not in text and "grace@example.com" not in text
