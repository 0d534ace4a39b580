"""The staff's work queues in Spanish (issue 18): the home, the organisations queue, the
graduates list, a graduate's page, the audit log and the roster import — their wording, a
notice, the review signals and the import's problems in the reader's language, while an
English reader keeps the English and a graduate's invitation keeps the graduate's language."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from placement.models import AuditEvent, Message
from tests import factories

HEADER = "student_id,first_name,last_name,email,program,graduation_date,training_hours"
GOOD = "S900,Nia,Okafor,nia@example.com,Medical Massage Therapy,2025-06-15,750"
BAD_EMAIL = "S901,Mei,Tanaka,mei@example,Massage Therapy,2024-12-12,600"


def _spanish(client: Any) -> Any:
    assert client.get("/language/es").status_code == 303
    return client


def _roster(*rows: str) -> dict[str, Any]:
    content = ("\r\n".join([HEADER, *rows]) + "\r\n").encode()
    return {"roster": ("roster.csv", content, "text/csv")}


class TestHome:
    def test_it_lists_the_queues_in_spanish(self, as_staff: Any) -> None:
        page = _spanish(as_staff).get("/staff").text
        assert "Colas de trabajo" in page
        assert "Organizaciones en espera de aprobación" in page
        assert "Credenciales que vencen en los próximos 30 días" in page
        assert "Importar la lista de egresados" in page
        for english in ("Organisations awaiting approval", "Tools", "Find a graduate"):
            assert english not in page

    def test_an_english_reader_keeps_english(self, as_staff: Any) -> None:
        page = as_staff.get("/staff").text
        assert "Organisations awaiting approval" in page
        assert "Organizaciones en espera" not in page


class TestEmployersQueue:
    def test_a_pending_organisation_reads_in_spanish(self, as_staff: Any, db: Session) -> None:
        pending = factories.employer(db, name="Seabreeze Nursing", status="pending")
        pending.employer.website = ""
        db.add(pending.employer)
        db.commit()

        page = _spanish(as_staff).get("/staff/employers").text

        assert "Aprobar Seabreeze Nursing" in page
        assert "Motivo del rechazo (la organización lo ve)" in page
        assert "En espera de aprobación" in page  # the status label
        # A review signal, worded by services.fraud in the reader's language.
        assert "No hay sitio web con el cual comparar el dominio del correo electrónico." in page
        for english in ("Reason for rejecting", "Review signals", "No website given"):
            assert english not in page

    def test_the_notice_after_an_approval_is_spanish(self, as_staff: Any, db: Session) -> None:
        pending = factories.employer(db, name="Seabreeze Nursing", status="pending")
        client = _spanish(as_staff)

        response = client.submit(f"/staff/employers/{pending.employer.id}/approve")

        assert response.status_code == 303
        page = client.get(response.headers["location"]).text
        assert "Se aprobó." in page
        assert "Approved." not in page

    def test_an_empty_queue_says_so_in_spanish(self, as_staff: Any) -> None:
        page = _spanish(as_staff).get("/staff/employers").text
        assert "No hay organizaciones en espera de aprobación" in page
        assert "nothing waits for approval" not in page


class TestGraduates:
    def test_the_list_reads_in_spanish(self, as_staff: Any, db: Session) -> None:
        factories.graduate(db, first_name="Nia", last_name="Okafor", visibility="private")

        page = _spanish(as_staff).get("/staff/graduates").text

        assert "Nombre, correo electrónico o número de estudiante" in page
        assert "Nia Okafor" in page
        assert "Buscando trabajo" in page  # the outcome label, not the code
        assert "Privado" in page
        for english in ("Name, e-mail or student ID", "Cohort (year)", "Not verified"):
            assert english not in page

    def test_a_graduates_page_reads_in_spanish(self, as_staff: Any, db: Session) -> None:
        person = factories.graduate(db, first_name="Nia", last_name="Okafor")

        page = _spanish(as_staff).get(f"/staff/graduates/{person.graduate.id}").text

        assert "Vista solo para el personal" in page
        assert "Registrar una colocación" in page
        assert "Horas de formación" in page
        assert "25 millas" in page
        assert "verificado" in page and "verificada" not in page.split("<h1>")[1].split("</h1>")[0]
        for english in ("Record a placement", "Training hours", "Staff-only view", "No referrals"):
            assert english not in page

    def test_the_graduates_page_in_english_is_unchanged(self, as_staff: Any, db: Session) -> None:
        person = factories.graduate(db)
        page = as_staff.get(f"/staff/graduates/{person.graduate.id}").text
        assert "Record a placement" in page and "25 miles" in page


class TestAuditLog:
    def test_it_describes_each_action_in_spanish_beside_its_code(
        self, as_staff: Any, db: Session, staff_user: Any
    ) -> None:
        db.add(
            AuditEvent(
                action="employer.approved",
                actor_user_id=staff_user.id,
                actor_role="staff",
                object_type="employer",
                object_id=1,
            )
        )
        db.commit()

        page = _spanish(as_staff).get("/staff/audit").text

        assert "Registro de auditoría" in page
        assert "Organización aprobada" in page
        assert "<code>employer.approved</code>" in page  # the stored code stays as it is
        assert "Cualquier acción" in page
        assert "organización #1" in page  # the kind of object, in the reader's language
        for english in ("Any action", "Download CSV", "Nobody can change or delete an entry"):
            assert english not in page

    def test_a_refused_filter_is_explained_in_spanish(self, as_staff: Any) -> None:
        page = _spanish(as_staff).get("/staff/audit?since=2026-05-02&until=2026-05-01")
        assert page.status_code == 422
        assert "La fecha final es anterior a la fecha inicial." in page.text


class TestRosterImport:
    def test_a_bad_row_is_refused_in_spanish(self, as_staff: Any) -> None:
        client = _spanish(as_staff)

        response = client.submit("/staff/import/graduates", {}, files=_roster(GOOD, BAD_EMAIL))

        assert response.status_code == 422
        assert "No se importó nada: hay 1 problema en el archivo." in response.text
        assert "email &#39;mei@example&#39; no es un correo electrónico." in response.text
        assert "is not an e-mail address" not in response.text
        assert "Nothing imported" not in response.text

    def test_a_missing_file_is_refused_in_spanish(self, as_staff: Any) -> None:
        response = _spanish(as_staff).submit("/staff/import/graduates", {})
        assert response.status_code == 422
        assert "Elija el archivo CSV de la lista de egresados que desea subir." in response.text

    def test_the_page_reads_in_spanish(self, as_staff: Any) -> None:
        page = _spanish(as_staff).get("/staff/import/graduates").text
        assert "Importar la lista de egresados de la escuela" in page
        assert HEADER in page  # the columns are codes: never translated
        assert "Import the good rows" not in page

    def test_the_invitation_keeps_the_graduates_language(self, as_staff: Any, db: Session) -> None:
        # Staff read Spanish; the new graduate's account is English, and so is the mail.
        response = _spanish(as_staff).submit("/staff/import/graduates", {}, files=_roster(GOOD))
        assert response.status_code == 303
        assert "Se importó 1 egresado" in as_staff.get(response.headers["location"]).text
        (invite,) = db.exec(select(Message).where(Message.kind == "roster_invite")).all()
        assert invite.subject == "Your account on the school's placement network"
        assert "Career services added you" in invite.body

    def test_the_invitation_of_a_spanish_account_is_spanish(
        self, db: Session, settings: Any
    ) -> None:
        from placement.services import roster

        account = factories.user(db, role="graduate", email="nia@example.com")
        account.language = "es"
        account.password_hash = None
        db.add(account)
        db.commit()

        roster.importing._invite(db, settings, account)  # noqa: SLF001 — the mail's wording, alone
        db.commit()

        (invite,) = db.exec(select(Message).where(Message.kind == "roster_invite")).all()
        assert invite.subject == "Su cuenta en la red de empleo de la escuela"
        assert "Servicios de Carrera lo agregó" in invite.body
