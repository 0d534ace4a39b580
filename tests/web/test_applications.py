"""Applying (POST /positions/{id}/apply) and the graduate's applications under /me."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from placement import dates
from placement.models import Application, ApplicationEvent, AuditEvent, Message, utcnow
from placement.services import Actor
from placement.services import applications as application_service
from tests import factories


def _count(db: Session) -> int:
    db.expire_all()
    return int(db.exec(select(func.count()).select_from(Application)).one())


@pytest.fixture
def position(db, employer_user):
    return factories.position(
        db,
        employer_user.employer.id,
        title="Lymphedema therapist",
        required_modalities=("oncology",),
    )


class TestApply:
    def test_it_creates_the_application_and_leads_to_it(
        self, as_graduate, db, graduate_user, employer_user, position
    ):
        response = as_graduate.submit(
            f"/positions/{position.id}/apply", {"cover_note": "I trained in MLD."}
        )
        assert response.status_code == 303
        application = db.exec(select(Application)).one()
        assert response.headers["location"] == f"/me/applications/{application.id}?done=applied"
        assert application.graduate_id == graduate_user.graduate.id
        assert (application.source, application.stage) == ("applied", "submitted")
        assert application.cover_note == "I trained in MLD."
        event = db.exec(select(ApplicationEvent)).one()
        assert event.to_stage == "submitted" and event.actor_user_id == graduate_user.user.id
        audit = db.exec(select(AuditEvent).where(AuditEvent.action == "application.submitted"))
        assert audit.one().object_id == application.id
        notice = db.exec(
            select(Message).where(Message.recipient_user_id == employer_user.user.id)
        ).one()
        assert "Lymphedema therapist" in notice.subject
        page = as_graduate.get(response.headers["location"])
        assert "Your application was sent" in page.text

    def test_the_employer_sees_the_candidate_in_its_pipeline(
        self, as_graduate, as_employer, db, graduate_user, position
    ):
        as_graduate.submit(f"/positions/{position.id}/apply", {"cover_note": ""})
        page = as_employer.get(f"/employer/positions/{position.id}/candidates")
        assert page.status_code == 200
        assert "Grace" in page.text

    def test_a_second_submit_leads_to_the_first_application(self, as_graduate, db, position):
        first = as_graduate.submit(f"/positions/{position.id}/apply", {"cover_note": "One"})
        second = as_graduate.submit(f"/positions/{position.id}/apply", {"cover_note": "Two"})
        assert second.status_code == 303
        application = db.exec(select(Application)).one()
        assert first.headers["location"].split("?")[0] == f"/me/applications/{application.id}"
        assert second.headers["location"] == f"/me/applications/{application.id}"
        assert application.cover_note == "One"
        assert len(db.exec(select(ApplicationEvent)).all()) == 1

    def test_two_concurrent_submits_leave_exactly_one(
        self, make_client, db, graduate_user, position
    ):
        clients = [make_client() for _ in range(2)]
        for client in clients:
            client.login(graduate_user.user.email)
        barrier = threading.Barrier(2)
        answers: list[int] = []

        def submit(client) -> None:
            token = client.csrf_token()
            barrier.wait()
            response = client.post(
                f"/positions/{position.id}/apply",
                data={"csrf_token": token, "cover_note": "at once"},
            )
            answers.append(response.status_code)

        threads = [threading.Thread(target=submit, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert answers == [303, 303]
        assert _count(db) == 1
        assert len(db.exec(select(ApplicationEvent)).all()) == 1

    def test_it_is_only_for_graduates(self, as_employer, as_staff, client, db, position):
        url = f"/positions/{position.id}/apply"
        assert as_employer.submit(url, {"cover_note": "x"}).status_code == 403
        assert as_staff.submit(url, {"cover_note": "x"}).status_code == 403
        signed_out = client.submit(url, {"cover_note": "x"})
        assert signed_out.status_code == 303
        assert signed_out.headers["location"].startswith("/login?next=")
        assert _count(db) == 0

    @pytest.mark.parametrize(
        "arrange",
        [
            {"status": "draft"},
            {"status": "pending_review"},
            {"status": "closed"},
            {"status": "filled"},
            {"closes_on": dates.today() - timedelta(days=1)},
            {"employer_status": "pending"},
            {"employer_status": "suspended"},
        ],
        ids=lambda a: "-".join(f"{k}={v}" for k, v in a.items()),
    )
    def test_it_answers_404_for_a_position_that_is_not_open(self, as_graduate, db, arrange):
        owner = factories.employer(db, status=arrange.pop("employer_status", "approved"))
        position = factories.position(db, owner.employer.id, **arrange)
        response = as_graduate.submit(f"/positions/{position.id}/apply", {"cover_note": "x"})
        assert response.status_code == 404
        assert as_graduate.get(f"/positions/{position.id}/apply").status_code == 404
        assert _count(db) == 0

    def test_it_answers_404_for_a_missing_position(self, as_graduate, db):
        assert as_graduate.submit("/positions/999999/apply", {"cover_note": ""}).status_code == 404

    @pytest.mark.parametrize(
        ("note", "message"),
        [("x" * 4001, "at most 4000 characters"), ("bad \x00 byte", "NUL")],
        ids=["too-long", "nul-byte"],
    )
    def test_it_refuses_a_bad_cover_note_and_keeps_it(
        self, as_graduate, db, position, note, message
    ):
        response = as_graduate.submit(f"/positions/{position.id}/apply", {"cover_note": note})
        assert response.status_code == 422
        assert message in response.text
        assert 'href="#field-cover_note"' in response.text
        assert note[:50].replace("\x00", "") in response.text.replace("\x00", "")
        assert _count(db) == 0

    def test_the_apply_page_offers_the_form_or_leads_to_my_application(
        self, as_graduate, db, position
    ):
        page = as_graduate.get(f"/positions/{position.id}/apply")
        assert page.status_code == 200
        assert 'name="cover_note"' in page.text and "Lymphedema therapist" in page.text
        as_graduate.submit(f"/positions/{position.id}/apply", {"cover_note": ""})
        again = as_graduate.get(f"/positions/{position.id}/apply")
        application = db.exec(select(Application)).one()
        assert again.status_code == 303
        assert again.headers["location"] == f"/me/applications/{application.id}"


class TestApplyService:
    def test_two_threads_with_their_own_sessions_leave_exactly_one(
        self, app, db, graduate_user, position, monkeypatch
    ):
        """The race at the database: both pass every "already applied?" check, one insert
        wins, the other lands on the unique constraint inside its SAVEPOINT and returns the
        winner's row instead of failing."""
        from placement.db import unit_of_work

        engine, settings = app.state.engine, app.state.settings
        graduate_id, user_id = graduate_user.graduate.id, graduate_user.user.id
        barrier = threading.Barrier(2)
        results: list[tuple[int, bool]] = []
        errors: list[BaseException] = []
        original = application_service._application_for_pair
        seen = threading.local()

        def racing_lookup(session, position_id, graduate_id):
            # The checks before the insert see no application, as in a real race.
            seen.count = getattr(seen, "count", 0) + 1
            return None if seen.count <= 2 else original(session, position_id, graduate_id)

        monkeypatch.setattr(application_service, "_application_for_pair", racing_lookup)

        def run() -> None:
            try:
                barrier.wait()
                with unit_of_work(engine) as session:
                    application, created = application_service.apply(
                        session,
                        settings,
                        graduate_id=graduate_id,
                        actor=Actor(user_id=user_id, role="graduate"),
                        position_id=position.id,
                        cover_note="race",
                    )
                    results.append((application.id or 0, created))
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert sorted(created for _, created in results) == [False, True]
        assert {application_id for application_id, _ in results} == {
            db.exec(select(Application.id)).one()
        }
        assert _count(db) == 1
        assert len(db.exec(select(ApplicationEvent)).all()) == 1


class TestApplicationList:
    def test_it_lists_my_applications_with_their_stage(
        self, as_graduate, db, graduate_user, employer_user
    ):
        first = factories.position(db, employer_user.employer.id, title="Hospice therapist")
        second = factories.position(db, employer_user.employer.id, title="Rehab therapist")
        factories.application(db, first.id, graduate_user.graduate.id, stage="screening")
        factories.application(
            db, second.id, graduate_user.graduate.id, stage="rejected", source="referred"
        )
        page = as_graduate.get("/me/applications").text
        assert "Hospice therapist" in page and "Rehab therapist" in page
        assert 'class="status screening">Screening' in page
        assert 'class="status rejected">Not selected' in page
        assert "referred" in page

    def test_it_pages_through_many_applications(
        self, as_graduate, db, graduate_user, employer_user
    ):
        for number in range(23):
            position = factories.position(db, employer_user.employer.id, title=f"Job {number:02d}")
            factories.application(db, position.id, graduate_user.graduate.id)
        first = as_graduate.get("/me/applications").text
        second = as_graduate.get("/me/applications?page=2").text
        assert first.count('class="status submitted"') == 20
        assert "Page 2" in second and second.count('class="status submitted"') == 3
        assert as_graduate.get("/me/applications?page=abc").status_code == 200
        assert as_graduate.get("/me/applications?page=99999999999").status_code == 200

    def test_it_has_a_real_empty_state(self, as_graduate):
        assert (
            "You have not applied to any position yet" in as_graduate.get("/me/applications").text
        )


class TestApplicationDetail:
    def test_it_shows_the_whole_stage_history_without_the_employers_people(
        self, as_graduate, db, graduate_user, employer_user, position
    ):
        application = factories.application(
            db, position.id, graduate_user.graduate.id, cover_note="My note"
        )
        for stage, note, reason in (
            ("screening", "We liked your MLD training.", None),
            ("rejected", "We chose someone with hospital experience.", "qualifications"),
        ):
            db.add(
                ApplicationEvent(
                    application_id=application.id,
                    from_stage="submitted",
                    to_stage=stage,
                    actor_user_id=employer_user.user.id,
                    note=note,
                    reason=reason,
                    at=utcnow(),
                )
            )
        application.stage, application.rejection_reason = "rejected", "qualifications"
        db.add(application)
        db.commit()
        page = as_graduate.get(f"/me/applications/{application.id}").text
        assert "Harbor Hospital" in page
        history = page.split('id="history-heading"')[1]
        assert (
            history.index(">Submitted<")
            < history.index(">Screening<")
            < history.index(">Not selected<")
        )
        assert "We liked your MLD training." in page
        assert "Qualifications do not match" in page
        assert "My note" in page
        assert employer_user.user.email not in page
        assert employer_user.user.name not in page
        assert "Withdraw my application" not in page


class TestWithdraw:
    def test_it_withdraws_and_tells_the_employer(
        self, as_graduate, db, graduate_user, employer_user, position
    ):
        application = factories.application(db, position.id, graduate_user.graduate.id)
        response = as_graduate.submit(f"/me/applications/{application.id}/withdraw")
        assert response.status_code == 303
        assert response.headers["location"].startswith(f"/me/applications/{application.id}")
        db.expire_all()
        assert db.get(Application, application.id).stage == "withdrawn"
        last = db.exec(
            select(ApplicationEvent).order_by(ApplicationEvent.id.desc())  # type: ignore[union-attr]
        ).first()
        assert (last.from_stage, last.to_stage) == ("submitted", "withdrawn")
        assert last.actor_user_id == graduate_user.user.id
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "application.withdrawn"))
        notice = db.exec(
            select(Message).where(Message.recipient_user_id == employer_user.user.id)
        ).one()
        assert "withdrew" in notice.subject

    @pytest.mark.parametrize("stage", ["hired", "rejected", "withdrawn"])
    def test_it_refuses_after_a_final_stage(self, as_graduate, db, graduate_user, position, stage):
        application = factories.application(db, position.id, graduate_user.graduate.id, stage=stage)
        response = as_graduate.submit(f"/me/applications/{application.id}/withdraw")
        assert response.status_code == 409
        assert "nothing to withdraw" in response.text or "already withdrawn" in response.text
        db.expire_all()
        assert db.get(Application, application.id).stage == stage
        assert len(db.exec(select(ApplicationEvent)).all()) == 1
