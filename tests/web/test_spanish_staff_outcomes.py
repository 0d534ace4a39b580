"""Staff outcome and admin pages in Spanish (issue 18): the outcome report (on screen and in
its printed line), the graduates behind a figure, placements and their refusals, referrals,
placement rounds, the undelivered-mail page, API tokens and the administrators' user list —
each in Spanish for a Spanish reader and unchanged in English; and what a round writes to a
graduate, or the staff invitation, in its reader's language rather than the staff member's."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from placement.models import Message, Placement, Referral, User, utcnow
from tests import factories

ES = {"Accept-Language": "es"}


@pytest.fixture
def cohort(db: Session) -> None:
    placed = factories.graduate(db, first_name="Placed", cohort=2025).graduate
    factories.graduate(db, first_name="Seeker", cohort=2025)
    factories.graduate(
        db,
        first_name="Away",
        cohort=2025,
        outcome_status="unavailable",
        unavailable_reason="relocated_abroad",
    )
    db.add(
        Placement(
            graduate_id=placed.id,
            employer_name="Harbor Hospital",
            job_title="LMT",
            field="in_field",
            start_date=date(2025, 7, 1),
            verified_at=utcnow(),
            verification_method="employer_confirmed",
        )
    )
    db.commit()


def _absent(text: str, *english: str) -> None:
    for words in english:
        assert words not in text, words


class TestTheOutcomeReport:
    def test_it_is_in_spanish_with_its_method_and_printed_line(self, as_staff, cohort):
        page = as_staff.get("/staff/reports/outcomes?accreditor=abhes", headers=ES)
        assert page.status_code == 200
        text = page.text
        assert '<html lang="es">' in text
        assert "Resultados de colocación por cohorte: ABHES" in text
        assert "Método de ABHES." in text and "Tasa de colocación = " in text
        # The reasons the profile allows are named by their Spanish labels.
        assert "Solo cuentan como no disponibles: " in text and "Servicio militar" in text
        assert "Red de empleo de Servicios de Carrera · informe de resultados (ABHES, " in text
        assert "Tasa de colocación por cohorte" in text  # the chart's title
        assert "Registros por corregir: un motivo que ABHES no admite" in text
        assert "Se mudó al extranjero" in text
        assert "Método: cómo se cuenta a cada egresado" in text
        _absent(
            text,
            "Placement outcomes by",
            "Outcomes by cohort",
            "Records to fix",
            "Download CSV",
            "Method: how each graduate",
            "outcome report (",
            "relocated abroad",
        )

    def test_a_period_says_its_dates_in_spanish(self, as_staff, cohort):
        text = as_staff.get("/staff/reports/outcomes?period=2026", headers=ES).text
        assert "Resultados de colocación por período del informe" in text
        assert "Período 2026: egresados del 1 jul 2025 al 30 jun 2026." in text
        assert "período 2026" in text  # the printed line's scope

    def test_it_stays_english_for_an_english_reader(self, as_staff, cohort):
        text = as_staff.get("/staff/reports/outcomes?period=2026").text
        assert "Placement outcomes by reporting period: ABHES" in text
        assert "Period 2026: graduates of 2025-07-01 to 2026-06-30." in text
        assert "Career Services placement network · outcome report (ABHES, period 2026)" in text
        _absent(text, "Resultados de colocación", "Método")

    def test_the_nace_table_has_spanish_headings(self, as_staff, cohort):
        text = as_staff.get("/staff/reports/outcomes?accreditor=nace", headers=ES).text
        assert "NACE (primer destino)" in text
        assert "Tasa de resultados profesionales" in text and "Tasa de conocimiento" in text
        _absent(text, ">knowledge rate<", ">career outcomes rate<", "NACE first-destination")

    def test_a_wrong_parameter_is_explained_in_spanish(self, as_staff, cohort):
        page = as_staff.get("/staff/reports/outcomes?cohort=20x5", headers=ES)
        assert page.status_code == 422
        assert "Escriba una cohorte como año de graduación, por ejemplo, 2025." in page.text
        both = as_staff.get("/staff/reports/outcomes?cohort=2025&period=2026", headers=ES)
        assert both.status_code == 400
        assert "Elija una cohorte o un período, no ambos." in both.text

    def test_the_graduates_behind_a_figure(self, as_staff, cohort):
        page = as_staff.get(
            "/staff/reports/outcomes/people?cohort=2025&column=placed_in_field", headers=ES
        )
        assert page.status_code == 200
        text = page.text
        assert "Colocados en el campo de estudio: cohorte 2025" in text
        assert "1 egresado." in text
        assert "Contados como los cuenta el informe de ABHES." in text
        assert "Confirmado por el empleador" in text and "desde el 1 jul 2025" in text
        _absent(text, "Placed in field", "Counted as", "Outcome report", "Confirmed by employer")

    def test_an_unknown_figure_is_refused_in_spanish(self, as_staff, cohort):
        page = as_staff.get("/staff/reports/outcomes/people?column=nope", headers=ES)
        assert page.status_code == 422
        assert "Elija una cifra del informe." in page.text


class TestPlacements:
    def test_the_list_and_the_form_are_in_spanish(self, as_staff, cohort):
        text = as_staff.get("/staff/placements", headers=ES).text
        assert "<h1>Colocaciones</h1>" in text
        assert "Registrar una colocación" in text and "Número de egresado" in text
        assert "Por verificar" in text and "En el campo de estudio" in text
        _absent(text, "Record a placement", "Graduate number", "To verify", "In field")

    def test_recording_one_for_nobody_is_refused_in_spanish(self, as_staff):
        page = as_staff.submit(
            "/staff/placements",
            {
                "graduate_id": "987654",
                "employer_name": "Harbor Hospital",
                "job_title": "LMT",
                "start_date": "2026-09-01",
                "field": "in_field",
            },
            headers=ES,
        )
        assert page.status_code == 422
        assert "No hay ningún egresado con este número." in page.text
        assert "There is no graduate with this number." not in page.text

    def test_an_unknown_position_is_refused_in_spanish(self, as_staff, graduate_user):
        page = as_staff.submit(
            "/staff/placements",
            {
                "graduate_id": str(graduate_user.graduate.id),
                "employer_name": "Harbor Hospital",
                "job_title": "LMT",
                "start_date": "2026-09-01",
                "position_id": "987654",
                "field": "in_field",
            },
            headers=ES,
        )
        assert page.status_code == 422
        assert "No existe el puesto n.º 987654." in page.text

    def test_recording_one_says_so_in_spanish(self, as_staff, graduate_user):
        response = as_staff.submit(
            "/staff/placements",
            {
                "graduate_id": str(graduate_user.graduate.id),
                "employer_name": "Harbor Hospital",
                "job_title": "LMT",
                "start_date": "2026-09-01",
                "field": "in_field",
            },
            headers=ES,
        )
        assert response.status_code == 303
        shown = as_staff.get(response.headers["location"], headers=ES).text
        assert 'role="status">Colocación registrada' in shown

    def test_a_placement_page(self, as_staff, db, graduate_user):
        placement = Placement(
            graduate_id=graduate_user.graduate.id,
            employer_name="Harbor Hospital",
            job_title="LMT",
            field="related_field",
            start_date=date(2025, 7, 1),
            hours_per_week=30,
        )
        db.add(placement)
        db.commit()
        text = as_staff.get(f"/staff/placements/{placement.id}", headers=ES).text
        assert "Pedir al empleador que confirme" in text and "Pruebas documentales" in text
        assert "30 h/semana" in text and "sin verificar" in text
        _absent(text, "Ask the employer to confirm", "Evidence", "not verified")


class TestRounds:
    @pytest.fixture
    def population(self, db: Session, employer_user):
        position = factories.position(db, employer_user.employer.id, title="Oncology therapist")
        spanish = factories.graduate(db, first_name="Ana", last_name="Tester")
        spanish.user.language = "es"
        db.add(spanish.user)
        db.commit()
        return position, spanish

    def _preview(self, client) -> int:
        response = client.submit("/staff/rounds", {"algorithm": "stable"}, headers=ES)
        assert response.status_code == 303, response.text
        return int(response.headers["location"].rsplit("/", 1)[1])

    def test_the_rounds_page_is_in_spanish(self, as_staff):
        text = as_staff.get("/staff/rounds", headers=ES).text
        assert (
            "<h1>Rondas de colocación</h1>" in text and "Ver la vista previa de una ronda" in text
        )
        assert "Estable: los egresados proponen" in text
        assert "Aún no hay rondas" in text
        _absent(text, "Placement rounds", "Preview a round", "No rounds yet")

    def test_a_round_and_its_publication(self, db, as_staff, population):
        _position, spanish = population
        round_id = self._preview(as_staff)
        text = as_staff.get(f"/staff/rounds/{round_id}", headers=ES).text
        assert f"Ronda de colocación n.º {round_id}" in text and "Vista previa" in text
        assert "Publicar: crear 1 recomendación" in text
        _absent(text, "Placement round #", "Publish: create", "Assignments")

        published = as_staff.submit(f"/staff/rounds/{round_id}/publish", headers=ES)
        assert published.status_code == 303
        shown = as_staff.get(published.headers["location"], headers=ES).text
        assert "Publicada" in shown
        db.expire_all()
        note = db.exec(select(Referral.note)).one()
        assert note.startswith(f"Sugerido por la ronda de colocación n.º {round_id}")

    def test_an_english_graduate_gets_the_note_in_english(self, db, as_staff, population):
        _position, spanish = population
        spanish.user.language = "en"
        db.add(spanish.user)
        db.commit()
        round_id = self._preview(as_staff)
        as_staff.submit(f"/staff/rounds/{round_id}/publish", headers=ES)
        db.expire_all()
        note = db.exec(select(Referral.note)).one()
        assert note.startswith(f"Suggested by placement round #{round_id}")

    def test_a_positions_matches_are_in_spanish(self, as_staff, population):
        position, _spanish = population
        text = as_staff.get(f"/staff/positions/{position.id}/matches", headers=ES).text
        assert "Coincidencias para “Oncology therapist”" in text
        assert "Egresados elegibles" in text and "Recomendar" in text
        _absent(text, "Eligible graduates", "Near misses", "Note to the graduate")


class TestTheOtherStaffPages:
    def test_the_mail_page(self, as_staff, db):
        db.add(Message(recipient_email="a@example.com", subject="s", attempts=2))
        db.add(Message(recipient_email="b@example.com", subject="t", attempts=1))
        db.commit()
        text = as_staff.get("/staff/mail", headers=ES).text
        assert "<h1>Correo no entregado</h1>" in text
        assert "2 mensajes esperan al servidor de correo y se están reintentando." in text
        assert "No se rechazó ningún correo." in text
        _absent(text, "Undelivered mail", "wait for the mail server", "No mail was refused")
        english = as_staff.get("/staff/mail").text
        assert "2 messages wait for the mail server and are being retried." in english

    def test_referrals(self, as_staff):
        text = as_staff.get("/staff/referrals", headers=ES).text
        assert "<h1>Recomendaciones</h1>" in text and "Recomendar a un egresado" in text
        assert "Aún no hay recomendaciones." in text
        _absent(text, "Refer a graduate", "No referrals yet")

    def test_api_tokens_and_their_refusal(self, as_staff):
        text = as_staff.get("/staff/account/tokens", headers=ES).text
        assert "Mis tokens de API" in text and "Crear token" in text
        refused = as_staff.submit(
            "/staff/account/tokens", {"name": " ", "expires_in_days": ""}, headers=ES
        )
        assert refused.status_code == 422
        _absent(refused.text, "My API tokens", "Create token")

    def test_the_positions_queue(self, as_staff, db, employer_user):
        factories.position(db, employer_user.employer.id, title="Spa LMT", status="pending_review")
        text = as_staff.get("/staff/positions", headers=ES).text
        assert "Puestos en espera de revisión" in text and "Aprobar “Spa LMT”" in text
        assert "Pendiente de revisión" in text and "por hora" in text
        _absent(text, "Positions awaiting review", "Approve “", "per hour")

    def test_reviewing_a_position_twice_is_refused_in_spanish(self, as_staff, db, employer_user):
        position = factories.position(
            db, employer_user.employer.id, title="Spa LMT", status="pending_review"
        )
        assert as_staff.submit(f"/staff/positions/{position.id}/approve").status_code == 303
        again = as_staff.submit(f"/staff/positions/{position.id}/approve", headers=ES)
        assert again.status_code == 409
        assert "Este puesto está en estado “Abierto”; no espera revisión." in again.text
        _absent(again.text, "not waiting for review")


class TestAdministrators:
    def test_the_users_page_is_in_spanish(self, as_admin, staff_user):
        text = as_admin.get("/admin/users", headers=ES).text
        assert "<h1>Usuarios</h1>" in text and "Invitar a un miembro del personal" in text
        assert "Cualquier rol" in text and "Personal de Servicios de Carrera" in text
        assert f"Desactivar {staff_user.email}" in text
        _absent(text, "Invite a staff member", "Any role", "Deactivate ")

    def test_a_refusal_is_in_spanish(self, as_admin, staff_user):
        page = as_admin.submit(
            "/admin/users",
            {"name": "Sam", "email": staff_user.email, "role": "staff"},
            headers=ES,
        )
        assert page.status_code == 422
        assert "Ya existe una cuenta con este correo electrónico." in page.text

    def test_the_invitation_is_in_the_new_accounts_language(self, as_admin, db):
        """The administrator reads Spanish; the new account has not chosen a language, so its
        invitation is in English (it can choose Spanish at /account/notifications)."""
        response = as_admin.submit(
            "/admin/users",
            {"name": "Sam Staff", "email": "sam@example.com", "role": "staff"},
            headers=ES,
        )
        assert response.status_code == 303
        user = db.exec(select(User).where(User.email == "sam@example.com")).one()
        message = db.exec(select(Message).where(Message.recipient_user_id == user.id)).one()
        assert message.subject == "You are invited to the Career Services placement network"
        assert "career services staff account" in message.body


def test_the_survey_labels_read_in_spanish(as_staff, db, graduate_user):
    """The survey page lists each answer by its Spanish label."""
    from placement.models import LinkPurpose, OutcomeLink

    db.add(
        OutcomeLink(
            purpose=LinkPurpose.SURVEY,
            graduate_id=graduate_user.graduate.id,
            token_hash="x" * 64,
            sent_to=graduate_user.user.email,
            expires_at=utcnow() + timedelta(days=30),
            used_at=utcnow(),
            answer="not_seeking",
        )
    )
    db.commit()
    text = as_staff.get("/staff/surveys", headers=ES).text
    assert "Encuestas a egresados" in text and "No busco trabajo" in text
    _absent(text, "Graduate surveys", "Not looking for work")
