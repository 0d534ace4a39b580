"""Interviews: proposing times, confirming one, the calendar file, cancelling, reminders."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest
from sqlmodel import Session, select

from placement import localtime
from placement.db import unit_of_work
from placement.models import Application, Interview, InterviewSlot, Message
from placement.services import interviews as interview_service
from placement.services import mail as mail_service
from placement.worker import run_due
from tests import factories

# In America/Los_Angeles: winter (PST, UTC-8) and summer (PDT, UTC-7) of 2027.
WINTER = "2027-01-12T10:00"
SUMMER = "2027-03-15T10:00"


@pytest.fixture
def application(db: Session, employer_user: Any, graduate_user: Any) -> Application:
    position = factories.position(db, employer_user.employer.id, title="Lymphedema therapist")
    return factories.application(db, position.id, graduate_user.graduate.id, stage="screening")


def _propose(client: Any, application: Application, slots: list[str], **fields: Any) -> Any:
    data = {
        "mode": "video",
        "location": "https://meet.example/abc",
        "duration_minutes": "45",
        "note": "Bring your licence.",
        "slots": slots,
        **fields,
    }
    return client.submit(f"/employer/applications/{application.id}/interviews", data)


def _interview(db: Session) -> Interview:
    db.expire_all()
    found = db.exec(select(Interview)).one()
    return found


def _mails(db: Session, kind: str) -> list[Message]:
    db.expire_all()
    return list(db.exec(select(Message).where(Message.kind == kind)).all())


def _event(ics: bytes) -> Any:
    calendar = icalendar.Calendar.from_ical(ics)
    events = [part for part in calendar.walk("VEVENT")]
    assert len(events) == 1
    return events[0]


class TestProposing:
    def test_it_stores_the_times_in_utc_and_tells_the_graduate(
        self, as_employer: Any, application: Application, db: Session, graduate_user: Any
    ) -> None:
        response = _propose(as_employer, application, [WINTER, SUMMER])
        assert response.status_code == 303
        interview = _interview(db)
        starts = db.exec(
            select(InterviewSlot.starts_at).where(InterviewSlot.interview_id == interview.id)
        ).all()
        assert sorted(start.astimezone(UTC) for start in starts) == [
            datetime(2027, 1, 12, 18, 0, tzinfo=UTC),
            datetime(2027, 3, 15, 17, 0, tzinfo=UTC),
        ]
        mails = _mails(db, "interview.proposed")
        assert [mail.recipient_email for mail in mails] == [graduate_user.user.email]
        assert "://testserver/me/interviews" in mails[0].body
        assert "PST" in mails[0].body and "PDT" in mails[0].body

    @pytest.mark.parametrize(
        ("slots", "fields", "message"),
        [
            (["2020-01-01T10:00"], {}, "is in the past"),
            (
                [
                    WINTER,
                    SUMMER,
                    "2027-01-13T10:00",
                    "2027-01-14T10:00",
                    "2027-01-15T10:00",
                    "2027-01-16T10:00",
                ],
                {},
                "at most 5 times",
            ),
            (["2027-03-14T02:30"], {}, "does not exist"),
            (["2027-11-07T01:30"], {}, "happens twice"),
            ([], {}, "at least one time"),
            (["next tuesday"], {}, "YYYY-MM-DDTHH:MM"),
            ([WINTER], {"duration_minutes": "500"}, "from 15 to 480"),
            ([WINTER], {"duration_minutes": "10"}, "from 15 to 480"),
            ([WINTER], {"mode": "carrier_pigeon"}, "Choose one of the options"),
            ([WINTER], {"location": ""}, "required"),
        ],
        ids=[
            "past",
            "six-slots",
            "dst-gap",
            "dst-repeat",
            "none",
            "garbled",
            "too-long",
            "too-short",
            "mode",
            "location",
        ],
    )
    def test_it_refuses_bad_input_keeping_what_was_typed(
        self,
        as_employer: Any,
        application: Application,
        db: Session,
        slots: list[str],
        fields: dict[str, str],
        message: str,
    ) -> None:
        response = _propose(as_employer, application, slots, **fields)
        assert response.status_code == 422
        assert message in response.text
        for slot in slots:
            assert f'value="{slot}"' in response.text
        assert "Bring your licence." in response.text
        assert db.exec(select(Interview)).all() == []

    def test_it_refuses_a_withdrawn_application(
        self, as_employer: Any, application: Application, db: Session
    ) -> None:
        application.stage = "withdrawn"
        db.add(application)
        db.commit()
        response = _propose(as_employer, application, [WINTER])
        assert response.status_code == 422 and "withdrawn" in response.text

    def test_another_employer_gets_404(
        self, as_other_employer: Any, application: Application
    ) -> None:
        assert _propose(as_other_employer, application, [WINTER]).status_code == 404


class TestConfirming:
    def test_it_confirms_moves_to_interview_and_mails_both_with_the_calendar(
        self,
        as_employer: Any,
        as_graduate: Any,
        application: Application,
        db: Session,
        employer_user: Any,
        graduate_user: Any,
    ) -> None:
        _propose(as_employer, application, [WINTER, SUMMER])
        interview = _interview(db)
        page = as_graduate.get("/me/interviews")
        assert page.status_code == 200 and 'value="2027-03-15T10:00"' in page.text
        response = as_graduate.submit(f"/me/interviews/{interview.id}/confirm", {"slot": SUMMER})
        assert response.status_code == 303
        db.expire_all()
        assert db.get(Application, application.id).stage == "interview"
        mails = _mails(db, "interview.confirmed")
        assert sorted(mail.recipient_email for mail in mails) == sorted(
            [graduate_user.user.email, employer_user.user.email]
        )
        assert all(f"/interviews/{interview.id}.ics" in mail.body for mail in mails)
        for mail in mails:
            [(filename, content_type, content)] = mail_service.attachments_of(db, mail.id)
            assert filename.endswith(".ics") and content_type.startswith("text/calendar")
            attached = _event(content)
            assert attached.decoded("dtstart") == datetime(2027, 3, 15, 17, 0, tzinfo=UTC)
            assert str(attached["uid"]) == interview.uid
        for client in (as_graduate, as_employer):
            download = client.get(f"/interviews/{interview.id}.ics")
            assert download.status_code == 200
            assert download.headers["content-type"].startswith("text/calendar")
            event = _event(download.content)
            assert event.decoded("dtstart") == datetime(2027, 3, 15, 17, 0, tzinfo=UTC)
            assert event.decoded("dtend") == datetime(2027, 3, 15, 17, 45, tzinfo=UTC)
            assert str(event["uid"]) == interview.uid
            assert int(event["sequence"]) == 1
            assert str(event["status"]) == "CONFIRMED"
            assert "Lymphedema therapist" in str(event["summary"])
            assert str(event["location"]) == "https://meet.example/abc"
        assert "Confirmed" in as_graduate.get("/me/interviews").text

    def test_winter_times_are_eight_hours_behind_utc(
        self, as_employer: Any, as_graduate: Any, application: Application, db: Session
    ) -> None:
        _propose(as_employer, application, [WINTER])
        interview = _interview(db)
        as_graduate.submit(f"/me/interviews/{interview.id}/confirm", {"slot": WINTER})
        event = _event(as_graduate.get(f"/interviews/{interview.id}.ics").content)
        assert event.decoded("dtstart") == datetime(2027, 1, 12, 18, 0, tzinfo=UTC)

    def test_a_time_that_was_not_proposed_is_refused(
        self, as_employer: Any, as_graduate: Any, application: Application, db: Session
    ) -> None:
        _propose(as_employer, application, [WINTER])
        interview = _interview(db)
        response = as_graduate.submit(
            f"/me/interviews/{interview.id}/confirm", {"slot": "2027-01-12T11:00"}
        )
        assert response.status_code == 422
        assert "is not one of the proposed times" in response.text
        assert _interview(db).status == "proposed"

    def test_no_choice_is_refused(
        self, as_employer: Any, as_graduate: Any, application: Application, db: Session
    ) -> None:
        _propose(as_employer, application, [WINTER])
        interview = _interview(db)
        response = as_graduate.submit(f"/me/interviews/{interview.id}/confirm", {})
        assert response.status_code == 422 and "Choose one of the proposed times" in response.text

    def test_asking_for_other_times_tells_the_employer(
        self,
        as_employer: Any,
        as_graduate: Any,
        application: Application,
        db: Session,
        employer_user: Any,
    ) -> None:
        _propose(as_employer, application, [WINTER])
        interview = _interview(db)
        response = as_graduate.submit(
            f"/me/interviews/{interview.id}/decline", {"note": "Mornings after 9 work."}
        )
        assert response.status_code == 303
        assert _interview(db).status == "declined"
        mails = _mails(db, "interview.changed")
        assert [mail.recipient_email for mail in mails] == [employer_user.user.email]
        assert "Mornings after 9 work." in mails[0].body
        assert (
            "Mornings after 9 work."
            in as_employer.get(f"/employer/applications/{application.id}").text
        )

    def test_another_graduate_gets_404(
        self, as_employer: Any, as_other_graduate: Any, application: Application, db: Session
    ) -> None:
        _propose(as_employer, application, [WINTER])
        interview = _interview(db)
        response = as_other_graduate.submit(
            f"/me/interviews/{interview.id}/confirm", {"slot": WINTER}
        )
        assert response.status_code == 404


class TestCalendarAccess:
    @pytest.fixture
    def confirmed(
        self, as_employer: Any, as_graduate: Any, application: Application, db: Session
    ) -> Interview:
        _propose(as_employer, application, [WINTER])
        interview = _interview(db)
        as_graduate.submit(f"/me/interviews/{interview.id}/confirm", {"slot": WINTER})
        return interview

    def test_outsiders_get_404(
        self,
        confirmed: Interview,
        as_other_graduate: Any,
        as_other_employer: Any,
        as_staff: Any,
    ) -> None:
        for client in (as_other_graduate, as_other_employer, as_staff):
            assert client.get(f"/interviews/{confirmed.id}.ics").status_code == 404
        assert as_staff.get("/interviews/999999.ics").status_code == 404

    def test_signed_out_is_sent_to_sign_in(self, confirmed: Interview, client: Any) -> None:
        response = client.get(f"/interviews/{confirmed.id}.ics")
        assert response.status_code == 303 and "/login" in response.headers["location"]

    def test_cancelling_keeps_the_uid_raises_the_sequence_and_says_cancelled(
        self,
        confirmed: Interview,
        as_employer: Any,
        as_graduate: Any,
        db: Session,
        graduate_user: Any,
    ) -> None:
        path = f"/employer/interviews/{confirmed.id}/cancel"
        refused = as_employer.submit(path, {"reason": "   "})
        assert refused.status_code == 422 and "required" in refused.text
        assert as_employer.submit(path, {"reason": "The ward is closed."}).status_code == 303
        event = _event(as_graduate.get(f"/interviews/{confirmed.id}.ics").content)
        assert str(event["uid"]) == confirmed.uid
        assert int(event["sequence"]) == 2
        assert str(event["status"]) == "CANCELLED"
        mails = _mails(db, "interview.cancelled")
        assert graduate_user.user.email in [mail.recipient_email for mail in mails]
        assert all("The ward is closed." in mail.body for mail in mails)
        again = as_employer.submit(path, {"reason": "Twice"})
        assert again.status_code == 422 and "already cancelled" in again.text


class TestReminders:
    def _confirmed_at(self, db: Session, application: Application, start: datetime) -> Interview:
        interview = Interview(
            application_id=application.id,
            uid="interview-test@example",
            mode="phone",
            location="(562) 555-0100",
            duration_minutes=30,
            status="confirmed",
            confirmed_start=start,
            sequence=1,
        )
        db.add(interview)
        db.commit()
        return interview

    def test_the_worker_reminds_both_the_day_before_once(
        self, app: Any, application: Application, db: Session, settings: Any
    ) -> None:
        start = datetime.now(UTC) + timedelta(days=3)
        self._confirmed_at(db, application, start)
        engine = app.state.engine
        early = run_due(engine, settings, start - timedelta(days=2), only=["interviews.remind"])
        assert early["interviews.remind"] == 0
        done = run_due(
            engine, settings, start - timedelta(hours=20), only=["interviews.remind"], force=True
        )
        assert done["interviews.remind"] == 1
        assert len(_mails(db, "interview.reminder")) == 2  # the graduate and the one member
        again = run_due(
            engine, settings, start - timedelta(hours=19), only=["interviews.remind"], force=True
        )
        assert again["interviews.remind"] == 0
        assert len(_mails(db, "interview.reminder")) == 2

    def test_two_workers_at_once_send_it_once(
        self, app: Any, application: Application, db: Session, settings: Any
    ) -> None:
        start = datetime.now(UTC) + timedelta(hours=10)
        self._confirmed_at(db, application, start)
        now = datetime.now(UTC)
        barrier = threading.Barrier(2)
        results: list[int] = []

        def work() -> None:
            barrier.wait()
            with unit_of_work(app.state.engine) as session:
                results.append(interview_service.send_reminders(session, settings, now))

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == [0, 1]
        assert len(_mails(db, "interview.reminder")) == 2


def test_parse_local_is_what_the_form_reads(settings: Any) -> None:
    assert localtime.parse_local(SUMMER, settings) == datetime(2027, 3, 15, 17, 0, tzinfo=UTC)
