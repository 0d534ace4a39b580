"""The employer side and the match explanations in Spanish (issue 18): the employer's pages,
a position-form refusal and a notice; "how you match" and the dashboard's coaching in the
graduate's language (and English for an English reader of the same position); the stage-change
and invitation mails in the graduate's own language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from placement import dates, i18n
from placement.localtime import format_date
from placement.models import Message, Position
from placement.services import Actor, approvals, pipeline
from tests import factories

SPANISH = {"Accept-Language": "es"}


def _spanish(client: Any) -> Any:
    assert client.get("/language/es").status_code == 303
    return client


def _mail(db: Session, kind: str, email: str) -> Message:
    db.expire_all()
    return db.exec(
        select(Message).where(Message.kind == kind, Message.recipient_email == email)
    ).one()


def _followed(client: Any, response: Any) -> str:
    assert response.status_code == 303, response.text[:300]
    return str(client.get(response.headers["location"]).text)


def _in_spanish(value: Any) -> str:
    with i18n.using("es"):
        return format_date(value)


@pytest.fixture
def position(db: Session, employer_user: Any) -> Position:
    return factories.position(db, employer_user.employer.id, title="Oncology massage therapist")


@pytest.fixture
def spanish_graduate(db: Session, graduate_user: Any) -> Any:
    graduate_user.user.language = "es"
    db.add(graduate_user.user)
    db.commit()
    return graduate_user


def _form(**fields: str) -> dict[str, Any]:
    start = dates.today() + timedelta(days=60)
    return {
        "title": "Hospice massage therapist",
        "description": "Comfort care on the hospice floor.",
        "setting": "hospice",
        "employment_type": "part_time",
        "pay_min": "30",
        "pay_max": "38",
        "zip": "90012",
        "start_date": start.isoformat(),
        "openings": "2",
        "min_training_hours": "500",
        "closes_on": (start - timedelta(days=10)).isoformat(),
        "action": "submit",
        **fields,
    }


class TestEmployerPages:
    def test_it_shows_the_dashboard_in_spanish(self, as_employer: Any, position: Position) -> None:
        page = as_employer.get("/employer", headers=SPANISH).text
        for spanish in ("Publicar un puesto", "Vacantes", "Candidatos", "Notificaciones"):
            assert spanish in page, spanish
        for english in (
            "Post a position",
            "In progress",
            "Mark all as read",
            "Organisation details",
        ):
            assert english not in page, english

    @pytest.mark.parametrize(
        ("path", "spanish", "english"),
        [
            ("/employer/positions/new", "Enviar a revisión", "Submit for review"),
            ("/employer/positions/{id}", "Cerrar el puesto", "Close the position"),
            ("/employer/positions/{id}/candidates", "Nadie se ha postulado todavía", "Nobody has"),
            ("/employer/positions/{id}/matches", "Egresados que coinciden con", "Graduates who"),
            ("/employer/organization", "Datos de la organización", "Organisation details"),
            ("/employer/team", "Invitar a un colega", "Invite a colleague"),
        ],
    )
    def test_each_page_reads_in_spanish(
        self, as_employer: Any, position: Position, path: str, spanish: str, english: str
    ) -> None:
        page = as_employer.get(path.format(id=position.id), headers=SPANISH)
        assert page.status_code == 200
        assert spanish in page.text
        assert english not in page.text

    def test_a_position_form_refusal_is_in_spanish(self, as_employer: Any) -> None:
        _spanish(as_employer)
        page = as_employer.submit("/employer/positions/new", _form(pay_min="40", pay_max="30"))
        assert page.status_code == 422
        assert "El pago más alto ($30) es menor que el más bajo ($40)." in page.text
        assert "is below the lowest" not in page.text

    def test_the_notice_after_saving_is_in_spanish(self, as_employer: Any) -> None:
        _spanish(as_employer)
        saved = as_employer.submit("/employer/positions/new", _form(action="draft"))
        page = _followed(as_employer, saved)
        assert "Guardado como borrador. Nadie más lo ve hasta que lo envíe a revisión." in page
        assert "Saved as a draft" not in page

    def test_the_team_invitation_notice_is_in_spanish(self, as_employer: Any) -> None:
        _spanish(as_employer)
        sent = as_employer.submit(
            "/employer/team", {"name": "Ana Ruiz", "email": "ana@harbor.example"}
        )
        page = _followed(as_employer, sent)
        assert "La invitación está en camino." in page
        assert "The invitation is on its way" not in page

    def test_the_same_pages_stay_english_by_default(self, as_employer: Any) -> None:
        saved = as_employer.submit("/employer/positions/new", _form(action="draft"))
        page = _followed(as_employer, saved)
        assert "Saved as a draft. Nobody else sees it until you submit it." in page
        assert "Post a position" in as_employer.get("/employer").text


class TestHowYouMatch:
    @pytest.fixture
    def expiring(self, db: Session, graduate_user: Any, position: Position) -> Any:
        """BLS/CPR expires ten days before the position starts."""
        factories.credential(
            db,
            graduate_user.graduate.id,
            "bls_cpr",
            expires_on=(position.start_date or dates.today()) - timedelta(days=10),
        )
        return factories.position(
            db,
            position.employer_id,
            title="Hospice comfort care",
            required_credentials=("bls_cpr",),
        )

    def test_the_reason_reads_in_spanish(self, as_graduate: Any, expiring: Position) -> None:
        page = _spanish(as_graduate).get(f"/positions/{expiring.id}").text
        start = expiring.start_date
        assert start is not None
        expiry = start - timedelta(days=10)
        with i18n.using("es"):
            label = i18n.gettext("BLS/CPR")
        assert (
            f"{label} vence el {_in_spanish(expiry)}, antes de la fecha de inicio, el "
            f"{_in_spanish(start)}"
        ) in page
        assert "before the start date" not in page

    def test_the_same_reason_reads_in_english_for_an_english_reader(
        self, as_graduate: Any, expiring: Position
    ) -> None:
        page = as_graduate.get(f"/positions/{expiring.id}").text
        start = expiring.start_date
        assert start is not None
        expiry = start - timedelta(days=10)
        assert f"BLS/CPR expires {expiry.isoformat()}, before the start date {start}" in page
        assert "antes de la fecha de inicio" not in page


def test_the_dashboard_coaching_is_in_spanish(
    as_graduate: Any, db: Session, graduate_user: Any, employer_user: Any
) -> None:
    start = dates.today() + timedelta(days=60)
    factories.credential(
        db, graduate_user.graduate.id, "bls_cpr", expires_on=dates.today() + timedelta(days=20)
    )
    for title in ("Oncology massage", "Hospice comfort care"):
        factories.position(
            db, employer_user.employer.id, title=title, required_credentials=("bls_cpr",)
        )
    page = _spanish(as_graduate).get("/me").text
    with i18n.using("es"):
        label = i18n.gettext("BLS/CPR")
    expected = (
        f"Renueve {label} antes del {_in_spanish(start)} para cumplir los requisitos de "
        "2 puestos más"
    )
    assert expected in page
    assert "to qualify for" not in page


class TestMails:
    def test_the_stage_change_mail_is_in_the_graduates_spanish(
        self, as_employer: Any, db: Session, spanish_graduate: Any, position: Position
    ) -> None:
        application = factories.application(db, position.id, spanish_graduate.graduate.id)
        # The employer reads English: the mail still follows the graduate's language.
        response = as_employer.submit(
            f"/employer/applications/{application.id}/stage",
            {"stage": "interview", "note": "Bring your license."},
        )
        assert response.status_code == 303, response.text[:300]
        mail = _mail(db, "application_stage", spanish_graduate.user.email)
        assert mail.subject == "Oncology massage therapist en Harbor Hospital: Entrevista"
        assert "Hola, Grace:" in mail.body
        assert "pasó a la etapa de entrevista" in mail.body
        assert "Nota de Harbor Hospital:" in mail.body
        assert "Vea todo el historial en http://testserver/me/applications/" in mail.body
        for english in ("Hello", "Your application", "See the whole history"):
            assert english not in mail.body

    def test_the_stage_change_mail_stays_english_for_an_english_graduate(
        self, as_employer: Any, db: Session, graduate_user: Any, position: Position
    ) -> None:
        application = factories.application(db, position.id, graduate_user.graduate.id)
        _spanish(as_employer).submit(
            f"/employer/applications/{application.id}/stage", {"stage": "screening"}
        )
        mail = _mail(db, "application_stage", graduate_user.user.email)
        assert mail.subject == "Oncology massage therapist at Harbor Hospital: Screening"
        assert "Your application for Oncology massage therapist at Harbor Hospital is being" in (
            mail.body
        )

    def test_the_invitation_mail_is_in_the_graduates_spanish(
        self, as_employer: Any, db: Session, position: Position
    ) -> None:
        invited = factories.graduate(db, first_name="Lucía", visibility="employers")
        invited.user.language = "es"
        db.add(invited.user)
        db.commit()
        response = as_employer.submit(
            f"/employer/positions/{position.id}/invitations",
            {"graduate_id": str(invited.graduate.id), "note": "Nos encantaría conocerla."},
        )
        assert response.status_code == 303, response.text[:300]
        mail = _mail(db, "invitation_to_apply", invited.user.email)
        assert mail.subject == "Harbor Hospital lo invita a postularse: Oncology massage therapist"
        assert "Hola, Lucía:" in mail.body
        assert "Harbor Hospital lo invita a postularse a “Oncology massage therapist”." in mail.body
        assert "Postúlese o rechace la invitación: http://testserver/me/invitations" in mail.body
        assert "invites you" not in mail.body


class TestMailsToEmployers:
    @pytest.fixture
    def spanish_employer(self, db: Session, employer_user: Any) -> Any:
        employer_user.user.language = "es"
        db.add(employer_user.user)
        db.commit()
        return employer_user

    def test_a_position_review_is_mailed_in_the_members_spanish(
        self, db: Session, settings: Any, spanish_employer: Any
    ) -> None:
        waiting = factories.position(
            db, spanish_employer.employer.id, title="Hospice care", status="pending_review"
        )
        approvals.review_position(
            db,
            settings,
            Actor(user_id=None, role="staff"),
            position_id=waiting.id or 0,
            action="reject",
            reason="Falta el pago.",
        )
        db.commit()
        mail = _mail(db, "position_rejected", spanish_employer.user.email)
        assert mail.subject == "Su puesto “Hospice care” no fue aprobado"
        assert "Servicios de Carrera no aprobó “Hospice care”." in mail.body
        assert "Motivo: Falta el pago." in mail.body
        assert "Puede editar el puesto y enviarlo a revisión de nuevo." in mail.body
        assert mail.body.rstrip().endswith("Servicios de Carrera")
        assert "Hello" not in mail.body and "Career services" not in mail.body

    def test_a_new_candidate_is_mailed_in_the_members_spanish(
        self, db: Session, settings: Any, spanish_employer: Any, graduate_user: Any
    ) -> None:
        opening = factories.position(db, spanish_employer.employer.id, title="Oncology care")
        application = factories.application(db, opening.id, graduate_user.graduate.id)
        assert pipeline.notify_new_application(db, settings, application) == 1
        db.commit()
        mail = _mail(db, "new_application", spanish_employer.user.email)
        assert mail.subject == "Nuevo candidato para Oncology care: Grace Hopper"
        assert "Grace Hopper se postuló a Oncology care." in mail.body
        assert "Vea los candidatos en http://testserver/employer/positions/" in mail.body
        assert "New candidate" not in mail.subject and "applied for" not in mail.body
