"""The graduate's side in Spanish (issue 18): every /me page, the apply page, a refusal of the
profile and of the credential forms, the notice after a save — and each mail a graduate's
actions or the jobs send, in its recipient's own language (a Spanish account reads Spanish,
an English one keeps English)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from placement.db import unit_of_work
from placement.models import Message, SavedSearch, TalentInterest, User, utcnow
from placement.services import Actor, referrals, saved_searches, talent
from placement.services import credentials as credential_service
from tests import factories
from tests.web.test_graduates import PROFILE


def _spanish(client: Any) -> Any:
    assert client.get("/language/es").status_code == 303
    return client


def _speaks(db: Session, user: User, language: str) -> None:
    user.language = language
    db.add(user)
    db.commit()


def _mails(db: Session, kind: str, email: str) -> list[Message]:
    db.expire_all()
    return list(
        db.exec(select(Message).where(Message.kind == kind, Message.recipient_email == email))
    )


@pytest.fixture
def position(db: Session, employer_user: Any) -> Any:
    return factories.position(db, employer_user.employer.id, title="Hospital massage therapist")


@pytest.fixture
def records(db: Session, graduate_user: Any, position: Any, employer_user: Any) -> dict[str, Any]:
    """Something on every page: an application, a pending referral, a credential."""
    graduate_id = graduate_user.graduate.id
    other = factories.position(db, employer_user.employer.id, title="Hospice comfort care")
    return {
        "application": factories.application(db, position.id, graduate_id, stage="screening"),
        "referral": factories.referral(db, other.id, graduate_id),
        "credential": factories.credential(
            db, graduate_id, "bls_cpr", expires_on=date.today() + timedelta(days=20)
        ),
        "open": factories.position(db, employer_user.employer.id, title="Oncology centre role"),
    }


class TestPages:
    @pytest.mark.parametrize(
        ("path", "spanish", "english"),
        [
            (
                "/me",
                ["Su panel", "Recomendaciones que esperan su respuesta", "Sus datos"],
                ["Referrals awaiting your answer", "Your applications", "Your data"],
            ),
            (
                "/me/profile",
                ["Su perfil", "Dónde y cuándo puede trabajar", "Guardar perfil", "Competente"],
                ["Where and when you can work", "Save profile", "Proficient"],
            ),
            (
                "/me/credentials",
                ["Licencias y certificados", "Agregar credencial", "Carolina del Norte", "vence"],
                ["Add credential", "Issuing state", "North Carolina", "does not expire"],
            ),
            (
                "/me/applications",
                ["Sus solicitudes", "Etapa", "Último cambio"],
                ["Your applications", "Last change"],
            ),
            (
                "/me/referrals",
                ["Aceptar y postularse", "Rechazar esta recomendación", "Esperando su respuesta"],
                ["Accept and apply", "Decline this referral", "Awaiting your answer"],
            ),
            (
                "/me/invitations",
                ["Invitaciones para postularse", "Empleadores que usted sigue"],
                ["Invitations to apply", "Employers you follow"],
            ),
            (
                "/me/searches",
                ["Búsquedas guardadas", "Guardar la búsqueda", "Como máximo"],
                ["Save the search", "No saved searches yet"],
            ),
            (
                "/me/interviews",
                ["Sus entrevistas", "No hay entrevistas pendientes ni próximas."],
                ["Your interviews", "No interviews waiting"],
            ),
            (
                "/me/privacy",
                ["Quién ve qué", "Eliminar mi cuenta", "Su contraseña actual"],
                ["Who sees what", "Delete my account", "Your current password"],
            ),
        ],
    )
    def test_it_shows_each_graduate_page_in_spanish(
        self, as_graduate: Any, records: dict[str, Any], path: str, spanish: list, english: list
    ) -> None:
        page = _spanish(as_graduate).get(path)
        assert page.status_code == 200
        assert '<html lang="es">' in page.text
        for text in spanish:
            assert text in page.text, text
        for text in english:
            assert text not in page.text, text

    def test_the_application_the_credential_and_the_apply_pages_too(
        self, as_graduate: Any, records: dict[str, Any]
    ) -> None:
        _spanish(as_graduate)
        application = as_graduate.get(f"/me/applications/{records['application'].id}").text
        assert "Retirar mi solicitud" in application and "Historial" in application
        assert "Withdraw my application" not in application and "Current stage" not in application
        edit = as_graduate.get(f"/me/credentials/{records['credential'].id}/edit").text
        assert "Editar o renovar" in edit and "Escaneo de la tarjeta" in edit
        assert "vence en" in edit and "Scan of the card" not in edit
        apply = as_graduate.get(f"/positions/{records['open'].id}/apply").text
        assert "Enviar mi solicitud" in apply and "Carta de presentación" in apply
        assert "Send my application" not in apply and "Cover note" not in apply

    def test_english_stays_english(self, as_graduate: Any, records: dict[str, Any]) -> None:
        page = as_graduate.get("/me").text
        assert "Referrals awaiting your answer" in page and "Su panel" not in page


class TestFormsInSpanish:
    @pytest.fixture
    def unverified(self, db: Session, graduate_user: Any) -> Any:
        """A graduate whose record career services have not verified: every field is theirs."""
        graduate_user.graduate.verified_at = None
        db.add(graduate_user.graduate)
        db.commit()
        return graduate_user.graduate

    def test_a_refused_profile_says_why_in_spanish(self, as_graduate: Any, unverified: Any) -> None:
        form = {**PROFILE, "version": str(unverified.version), "graduation_date": "1900-06-01"}
        response = _spanish(as_graduate).submit("/me/profile", form)
        assert response.status_code == 422
        assert "Escriba la fecha en que se graduó o se graduará" in response.text
        assert "Enter the date you graduated" not in response.text

    def test_the_notice_after_saving_the_profile_is_spanish(
        self, as_graduate: Any, unverified: Any
    ) -> None:
        form = {**PROFILE, "version": str(unverified.version)}
        response = _spanish(as_graduate).submit("/me/profile", form)
        assert response.status_code == 303
        page = as_graduate.get(response.headers["location"]).text
        assert "Su perfil se guardó." in page and "Your profile was saved." not in page

    @pytest.mark.parametrize(
        ("changes", "spanish", "english"),
        [
            ({"state": "ZZ"}, "Elija el estado de EE. UU. que la emitió", "Choose the US state"),
            (
                {"issued_on": (date.today() + timedelta(days=3)).isoformat()},
                "La fecha de emisión no puede ser futura.",
                "The issue date cannot be in the future.",
            ),
        ],
    )
    def test_a_refused_credential_says_why_in_spanish(
        self, as_graduate: Any, graduate_user: Any, changes: dict, spanish: str, english: str
    ) -> None:
        form = {
            "code": "state_license",
            "number": "MT-1",
            "state": "CA",
            "issued_on": "2025-01-01",
            "expires_on": "",
            **changes,
        }
        response = _spanish(as_graduate).submit("/me/credentials", form)
        assert response.status_code == 422
        assert spanish in response.text and english not in response.text


class TestMail:
    @pytest.mark.parametrize(
        ("language", "subject", "body"),
        [
            ("es", "BLS/RCP: vence en 45 días", "Su credencial “BLS/RCP” vence en 45 días, el "),
            ("en", "Your BLS/CPR expires in 45 days", "Your BLS/CPR expires in 45 days, on "),
        ],
    )
    def test_the_credential_reminder_is_in_the_graduates_language(
        self, app: Any, db: Session, graduate_user: Any, language: str, subject: str, body: str
    ) -> None:
        _speaks(db, graduate_user.user, language)
        today = date(2027, 3, 1)
        factories.credential(
            db, graduate_user.graduate.id, "bls_cpr", expires_on=today + timedelta(days=45)
        )
        with unit_of_work(app.state.engine) as session:
            assert credential_service.send_reminders(session, app.state.settings, today) == 1
        [mail] = _mails(db, "credential.reminder_60", graduate_user.user.email)
        assert mail.subject == subject
        assert body in mail.body
        greeting = "Hola, Grace:" if language == "es" else "Hello Grace,"
        assert mail.body.startswith(greeting)

    @pytest.mark.parametrize(
        ("language", "subject", "body"),
        [
            (
                "es",
                "Servicios de Carrera lo recomendó para Hospital massage therapist en",
                "Acepte la recomendación para compartir su perfil",
            ),
            (
                "en",
                "Career services referred you to Hospital massage therapist at",
                "Accept the referral to share your profile",
            ),
        ],
    )
    def test_the_referral_mail_is_in_the_graduates_language(
        self,
        db: Session,
        settings: Any,
        staff_user: Any,
        graduate_user: Any,
        position: Any,
        language: str,
        subject: str,
        body: str,
    ) -> None:
        _speaks(db, graduate_user.user, language)
        referrals.refer(
            db,
            settings,
            actor=Actor(user_id=staff_user.id, role="staff"),
            position_id=position.id,
            graduate_id=graduate_user.graduate.id,
            note="A good fit.",
        )
        db.commit()
        [mail] = _mails(db, "referral", graduate_user.user.email)
        assert mail.subject.startswith(subject)
        assert body in mail.body and "A good fit." in mail.body

    @pytest.mark.parametrize(
        ("language", "subject", "body"),
        [
            ("es", "1 puesto nuevo para “Hospitals”", "coinciden con su búsqueda guardada"),
            ("en", "1 new position for “Hospitals”", "match your saved search"),
        ],
    )
    def test_the_saved_search_mail_is_in_the_graduates_language(
        self,
        db: Session,
        settings: Any,
        graduate_user: Any,
        employer_user: Any,
        language: str,
        subject: str,
        body: str,
    ) -> None:
        _speaks(db, graduate_user.user, language)
        db.add(
            SavedSearch(
                graduate_id=graduate_user.graduate.id,
                name="Hospitals",
                query="setting=hospital",
                created_at=utcnow() - timedelta(minutes=5),
            )
        )
        db.commit()
        factories.position(db, employer_user.employer.id, title="Night massage")
        assert saved_searches.send_matches(db, settings) == 1
        db.commit()
        [mail] = _mails(db, "saved_search.match", graduate_user.user.email)
        assert mail.subject == subject
        assert body in mail.body and "Night massage" in mail.body

    def test_a_withdrawal_is_told_to_each_employer_member_in_their_language(
        self,
        db: Session,
        as_graduate: Any,
        graduate_user: Any,
        employer_user: Any,
        position: Any,
    ) -> None:
        _speaks(db, employer_user.user, "es")
        application = factories.application(db, position.id, graduate_user.graduate.id)
        response = as_graduate.submit(f"/me/applications/{application.id}/withdraw")
        assert response.status_code == 303
        [mail] = _mails(db, "application_withdrawn", employer_user.user.email)
        assert mail.subject == "Un candidato se retiró de Hospital massage therapist"
        assert "Un egresado retiró su solicitud" in mail.body

    @pytest.mark.parametrize(
        ("language", "subject", "body"),
        [
            ("es", "Harbor Hospital abrió un puesto que coincide con usted: Oncology", "Léalo y"),
            ("en", "Harbor Hospital opened a position you match: Oncology", "Read it and apply"),
        ],
    )
    def test_the_talent_pool_opening_is_in_the_graduates_language(
        self,
        db: Session,
        settings: Any,
        graduate_user: Any,
        employer_user: Any,
        language: str,
        subject: str,
        body: str,
    ) -> None:
        _speaks(db, graduate_user.user, language)
        graduate_user.graduate.visibility = "employers"
        db.add(graduate_user.graduate)
        db.add(
            TalentInterest(
                graduate_id=graduate_user.graduate.id,
                employer_id=employer_user.employer.id,
                created_at=utcnow() - timedelta(days=1),
            )
        )
        db.commit()
        factories.position(db, employer_user.employer.id, title="Oncology therapist")
        assert talent.notify_openings(db, settings) == 1
        db.commit()
        [mail] = _mails(db, "talent_pool.opening", graduate_user.user.email)
        assert mail.subject.startswith(subject)
        assert body in mail.body

    @pytest.mark.parametrize("language", ["es", "en"])
    def test_a_declined_referral_is_told_to_staff_in_their_language(
        self,
        db: Session,
        as_graduate: Any,
        graduate_user: Any,
        staff_user: Any,
        position: Any,
        language: str,
    ) -> None:
        _speaks(db, staff_user, language)
        referral = factories.referral(
            db, position.id, graduate_user.graduate.id, staff_user_id=staff_user.id
        )
        _spanish(as_graduate)  # the graduate's own language does not decide the staff's mail
        response = as_graduate.submit(
            f"/me/referrals/{referral.id}/decline", {"reason": "I moved away."}
        )
        assert response.status_code == 303
        page = as_graduate.get(response.headers["location"]).text
        assert "Usted rechazó la recomendación." in page
        [mail] = _mails(db, "referral_declined", staff_user.email)
        if language == "es":
            assert mail.subject == f"Un egresado rechazó la recomendación n.º {referral.id}"
            assert "Su motivo: I moved away." in mail.body
        else:
            assert mail.subject == f"A graduate declined referral #{referral.id}"
            assert "Their reason: I moved away." in mail.body
