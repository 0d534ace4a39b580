"""The hiring conversation in Spanish (issue 18): the conversation parts of both application
pages, its refusals, and every mail in its recipient's own language — a Spanish graduate and
an English employer in the same conversation each read theirs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest
from sqlmodel import Session, select

from placement import dates
from placement.models import Application, Interview, Message
from placement.services import mail as mail_service
from placement.worker import run_due
from tests import factories

SUMMER = "2027-03-15T10:00"
DST_GAP = "2027-03-14T02:30"
TERMS = {
    "job_title": "Oncology massage therapist",
    "start_date": (dates.today() + timedelta(days=40)).isoformat(),
    "pay_rate": "34.50",
    "hours_per_week": "32",
    "employment_type": "part_time",
    "respond_by": (dates.today() + timedelta(days=7)).isoformat(),
}


@pytest.fixture
def spanish_graduate(db: Session, graduate_user: Any) -> Any:
    """Grace reads her mail in Spanish; Erin (the employer) keeps English."""
    graduate_user.user.language = "es"
    db.add(graduate_user.user)
    db.commit()
    return graduate_user


@pytest.fixture
def application(db: Session, employer_user: Any, spanish_graduate: Any) -> Application:
    position = factories.position(db, employer_user.employer.id, title="Lymphedema therapist")
    return factories.application(db, position.id, spanish_graduate.graduate.id, stage="screening")


def _spanish(client: Any) -> Any:
    assert client.get("/language/es").status_code == 303
    return client


def _propose(client: Any, application: Application, slots: list[str]) -> Any:
    return client.submit(
        f"/employer/applications/{application.id}/interviews",
        {
            "mode": "video",
            "location": "https://meet.example/abc",
            "duration_minutes": "45",
            "slots": slots,
        },
    )


def _mail(db: Session, kind: str, email: str) -> Message:
    db.expire_all()
    return db.exec(
        select(Message).where(Message.kind == kind, Message.recipient_email == email)
    ).one()


def _summary(ics: bytes) -> str:
    [event] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    return str(event["summary"])


class TestPages:
    def test_it_shows_the_graduates_conversation_in_spanish(
        self, as_employer: Any, as_graduate: Any, application: Application
    ) -> None:
        _propose(as_employer, application, [SUMMER])
        page = _spanish(as_graduate).get(f"/me/applications/{application.id}").text
        for spanish in (
            "Conversación",
            "Entre usted, Harbor Hospital y Servicios de Carrera.",
            "Todavía no hay mensajes.",
            "Escriba un mensaje",
            "Texto simple, hasta 5,000 caracteres.",
            ">Enviar<",
            "Entrevistas",
            "Propuesta",
            "Videollamada",
            "45 minutos",
            "Horarios propuestos:",
            "lun 15 mar 2027",
            "Confirmar un horario o pedir otros",
        ):
            assert spanish in page, spanish
        for english in (
            "Between you,",
            "No messages yet.",
            "Write a message",
            "Proposed times:",
            "Video call",
            "Confirm a time or ask for others",
        ):
            assert english not in page, english

    def test_it_shows_the_employers_panels_in_spanish(
        self, as_employer: Any, application: Application
    ) -> None:
        page = _spanish(as_employer).get(f"/employer/applications/{application.id}").text
        for spanish in (
            "Entre su equipo, Grace",
            "Todavía no hay entrevistas.",
            "Proponer una entrevista",
            "Horarios a proponer (de 1 a 5, hora de la escuela)",
            "Proponer estos horarios",
            "Hacer una oferta",
            "Fecha límite para responder",
            "Notas privadas",
            "Agregar la nota",
            "Sin calificación",
        ):
            assert spanish in page, spanish
        for english in (
            "Between your team",
            "Propose an interview",
            "Make an offer",
            "Private notes",
            "Add the note",
        ):
            assert english not in page, english

    def test_an_offer_reads_in_spanish(
        self, as_employer: Any, as_graduate: Any, application: Application
    ) -> None:
        assert (
            as_employer.submit(f"/employer/applications/{application.id}/offer", TERMS).status_code
            == 303
        )
        page = _spanish(as_graduate).get(f"/me/applications/{application.id}").text
        assert "Esperando respuesta" in page and "Pago: $34.50 por hora" in page
        assert "Aceptar la oferta" in page and "Accept the offer" not in page

    def test_the_dashboards_unread_list_reads_in_spanish(
        self, as_employer: Any, as_graduate: Any, application: Application
    ) -> None:
        as_employer.submit(f"/employer/applications/{application.id}/messages", {"body": "Hi"})
        dashboard = _spanish(as_graduate).get("/me").text
        assert 'aria-label="1 mensaje sin leer"' in dashboard and "1 sin leer" in dashboard
        as_graduate.get(f"/me/applications/{application.id}")
        assert "No hay mensajes sin leer." in as_graduate.get("/me").text


class TestRefusals:
    def test_a_long_message_is_refused_in_spanish(
        self, as_graduate: Any, application: Application
    ) -> None:
        response = _spanish(as_graduate).submit(
            f"/me/applications/{application.id}/messages", {"body": "x" * 5001}
        )
        assert response.status_code == 422
        assert "Un mensaje puede tener hasta 5,000 caracteres (este tiene 5,001)." in response.text
        assert "Keep a message to" not in response.text

    def test_a_time_in_the_spring_forward_gap_is_refused_in_spanish(
        self, as_employer: Any, application: Application, db: Session
    ) -> None:
        response = _propose(_spanish(as_employer), application, [DST_GAP])
        assert response.status_code == 422
        assert "no existe en America/Los_Angeles" in response.text
        assert "cuando empieza el horario de verano. Elija otra hora." in response.text
        assert "does not exist" not in response.text
        assert f'value="{DST_GAP}"' in response.text
        assert db.exec(select(Interview)).all() == []

    def test_english_readers_keep_the_english_refusal(
        self, as_employer: Any, application: Application
    ) -> None:
        response = _propose(as_employer, application, [DST_GAP])
        assert response.status_code == 422 and "does not exist" in response.text


class TestMail:
    def test_a_message_reaches_each_side_in_its_own_language(
        self,
        as_employer: Any,
        as_graduate: Any,
        application: Application,
        db: Session,
        employer_user: Any,
        spanish_graduate: Any,
    ) -> None:
        # The sender's page language does not decide the recipient's mail.
        _spanish(as_employer).submit(
            f"/employer/applications/{application.id}/messages", {"body": "Free parking."}
        )
        to_graduate = _mail(db, "message.new", spanish_graduate.user.email)
        assert to_graduate.subject == "Nuevo mensaje sobre Lymphedema therapist"
        assert to_graduate.body.startswith("Hola, Grace:")
        assert "escribió sobre la solicitud" in to_graduate.body
        assert "Léalo y responda aquí:" in to_graduate.body and "Hello" not in to_graduate.body
        as_graduate.submit(f"/me/applications/{application.id}/messages", {"body": "Thanks!"})
        to_employer = _mail(db, "message.new", employer_user.user.email)
        assert to_employer.subject == "New message about Lymphedema therapist"
        assert "wrote about the application" in to_employer.body

    def test_interview_mails_and_calendars_follow_each_recipient(
        self,
        as_employer: Any,
        as_graduate: Any,
        application: Application,
        db: Session,
        employer_user: Any,
        spanish_graduate: Any,
    ) -> None:
        assert _propose(as_employer, application, [SUMMER]).status_code == 303
        proposed = _mail(db, "interview.proposed", spanish_graduate.user.email)
        assert proposed.subject == (
            "Horarios de entrevista para Lymphedema therapist en Harbor Hospital"
        )
        assert "desea entrevistarlo para Lymphedema therapist (videollamada, 45 minutos)" in (
            proposed.body
        )
        assert "lun 15 mar 2027" in proposed.body and "would like" not in proposed.body
        interview = db.exec(select(Interview)).one()
        as_graduate.submit(f"/me/interviews/{interview.id}/confirm", {"slot": SUMMER})
        spanish = _mail(db, "interview.confirmed", spanish_graduate.user.email)
        english = _mail(db, "interview.confirmed", employer_user.user.email)
        assert spanish.subject.startswith("Entrevista confirmada: Lymphedema therapist, lun 15")
        assert "está confirmada para el" in spanish.body
        assert "El archivo de calendario va adjunto." in spanish.body
        assert english.subject.startswith("Interview confirmed: Lymphedema therapist, Mon 15")
        assert "is confirmed for" in english.body and "confirmada" not in english.body
        [(_, _, spanish_ics)] = mail_service.attachments_of(db, spanish.id or 0)
        [(_, _, english_ics)] = mail_service.attachments_of(db, english.id or 0)
        assert _summary(spanish_ics) == "Entrevista: Lymphedema therapist en Harbor Hospital"
        assert _summary(english_ics) == "Interview: Lymphedema therapist at Harbor Hospital"
        # The download follows the viewer's language; the event itself is the same one.
        download = _spanish(as_graduate).get(f"/interviews/{interview.id}.ics")
        assert _summary(download.content) == "Entrevista: Lymphedema therapist en Harbor Hospital"
        [event] = icalendar.Calendar.from_ical(download.content).walk("VEVENT")
        assert str(event["uid"]) == interview.uid

    def test_offer_mails_follow_each_recipient(
        self,
        as_employer: Any,
        as_graduate: Any,
        application: Application,
        db: Session,
        employer_user: Any,
        spanish_graduate: Any,
    ) -> None:
        as_employer.submit(f"/employer/applications/{application.id}/offer", TERMS)
        made = _mail(db, "offer.made", spanish_graduate.user.email)
        assert made.subject == "Una oferta: Oncology massage therapist en Harbor Hospital"
        assert "Harbor Hospital le ofrece el puesto de Oncology massage therapist." in made.body
        assert "Pago: $34.50 por hora" in made.body and "Responda a más tardar el" in made.body
        assert "an hour" not in made.body
        as_graduate.submit(f"/me/applications/{application.id}/offer/accept")
        accepted = _mail(db, "offer.accepted", employer_user.user.email)
        assert accepted.subject == "Grace Hopper accepted your offer: Oncology massage therapist"
        assert accepted.body.startswith("Hello ")

    def test_a_cancelled_interview_is_told_to_each_in_their_language(
        self,
        as_employer: Any,
        as_graduate: Any,
        application: Application,
        db: Session,
        employer_user: Any,
        spanish_graduate: Any,
    ) -> None:
        _propose(as_employer, application, [SUMMER])
        interview = db.exec(select(Interview)).one()
        as_graduate.submit(f"/me/interviews/{interview.id}/confirm", {"slot": SUMMER})
        as_employer.submit(f"/employer/interviews/{interview.id}/cancel", {"reason": "Closed."})
        spanish = _mail(db, "interview.cancelled", spanish_graduate.user.email)
        english = _mail(db, "interview.cancelled", employer_user.user.email)
        assert spanish.subject == "Entrevista cancelada: Lymphedema therapist"
        assert "Harbor Hospital canceló la entrevista" in spanish.body
        assert "Motivo: Closed." in spanish.body
        assert english.subject == "Interview cancelled: Lymphedema therapist"
        assert "Reason: Closed." in english.body

    def test_the_workers_remind_each_in_their_language(
        self,
        app: Any,
        as_employer: Any,
        as_graduate: Any,
        application: Application,
        db: Session,
        employer_user: Any,
        spanish_graduate: Any,
    ) -> None:
        _propose(as_employer, application, [SUMMER])
        interview = db.exec(select(Interview)).one()
        as_graduate.submit(f"/me/interviews/{interview.id}/confirm", {"slot": SUMMER})
        start = datetime(2027, 3, 15, 17, 0, tzinfo=UTC)
        engine, settings = app.state.engine, app.state.settings
        run_due(
            engine, settings, start - timedelta(hours=20), only=["interviews.remind"], force=True
        )
        spanish = _mail(db, "interview.reminder", spanish_graduate.user.email)
        english = _mail(db, "interview.reminder", employer_user.user.email)
        assert spanish.subject.startswith("Mañana: entrevista para Lymphedema therapist, lun 15")
        assert spanish.body.startswith("Hola, Grace:") and "Un recordatorio:" in spanish.body
        assert english.subject.startswith("Tomorrow: interview for Lymphedema therapist, Mon 15")
        as_employer.submit(
            f"/employer/applications/{application.id}/offer",
            {**TERMS, "respond_by": dates.today().isoformat()},
        )
        run_due(engine, settings, datetime.now(UTC), only=["offers.last_day"], force=True)
        last_day = _mail(db, "offer.last_day", spanish_graduate.user.email)
        assert last_day.subject == (
            "Hoy es el último día para responder: Oncology massage therapist"
        )
        assert "espera su respuesta hoy" in last_day.body

    def test_a_spanish_employer_reads_the_graduates_answers_in_spanish(
        self,
        as_employer: Any,
        as_graduate: Any,
        application: Application,
        db: Session,
        employer_user: Any,
    ) -> None:
        employer_user.user.language = "es"
        db.add(employer_user.user)
        db.commit()
        _propose(as_employer, application, [SUMMER])
        interview = db.exec(select(Interview)).one()
        as_graduate.submit(f"/me/interviews/{interview.id}/decline", {"note": "Mornings?"})
        changed = _mail(db, "interview.changed", employer_user.user.email)
        assert changed.subject == "Grace Hopper pide otros horarios de entrevista"
        assert "Su nota: Mornings?" in changed.body and "Proponga otros horarios" in changed.body
        as_employer.submit(f"/employer/applications/{application.id}/offer", TERMS)
        as_graduate.submit(
            f"/me/applications/{application.id}/offer/decline", {"reason": "Too far."}
        )
        declined = _mail(db, "offer.declined", employer_user.user.email)
        assert declined.subject == "Grace Hopper rechazó su oferta: Oncology massage therapist"
        assert "la solicitud queda retirada" in declined.body and "Su motivo: Too far." in (
            declined.body
        )
