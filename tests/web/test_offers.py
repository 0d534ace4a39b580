"""Offers made in the app and the employer team's private notes."""

from __future__ import annotations

import concurrent.futures
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from placement import dates
from placement.models import Application, Message, Offer, Placement, Position
from placement.worker import run_due
from tests import factories

START = (dates.today() + timedelta(days=40)).isoformat()
RESPOND_BY = (dates.today() + timedelta(days=7)).isoformat()
TERMS = {
    "job_title": "Oncology massage therapist",
    "start_date": START,
    "pay_rate": "34.50",
    "hours_per_week": "32",
    "employment_type": "part_time",
    "respond_by": RESPOND_BY,
    "note": "Welcome aboard, we hope.",
}


@pytest.fixture
def position(db: Session, employer_user: Any) -> Position:
    return factories.position(db, employer_user.employer.id, title="Oncology massage", openings=1)


@pytest.fixture
def application(db: Session, position: Position, graduate_user: Any) -> Application:
    return factories.application(db, position.id, graduate_user.graduate.id, stage="interview")


def _offer(client: Any, application: Application, **fields: str) -> Any:
    return client.submit(f"/employer/applications/{application.id}/offer", {**TERMS, **fields})


def _stage(db: Session, application: Application) -> str:
    db.expire_all()
    return db.get(Application, application.id).stage


class TestMakingAnOffer:
    def test_it_moves_to_offer_and_tells_the_graduate(
        self, as_employer: Any, as_graduate: Any, application: Application, db: Session
    ) -> None:
        assert _offer(as_employer, application).status_code == 303
        assert _stage(db, application) == "offer"
        mails = db.exec(select(Message).where(Message.kind == "offer.made")).all()
        assert len(mails) == 1 and "$34.50 an hour" in mails[0].body
        page = as_graduate.get(f"/me/applications/{application.id}").text
        assert "Oncology massage therapist" in page and "Accept the offer" in page

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"job_title": ""}, "required"),
            ({"start_date": "2020-01-01"}, "start date is in the past"),
            ({"respond_by": "2020-01-01"}, "answer date is in the past"),
            ({"pay_rate": "0"}, "from 1 to 500"),
            ({"hours_per_week": "100"}, "from 1 to 80"),
            ({"employment_type": "forever"}, "Choose one of the options"),
            ({"start_date": "31/12/2027"}, "YYYY-MM-DD"),
        ],
        ids=["title", "start-past", "respond-past", "pay", "hours", "type", "date-format"],
    )
    def test_it_refuses_bad_terms_keeping_what_was_typed(
        self,
        as_employer: Any,
        application: Application,
        db: Session,
        fields: dict[str, str],
        message: str,
    ) -> None:
        response = _offer(as_employer, application, **fields)
        assert response.status_code == 422
        assert message in response.text
        assert "Welcome aboard, we hope." in response.text
        assert db.exec(select(Offer)).all() == []

    def test_an_offer_on_a_withdrawn_application_is_refused(
        self, as_employer: Any, as_graduate: Any, application: Application, db: Session
    ) -> None:
        as_graduate.submit(f"/me/applications/{application.id}/withdraw")
        response = _offer(as_employer, application)
        assert response.status_code == 422
        assert "withdrew this application" in response.text
        assert db.exec(select(Offer)).all() == []

    def test_a_second_offer_while_one_waits_is_refused(
        self, as_employer: Any, application: Application
    ) -> None:
        _offer(as_employer, application)
        assert _offer(as_employer, application).status_code == 422

    def test_another_employer_gets_404(
        self, as_other_employer: Any, application: Application
    ) -> None:
        assert _offer(as_other_employer, application).status_code == 404

    def test_the_stage_route_refuses_hired_while_an_offer_waits(
        self, as_employer: Any, application: Application, db: Session
    ) -> None:
        _offer(as_employer, application)
        response = as_employer.submit(
            f"/employer/applications/{application.id}/stage",
            {"stage": "hired", "from_stage": "offer"},
        )
        assert response.status_code == 422
        assert "waiting for the candidate" in response.text
        assert _stage(db, application) == "offer"

    def test_the_stage_route_still_hires_on_an_offer_made_outside_the_app(
        self, as_employer: Any, db: Session, position: Position, graduate_user: Any
    ) -> None:
        outside = factories.application(db, position.id, graduate_user.graduate.id, stage="offer")
        response = as_employer.submit(
            f"/employer/applications/{outside.id}/stage", {"stage": "hired", "from_stage": "offer"}
        )
        assert response.status_code == 303


class TestAnswering:
    def test_accepting_hires_fills_the_opening_and_records_an_unverified_placement(
        self,
        as_employer: Any,
        as_graduate: Any,
        as_staff: Any,
        application: Application,
        db: Session,
        position: Position,
        employer_user: Any,
    ) -> None:
        _offer(as_employer, application)
        response = as_graduate.submit(f"/me/applications/{application.id}/offer/accept")
        assert response.status_code == 303
        assert _stage(db, application) == "hired"
        placement = db.exec(select(Placement)).one()
        assert placement.application_id == application.id
        assert placement.job_title == "Oncology massage therapist"
        assert placement.hours_per_week == 32
        assert placement.start_date.isoformat() == START
        assert placement.verified_at is None
        assert db.get(Position, position.id).status == "filled"
        mails = db.exec(select(Message).where(Message.kind == "offer.accepted")).all()
        assert [mail.recipient_email for mail in mails] == [employer_user.user.email]
        assert "Oncology massage therapist" in as_staff.get("/staff/placements").text

    def test_declining_withdraws_and_tells_the_employer(
        self, as_employer: Any, as_graduate: Any, application: Application, db: Session
    ) -> None:
        _offer(as_employer, application)
        response = as_graduate.submit(
            f"/me/applications/{application.id}/offer/decline", {"reason": "Too far away."}
        )
        assert response.status_code == 303
        assert _stage(db, application) == "withdrawn"
        offer = db.exec(select(Offer)).one()
        assert offer.status == "declined" and offer.pending_for is None
        mails = db.exec(select(Message).where(Message.kind == "offer.declined")).all()
        assert len(mails) == 1 and "Too far away." in mails[0].body

    def test_accepting_without_an_offer_is_refused(
        self, as_graduate: Any, application: Application
    ) -> None:
        response = as_graduate.submit(f"/me/applications/{application.id}/offer/accept")
        assert response.status_code == 422 and "no offer waiting" in response.text

    def test_another_graduate_gets_404(
        self, as_employer: Any, as_other_graduate: Any, application: Application
    ) -> None:
        _offer(as_employer, application)
        path = f"/me/applications/{application.id}/offer/accept"
        assert as_other_graduate.submit(path).status_code == 404

    def test_two_acceptances_at_once_take_one_opening(
        self, make_client: Any, employer_user: Any, db: Session, position: Position
    ) -> None:
        """Two graduates accept offers for the last opening at once (SQLite and PostgreSQL)."""
        people = [factories.graduate(db) for _ in range(2)]
        applications = [
            factories.application(db, position.id, person.graduate.id, stage="interview")
            for person in people
        ]
        employer = make_client()
        employer.login(employer_user.user.email)
        for row in applications:
            assert _offer(employer, row).status_code == 303
        clients = []
        for person in people:
            client = make_client()
            client.login(person.user.email)
            clients.append((client, client.csrf_token()))

        def accept(index: int) -> int:
            client, token = clients[index]
            return client.post(
                f"/me/applications/{applications[index].id}/offer/accept",
                data={"csrf_token": token},
            ).status_code

        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            codes = sorted(pool.map(accept, range(2)))
        assert codes[0] == 303 and codes[1] in (409, 422), codes
        db.expire_all()
        hired = db.exec(select(Application).where(Application.stage == "hired")).all()
        assert len(hired) == 1
        assert len(db.exec(select(Placement)).all()) == 1


class TestLapsing:
    def test_an_offer_past_respond_by_lapses_back_to_interview(
        self, app: Any, as_employer: Any, as_graduate: Any, application: Application, db: Session
    ) -> None:
        today = dates.today()
        _offer(as_employer, application, respond_by=(today + timedelta(days=1)).isoformat())
        later = datetime.now(UTC) + timedelta(days=3)
        done = run_due(app.state.engine, app.state.settings, later, only=["offers.lapse"])
        assert done["offers.lapse"] == 1
        assert _stage(db, application) == "interview"
        assert db.exec(select(Offer)).one().status == "lapsed"
        again = run_due(
            app.state.engine, app.state.settings, later, only=["offers.lapse"], force=True
        )
        assert again["offers.lapse"] == 0
        response = as_graduate.submit(f"/me/applications/{application.id}/offer/accept")
        assert response.status_code == 422

    def test_the_last_day_reminder_is_sent_once(
        self, app: Any, as_employer: Any, application: Application, db: Session
    ) -> None:
        _offer(as_employer, application, respond_by=dates.today().isoformat())
        now = datetime.now(UTC)
        for _ in range(2):
            run_due(app.state.engine, app.state.settings, now, only=["offers.last_day"], force=True)
        db.expire_all()
        assert len(db.exec(select(Message).where(Message.kind == "offer.last_day")).all()) == 1


class TestPrivateNotes:
    def test_the_team_reads_notes_the_graduate_never_sees(
        self,
        as_employer: Any,
        as_graduate: Any,
        application: Application,
        db: Session,
        employer_user: Any,
        make_client: Any,
    ) -> None:
        response = as_employer.submit(
            f"/employer/applications/{application.id}/notes",
            {"body": "Strong on lymphatic work; nervous.", "rating": "4"},
        )
        assert response.status_code == 303
        colleague = factories.user(db, email="cole@harbor.example", role="employer")
        from placement.models import EmployerMember

        db.add(EmployerMember(employer_id=employer_user.employer.id, user_id=colleague.id))
        db.commit()
        other = make_client()
        other.login(colleague.email)
        page = other.get(f"/employer/applications/{application.id}").text
        assert "Strong on lymphatic work; nervous." in page and "rating 4/5" in page
        graduate_page = as_graduate.get(f"/me/applications/{application.id}").text
        assert "Strong on lymphatic work" not in graduate_page
        export = as_graduate.get("/me/export")
        assert export.status_code == 200
        assert "Strong on lymphatic work" not in export.text
        assert "Strong on lymphatic work" not in json.dumps(
            [mail.body for mail in db.exec(select(Message)).all()]
        )

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"body": "x" * 4001}, "4,000 characters"),
            ({"body": "", "rating": ""}, "Write a note or choose a rating"),
            ({"body": "ok", "rating": "9"}, "from 1 to 5"),
        ],
        ids=["long", "empty", "rating"],
    )
    def test_it_refuses_bad_notes(
        self, as_employer: Any, application: Application, fields: dict[str, str], message: str
    ) -> None:
        response = as_employer.submit(f"/employer/applications/{application.id}/notes", fields)
        assert response.status_code == 422 and message in response.text

    def test_another_employer_gets_404(
        self, as_other_employer: Any, application: Application
    ) -> None:
        response = as_other_employer.submit(
            f"/employer/applications/{application.id}/notes", {"body": "hi"}
        )
        assert response.status_code == 404
