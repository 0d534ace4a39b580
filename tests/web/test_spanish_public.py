"""Issue 18, the public, sign-in and account side in Spanish: the pages, their form messages
and notices, the plain refusals before routing, the search by Spanish labels, the account's
language (its mail, and the pages once saved) and the mails of this side in the recipient's
language."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from placement import i18n
from placement.models import Message, Placement, User
from placement.services import accounts, digests, mail
from placement.web.language import LANGUAGE_COOKIE
from tests import factories

SPANISH = {"Accept-Language": "es-MX,es;q=0.9"}


def _mails(db, email: str) -> list[Message]:
    db.expire_all()
    return list(
        db.exec(select(Message).where(Message.recipient_email == email).order_by(Message.id))
    )


def _set_language(db, user: User, language: str) -> None:
    user.language = language
    db.add(user)
    db.commit()


def _no_english(page: str, *phrases: str) -> None:
    for phrase in phrases:
        assert phrase not in page, phrase


class TestPublicPagesInSpanish:
    def test_the_home_page(self, client):
        page = client.get("/", headers=SPANISH).text
        assert "Ver los puestos abiertos" in page and "Para egresados" in page
        _no_english(page, "Browse open positions", "For graduates", "Medical massage careers")

    def test_the_search_page_and_its_cards(self, client, db, employer_user):
        factories.position(
            db,
            employer_user.employer.id,
            title="Inpatient oncology massage therapist",
            required_modalities=("oncology",),
        )
        page = client.get("/positions", headers=SPANISH).text
        for phrase in (
            "Puestos abiertos",
            "1 puesto abierto",
            "$28–$36 por hora",
            "Masaje oncológico",
        ):
            assert phrase in page, phrase
        _no_english(page, "Open positions", "an hour", "Any setting", ">Search<", "Words")

    def test_a_bad_filter_is_explained_in_spanish(self, client):
        page = client.get("/positions?radius=lots", headers=SPANISH)
        assert page.status_code == 422
        assert "Corrija el filtro marcado arriba" in page.text
        assert "Escriba la distancia como un número entero de millas." in page.text
        _no_english(page.text, "Please correct the filter", "whole number of miles")

    def test_the_empty_search_page(self, client):
        page = client.get("/positions", headers=SPANISH).text
        assert "Por el momento no hay puestos abiertos" in page
        assert "There are no open positions" not in page

    def test_the_position_page(self, client, db, employer_user):
        position = factories.position(db, employer_user.employer.id, openings=2)
        page = client.get(f"/positions/{position.id}", headers=SPANISH).text
        for phrase in (
            "Sobre el puesto",
            "Lo que necesita",
            "2 vacantes",
            "Iniciar sesión para postularse",
        ):
            assert phrase in page, phrase
        _no_english(page, "About the position", "What you need", "openings", "Sign in to apply")

    def test_how_you_match_for_a_signed_in_graduate(self, as_graduate, db, employer_user):
        position = factories.position(
            db, employer_user.employer.id, required_credentials=("bls_cpr",)
        )
        as_graduate.get("/language/es")
        page = as_graduate.get(f"/positions/{position.id}").text
        assert "Cómo encaja usted" in page and "Postularse a este puesto" in page
        _no_english(page, "How you match", "You meet", "Apply for this position")


class TestSignInPagesInSpanish:
    def test_the_sign_in_page_and_a_wrong_password(self, client, db, graduate_user):
        page = client.get("/login", headers=SPANISH).text
        assert "¿Olvidó su contraseña?" in page and "Correo electrónico" in page
        _no_english(page, "Forgot your password?", "Join as a graduate", ">Password<")
        wrong = client.submit(
            "/login",
            {"email": graduate_user.user.email, "password": "not the password at all"},
            headers=SPANISH,
        )
        assert wrong.status_code == 422
        assert "El correo electrónico o la contraseña no son correctos." in wrong.text
        assert "Revise este campo" in wrong.text
        _no_english(wrong.text, "The e-mail or the password is wrong.", "Please check")

    def test_a_registration_with_mistakes(self, client):
        response = client.submit(
            "/register/graduate",
            {"email": "not-an-address", "password": "short", "graduation_date": "june"},
            headers=SPANISH,
        )
        assert response.status_code == 422
        page = response.text
        for phrase in (
            "Escriba un correo electrónico como nombre@example.com.",
            "Use al menos 12 caracteres.",
            "Este campo es obligatorio.",
            "Escriba una fecha como AAAA-MM-DD",
            "Revise estos",
        ):
            assert phrase in page, phrase
        _no_english(page, "Enter an e-mail address", "This field is required.", "(optional)")

    def test_the_employer_registration_page(self, client):
        page = client.get("/register/employer", headers=SPANISH).text
        assert "Registre su organización" in page and "Elija…" in page
        _no_english(page, "Register your organisation", "Choose…", "Kind of setting")

    def test_the_forgot_password_notice(self, client):
        response = client.submit(
            "/password/forgot", {"email": "nobody@example.com"}, headers=SPANISH
        )
        assert response.status_code == 303
        page = client.get(response.headers["location"], headers=SPANISH).text
        assert "Si existe una cuenta con esa dirección" in page
        assert "If an account exists" not in page

    def test_a_used_link(self, client):
        page = client.get("/password/reset/not-a-token", headers=SPANISH)
        assert page.status_code == 404
        assert "Este enlace ya no funciona" in page.text
        assert "This link no longer works" not in page.text

    def test_a_refusal_before_routing_speaks_spanish_too(self, client):
        refused = client.post("/login", data={"email": "x"}, headers=SPANISH)
        assert refused.status_code == 403
        assert "Este formulario venció" in refused.text and '<html lang="es"' not in refused.text
        assert "<html lang=es>" in refused.text
        assert "This form has expired" not in refused.text
        english = client.post("/login", data={"email": "x"})
        assert "This form has expired" in english.text


class TestNotices:
    def test_a_notice_with_a_count_is_worded_for_it(self, as_staff):
        page = as_staff.get("/staff/surveys?done=surveys_sent&detail=1").text
        assert "Survey link mailed to 1 graduate without" in page
        page = as_staff.get("/staff/surveys?done=surveys_sent&detail=3").text
        assert "Survey links mailed to 3 graduates without" in page
        as_staff.get("/language/es")
        page = as_staff.get("/staff/surveys?done=surveys_sent&detail=3").text
        assert "Enlaces de la encuesta enviados por correo a 3 egresados" in page

    def test_a_count_that_is_not_one_shows_nothing(self, as_staff):
        page = as_staff.get("/staff/surveys?done=surveys_sent&detail=x1").text
        assert "Survey link" not in page


class TestAccountLanguage:
    def test_saving_spanish_makes_the_pages_spanish_at_once(self, as_graduate, db, graduate_user):
        response = as_graduate.submit(
            "/account/notifications", {"language": "es", "email_frequency": "immediate"}
        )
        assert response.status_code == 303
        assert as_graduate.cookies.get(LANGUAGE_COOKIE) == "es"
        page = as_graduate.get(response.headers["location"]).text
        assert '<html lang="es"' in page
        assert "Se guardó su configuración de notificaciones." in page
        _no_english(page, "Notification settings", "Your notification settings were saved.")

    def test_saving_english_brings_the_pages_back(self, as_graduate):
        as_graduate.get("/language/es")
        as_graduate.submit("/account/notifications", {"language": "en", "email_frequency": "daily"})
        assert as_graduate.cookies.get(LANGUAGE_COOKIE) == "en"
        assert '<html lang="en"' in as_graduate.get("/account/notifications").text

    def test_a_refused_choice_keeps_the_pages_as_they_were(self, as_graduate):
        response = as_graduate.submit(
            "/account/notifications", {"language": "fr", "email_frequency": "daily"}
        )
        assert response.status_code == 422
        assert LANGUAGE_COOKIE not in as_graduate.cookies

    def test_a_registration_on_spanish_pages_makes_a_spanish_account(self, client, db):
        response = client.submit(
            "/register/employer",
            {
                "organization_name": "Clínica San Gabriel",
                "organization_kind": "outpatient_clinic",
                "zip": "90012",
                "contact_name": "Rosa Díaz",
                "email": "rosa@sangabriel.example",
                "password": "a long enough passphrase",
            },
            headers=SPANISH,
        )
        assert response.status_code == 303
        user = db.exec(select(User).where(User.email == "rosa@sangabriel.example")).one()
        assert user.language == "es"
        (confirmation,) = _mails(db, "rosa@sangabriel.example")
        assert confirmation.subject == "Confirme su correo electrónico para la red de empleo"
        assert confirmation.body.startswith("Hola, Rosa Díaz:")
        assert "/account/confirm/" in confirmation.body


class TestSearchBySpanishLabels:
    @pytest.fixture
    def drainage(self, db, employer_user):
        return factories.position(
            db,
            employer_user.employer.id,
            title="Lymphoedema therapist",
            required_modalities=("manual_lymphatic_drainage",),
        )

    @pytest.mark.parametrize("q", ["drenaje linfático", "drenaje linfatico", "Drenaje", "linfáti"])
    @pytest.mark.parametrize("headers", [{}, SPANISH], ids=["english page", "spanish page"])
    def test_a_spanish_label_finds_the_position(self, client, drainage, q, headers):
        page = client.get("/positions", params={"q": q}, headers=headers)
        assert page.status_code == 200
        assert "Lymphoedema therapist" in page.text

    @pytest.mark.parametrize("q", ["lymphatic", "MLD", "manual lymphatic drainage"])
    def test_english_words_still_find_it(self, client, drainage, q):
        assert "Lymphoedema therapist" in client.get("/positions", params={"q": q}).text

    def test_another_modalitys_spanish_label_does_not(self, client, drainage):
        page = client.get("/positions", params={"q": "masaje oncológico"})
        assert "Lymphoedema therapist" not in page.text


class TestMailInTheRecipientsLanguage:
    @pytest.mark.parametrize(
        ("language", "subject", "phrase"),
        [
            ("en", "Reset your placement network password", "Someone asked to reset"),
            ("es", "Restablezca su contraseña de la red de empleo", "Alguien pidió restablecer"),
        ],
    )
    def test_a_password_reset(self, client, db, graduate_user, language, subject, phrase):
        _set_language(db, graduate_user.user, language)
        # Asked for from pages in the other language: the account's language wins.
        other = {"Accept-Language": "en" if language == "es" else "es"}
        client.submit("/password/forgot", {"email": graduate_user.user.email}, headers=other)
        (reset,) = _mails(db, graduate_user.user.email)
        assert reset.subject == subject
        assert phrase in reset.body and "/password/reset/" in reset.body

    @pytest.mark.parametrize(
        ("language", "subject", "phrase"),
        [
            ("en", "Welcome aboard", "Choose your password within 7 days"),
            ("es", "Bienvenida a bordo", "Elija su contraseña en los próximos 7 días"),
        ],
    )
    def test_an_account_setup_link(self, db, settings, language, subject, phrase):
        user = User(
            email=f"new-{language}@example.com", role="staff", name="Ana", language=language
        )
        db.add(user)
        db.flush()
        accounts.send_setup_link(
            db,
            settings,
            user,
            ttl=timedelta(days=7),
            kind="staff_invite",
            # Worded when the mail is composed, in the recipient's language.
            subject=lambda: "Bienvenida a bordo" if i18n.current() == "es" else "Welcome aboard",
            introduction=lambda: i18n.current(),
        )
        db.commit()
        (setup,) = _mails(db, user.email)
        assert setup.subject == subject
        assert phrase in setup.body and f"\n\n{language}\n\n" in setup.body

    def test_an_employer_confirmation_resent_to_a_spanish_account(
        self, as_employer, db, employer_user
    ):
        _set_language(db, employer_user.user, "es")
        employer_user.user.email_confirmed_at = None
        db.add(employer_user.user)
        db.commit()
        assert as_employer.submit("/account/confirm").status_code == 303
        confirmation = _mails(db, employer_user.user.email)[-1]
        assert confirmation.subject == "Confirme su correo electrónico para la red de empleo"
        assert "Abra este enlace en los próximos 7 días" in confirmation.body

    @pytest.mark.parametrize("language", ["en", "es"])
    def test_a_survey_link(self, as_staff, db, language):
        person = factories.graduate(db, first_name="Lucía")
        _set_language(db, person.user, language)
        response = as_staff.submit(f"/staff/graduates/{person.graduate.id}/request-survey")
        assert response.status_code == 303
        (survey,) = _mails(db, person.user.email)
        if language == "es":
            assert survey.subject == "¿Dónde trabaja ahora? Dos minutos para su escuela"
            assert survey.body.startswith("Hola, Lucía:")
        else:
            assert survey.subject == "Where are you working now? Two minutes for your school"
            assert survey.body.startswith("Hello Lucía,")
        path = re.search(r"http://testserver(/survey/\S+)", survey.body).group(1)
        page = as_staff.get(path, headers=SPANISH if language == "es" else {})
        expected = "¿Dónde está ahora, Lucía Hopper?" if language == "es" else "Where are you now"
        assert expected in page.text

    def test_a_verification_link_to_a_spanish_member_and_to_an_address(
        self, as_staff, db, employer_user, graduate_user
    ):
        _set_language(db, employer_user.user, "es")
        placement = Placement(
            graduate_id=graduate_user.graduate.id,
            employer_name="Harbor Hospital",
            job_title="Medical massage therapist",
            field="in_field",
            start_date=date(2026, 3, 2),
        )
        db.add(placement)
        db.commit()
        as_staff.submit(
            f"/staff/placements/{placement.id}/request-verification",
            {"contact_email": employer_user.user.email},
        )
        (spanish,) = _mails(db, employer_user.user.email)
        assert spanish.subject == "Confirme el empleo de Grace Hopper, por favor"
        assert "Fecha de inicio: 2 mar 2026" in spanish.body
        as_staff.submit(
            f"/staff/placements/{placement.id}/request-verification",
            {"contact_email": "hr@harbor.example"},
        )
        (english,) = _mails(db, "hr@harbor.example")
        assert english.subject == "Please confirm the employment of Grace Hopper"
        assert "Start date: 2026-03-02" in english.body
        # The newer link is the one that works (it replaced the first).
        path = re.search(r"http://testserver(/verify/placement/\S+)", english.body).group(1)
        page = as_staff.get(path, headers=SPANISH).text
        assert "Confirmar un empleo" in page and "No, o no como se describe" in page
        _no_english(page, "Confirm an employment", "Your name and role")

    def test_a_digest(self, db, settings):
        spanish = factories.user(db, role="graduate", name="Elena")
        _set_language(db, spanish, "es")
        english = factories.user(db, role="graduate", name="Ellen")
        for person in (spanish, english):
            person.email_frequency = "daily"
            db.add(person)
            db.commit()
            for subject in ("One", "Two"):
                mail.queue(
                    db,
                    settings,
                    to_email=person.email,
                    to_user_id=person.id,
                    kind="message.new",
                    subject=subject,
                    body=f"Hello,\n{subject} happened.",
                )
            db.commit()
            assert digests.send_digest(db, settings, person.id or 0, "daily:2026-12-01") == 1
        db.commit()
        (es,) = [m for m in _mails(db, spanish.email) if m.kind == "digest"]
        (en,) = [m for m in _mails(db, english.email) if m.kind == "digest"]
        assert es.subject == "Su resumen diario: 2 novedades"
        assert es.body.startswith("Hola, Elena:\n\nEsto es lo que pasó en la red de empleo:")
        assert "Recibe este resumen" in es.body
        assert en.subject == "Your daily digest: 2 updates"
        assert en.body.startswith("Hello Ellen,\n\nHere is what happened")


class TestInvitationsInTheRecipientsLanguage:
    def test_a_colleague_invitation_to_a_new_address_is_in_english(
        self, as_employer, db, employer_user
    ):
        as_employer.get("/language/es")  # the inviter's pages are Spanish: not the mail
        as_employer.submit("/employer/team", {"email": "col@harbor.example", "name": "Col"})
        (invitation,) = _mails(db, "col@harbor.example")
        assert invitation.subject.endswith(
            "invited you to Harbor Hospital on the placement network"
        )
        assert "Choose your password within 7 days" in invitation.body

    def test_an_address_that_has_a_spanish_account_is_told_in_spanish(
        self, as_employer, db, employer_user, graduate_user
    ):
        _set_language(db, graduate_user.user, "es")
        as_employer.submit("/employer/team", {"email": graduate_user.user.email, "name": "Grace"})
        (notice,) = _mails(db, graduate_user.user.email)
        assert notice.subject.endswith("intentó agregarlo a Harbor Hospital en la red de empleo")
        assert notice.body.startswith("Hola, Grace Hopper:")
        assert "así que no cambió nada" in notice.body

    def test_a_staff_invitation_to_a_new_account_is_in_english(self, as_admin, db):
        as_admin.get("/language/es")
        as_admin.submit(
            "/admin/users", {"email": "new.staff@example.com", "role": "staff", "name": "Nina"}
        )
        (invitation,) = _mails(db, "new.staff@example.com")
        assert invitation.subject == "You are invited to the Career Services placement network"
        assert "staff account on the school's placement network." in invitation.body
