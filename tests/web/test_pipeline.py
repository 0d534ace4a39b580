"""The candidate pipeline: the candidates page, stage moves, hires, the résumé download."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from placement import dates
from placement.models import (
    Application,
    ApplicationEvent,
    AuditEvent,
    Graduate,
    Message,
    Placement,
    Position,
)
from placement.services import pipeline
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def position(db, employer_user):
    return factories.position(
        db,
        employer_user.employer.id,
        title="Oncology massage therapist",
        required_modalities=("oncology",),
        required_credentials=("camtc",),
    )


@pytest.fixture
def applicant(db, position, graduate_user):
    graduate = graduate_user.graduate
    graduate.outcome_note = "Staff only: struggled with the clinical exam."
    db.add(graduate)
    db.commit()
    factories.modality(db, graduate.id, "oncology", 3)
    factories.credential(db, graduate.id, "camtc", expires_on=dates.today() + timedelta(days=200))
    factories.credential(
        db, graduate.id, "bls_cpr", expires_on=dates.today() - timedelta(days=3), verified=False
    )
    return factories.application(db, position.id, graduate.id, cover_note="I love this work.")


def move(client, application_id, stage, **fields):
    return client.submit(
        f"/employer/applications/{application_id}/stage", {"stage": stage, **fields}
    )


def stage_of(db, application_id):
    db.expire_all()
    return db.get(Application, application_id).stage


class TestLegalMoves:
    def test_the_table_follows_the_contract(self):
        assert pipeline.LEGAL_MOVES["submitted"] == ("screening", "interview", "rejected")
        assert pipeline.LEGAL_MOVES["offer"] == ("hired", "rejected")
        assert set(pipeline.FINAL_STAGES) == {"hired", "rejected", "withdrawn"}
        assert not any("withdrawn" in moves for moves in pipeline.LEGAL_MOVES.values())


class TestCandidatesPage:
    def test_it_shows_what_the_employer_may_see(self, as_employer, position, applicant):
        page = as_employer.get(f"/employer/positions/{position.id}/candidates")
        assert page.status_code == 200
        for text in (
            "Grace Hopper",
            "Applied",
            "I love this work.",
            "Oncology massage · 3",
            "CAMTC certification (California) (CA) · verified",
            "BLS/CPR (CA) · not verified · expired",
            "Why this score",
            "Clinical hours on the school record",
        ):
            assert text in page.text, text
        assert "struggled with the clinical exam" not in page.text
        assert "750 training" not in page.text  # hours are school records

    def test_it_has_an_empty_state(self, as_employer, position):
        page = as_employer.get(f"/employer/positions/{position.id}/candidates")
        assert "Nobody has applied yet" in page.text

    def test_it_shows_the_history_with_who_and_when(
        self, as_employer, db, applicant, employer_user
    ):
        move(as_employer, applicant.id, "screening", note="Phone call booked for Monday.")
        page = as_employer.get(f"/employer/applications/{applicant.id}")
        assert page.status_code == 200
        assert "Phone call booked for Monday." in page.text
        assert employer_user.user.name in page.text


class TestStageMoves:
    def test_it_moves_a_candidate_and_tells_them(self, as_employer, db, applicant, graduate_user):
        response = move(as_employer, applicant.id, "interview", note="Tuesday at 10.")
        assert response.status_code == 303
        assert response.headers["location"] == (
            f"/employer/applications/{applicant.id}?done=moved&detail=interview"
        )
        assert stage_of(db, applicant.id) == "interview"
        event = db.exec(
            select(ApplicationEvent).where(ApplicationEvent.to_stage == "interview")
        ).one()
        assert (event.from_stage, event.note) == ("submitted", "Tuesday at 10.")
        message = db.exec(
            select(Message).where(Message.recipient_user_id == graduate_user.user.id)
        ).one()
        assert "interview" in message.body and "Tuesday at 10." in message.body
        assert db.exec(
            select(AuditEvent).where(AuditEvent.action == "application.stage_changed")
        ).one()

    @pytest.mark.parametrize(
        ("start", "target"),
        [
            ("submitted", "offer"),
            ("submitted", "hired"),
            ("screening", "submitted"),
            ("interview", "hired"),
            ("submitted", "withdrawn"),
            ("hired", "rejected"),
            ("rejected", "screening"),
            ("withdrawn", "interview"),
        ],
    )
    def test_it_refuses_illegal_moves(self, as_employer, db, position, start, target):
        graduate = factories.graduate(db)
        application = factories.application(db, position.id, graduate.graduate.id, stage=start)
        page = move(as_employer, application.id, target, reason="other")
        assert page.status_code == 422
        assert 'id="error-stage"' in page.text
        assert stage_of(db, application.id) == start
        assert db.exec(select(Message)).all() == []

    def test_it_refuses_an_unknown_stage(self, as_employer, db, applicant):
        page = move(as_employer, applicant.id, "promoted")
        assert page.status_code == 422
        assert stage_of(db, applicant.id) == "submitted"

    def test_a_rejection_needs_a_reason_the_graduate_sees(
        self, as_employer, db, applicant, graduate_user
    ):
        page = move(as_employer, applicant.id, "rejected", note="Thank you.")
        assert page.status_code == 422
        assert "Choose the reason" in page.text
        assert "Thank you.</textarea>" in page.text
        assert move(as_employer, applicant.id, "rejected", reason="sometimes").status_code == 422
        response = move(as_employer, applicant.id, "rejected", reason="schedule")
        assert response.status_code == 303
        db.expire_all()
        application = db.get(Application, applicant.id)
        assert (application.stage, application.rejection_reason) == ("rejected", "schedule")
        message = db.exec(
            select(Message).where(Message.recipient_user_id == graduate_user.user.id)
        ).one()
        assert "Schedule does not fit" in message.body

    def test_two_clicks_give_one_result(self, as_employer, db, applicant):
        first = move(as_employer, applicant.id, "screening", from_stage="submitted")
        second = move(as_employer, applicant.id, "screening", from_stage="submitted")
        assert first.status_code == 303 and second.status_code == 409
        events = db.exec(
            select(ApplicationEvent).where(ApplicationEvent.application_id == applicant.id)
        ).all()
        assert [e.to_stage for e in events] == ["submitted", "screening"]

    def test_it_returns_to_the_candidates_list_when_asked(self, as_employer, applicant, position):
        response = move(as_employer, applicant.id, "screening", back="candidates")
        assert response.headers["location"] == (
            f"/employer/positions/{position.id}/candidates?done=moved&detail=screening"
            f"#application-{applicant.id}"
        )


class TestHiring:
    def test_a_hire_records_an_unverified_placement(
        self, as_employer, db, applicant, position, employer_user
    ):
        for stage in ("interview", "offer", "hired"):
            assert move(as_employer, applicant.id, stage).status_code == 303
        placement = db.exec(select(Placement)).one()
        assert placement.graduate_id == applicant.graduate_id
        assert placement.application_id == applicant.id
        assert placement.position_id == position.id
        assert placement.employer_id == employer_user.employer.id
        assert placement.employer_name == "Harbor Hospital"
        assert placement.job_title == "Oncology massage therapist"
        assert placement.field == "in_field"
        assert placement.verification_method is None
        assert placement.verified_at is None
        assert placement.created_by == employer_user.user.id
        db.expire_all()
        graduate = db.get(Graduate, applicant.graduate_id)
        assert (graduate.outcome_status, graduate.seeking) == ("placed", "placed")

    def test_hires_fill_the_openings(self, as_employer, db, employer_user, client):
        position = factories.position(db, employer_user.employer.id, openings=2)
        first, second, waiting, done = (
            factories.application(db, position.id, factories.graduate(db).graduate.id, stage=stage)
            for stage in ("offer", "offer", "screening", "withdrawn")
        )
        assert move(as_employer, first.id, "hired").status_code == 303
        db.expire_all()
        assert db.get(Position, position.id).status == "open"
        response = move(as_employer, second.id, "hired", back="candidates")
        assert "done=filled" in response.headers["location"]
        db.expire_all()
        assert db.get(Position, position.id).status == "filled"
        assert client.get(f"/positions/{position.id}").status_code == 404
        told = db.get(Application, waiting.id)
        assert (told.stage, told.rejection_reason) == ("rejected", "position_filled")
        assert db.get(Application, done.id).stage == "withdrawn"
        assert len(db.exec(select(Placement)).all()) == 2

    def test_it_refuses_a_hire_beyond_the_openings(self, as_employer, db, employer_user):
        position = factories.position(db, employer_user.employer.id, openings=1)
        factories.application(db, position.id, factories.graduate(db).graduate.id, stage="hired")
        late = factories.application(
            db, position.id, factories.graduate(db).graduate.id, stage="offer"
        )
        page = move(as_employer, late.id, "hired")
        assert page.status_code == 422
        assert "openings" in page.text
        assert stage_of(db, late.id) == "offer"


class TestResume:
    def test_it_downloads_the_applicants_resume(self, as_employer, db, applicant, settings):
        settings.upload_dir.mkdir(parents=True, exist_ok=True)
        stored = "0123456789abcdef0123456789abcdef.pdf"
        (settings.upload_dir / stored).write_bytes(PDF)
        graduate = db.get(Graduate, applicant.graduate_id)
        graduate.resume_file, graduate.resume_name = stored, 'Grace "CV" 2026.pdf'
        db.add(graduate)
        db.commit()
        response = as_employer.get(f"/employer/applications/{applicant.id}/resume")
        assert response.status_code == 200
        assert response.content == PDF
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["content-disposition"].startswith("attachment;")
        fallback = response.headers["content-disposition"].split('filename="')[1].split('";')[0]
        assert '"' not in fallback
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"

    def test_it_answers_404_without_a_resume(self, as_employer, applicant):
        assert as_employer.get(f"/employer/applications/{applicant.id}/resume").status_code == 404

    def test_it_refuses_a_stored_name_outside_the_upload_folder(
        self, as_employer, db, applicant, settings
    ):
        graduate = db.get(Graduate, applicant.graduate_id)
        graduate.resume_file = "../../etc/passwd"
        db.add(graduate)
        db.commit()
        assert as_employer.get(f"/employer/applications/{applicant.id}/resume").status_code == 404


class TestNewApplicationNotice:
    def test_it_tells_every_active_member(self, db, app, applicant, employer_user):
        sent = pipeline.notify_new_application(db, app.state.settings, applicant)
        db.commit()
        assert sent == 1
        message = db.exec(
            select(Message).where(Message.recipient_user_id == employer_user.user.id)
        ).one()
        assert "Grace Hopper" in message.subject
        assert f"/employer/applications/{applicant.id}" in message.body
