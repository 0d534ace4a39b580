"""Evidence and verification of placements: documents, the employer's single-use link
(`/verify/placement/{token}`), re-verification 90 days after the start, and the graduate
survey (`/survey/{token}`)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from placement.models import (
    AuditEvent,
    Graduate,
    Message,
    OutcomeLink,
    Placement,
    PlacementDocument,
    utcnow,
)
from placement.services import outcome_links
from tests import factories

LINK = re.compile(r"http://testserver(/(?:verify/placement|survey)/[A-Za-z0-9_\-]+)")


def _links_to(db, email: str) -> list[str]:
    db.expire_all()
    bodies = db.exec(
        select(Message.body).where(Message.recipient_email == email).order_by(Message.id)
    ).all()
    return [match for body in bodies for match in LINK.findall(body)]


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 10)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def placement(db):
    graduate = factories.graduate(db, first_name="Ada", last_name="Lovelace").graduate
    row = Placement(
        graduate_id=graduate.id,
        employer_name="Harbor Hospital",
        job_title="Medical massage therapist",
        field="in_field",
        start_date=date.today() - timedelta(days=10),
        hours_per_week=30,
    )
    db.add(row)
    db.commit()
    return row


def _answer(client, path: str, **fields):
    data = {
        "confirmed": "yes",
        "job_title": "Medical massage therapist",
        "start_date": "",
        "hours_per_week": "",
        "confirmer_name": "Maria Ruiz, HR",
    }
    data.update(fields)
    return client.submit(path, data)


class TestEvidence:
    def test_staff_attach_a_pdf_and_an_image(self, as_staff, db, placement):
        pdf = as_staff.submit(
            f"/staff/placements/{placement.id}/evidence",
            files={"document": ("offer letter.pdf", factories.pdf_bytes(), "application/pdf")},
        )
        assert pdf.status_code == 303
        image = as_staff.submit(
            f"/staff/placements/{placement.id}/evidence",
            files={"document": ("stub.png", png_bytes(), "image/png")},
        )
        assert image.status_code == 303
        documents = db.exec(select(PlacementDocument)).all()
        assert [d.content_type for d in documents] == ["application/pdf", "image/png"]
        page = as_staff.get(f"/staff/placements/{placement.id}")
        assert "offer letter.pdf" in page.text
        download = as_staff.get(f"/staff/placements/{placement.id}/evidence/{documents[0].id}")
        assert download.status_code == 200
        assert download.headers["content-disposition"].startswith("attachment;")
        assert download.content.startswith(b"%PDF-")
        assert db.exec(
            select(AuditEvent).where(AuditEvent.action == "placement.evidence_uploaded")
        ).all()

    def test_a_file_that_is_not_what_it_says_is_refused(self, as_staff, db, placement):
        response = as_staff.submit(
            f"/staff/placements/{placement.id}/evidence",
            files={"document": ("letter.pdf", b"<script>alert(1)</script>", "application/pdf")},
        )
        assert response.status_code == 422 and "not a PDF, JPEG or PNG" in response.text
        assert db.exec(select(PlacementDocument)).all() == []

    def test_a_document_of_another_placement_is_404(self, as_staff, db, placement):
        as_staff.submit(
            f"/staff/placements/{placement.id}/evidence",
            files={"document": ("a.pdf", factories.pdf_bytes(), "application/pdf")},
        )
        other = Placement(
            graduate_id=placement.graduate_id,
            employer_name="Bay",
            job_title="LMT",
            field="in_field",
        )
        db.add(other)
        db.commit()
        document = db.exec(select(PlacementDocument)).one()
        assert (
            as_staff.get(f"/staff/placements/{other.id}/evidence/{document.id}").status_code == 404
        )

    def test_not_for_employers(self, as_employer, placement):
        assert as_employer.get(f"/staff/placements/{placement.id}").status_code == 403


class TestEmployerVerification:
    def test_a_yes_verifies_with_employer_confirmed(self, as_staff, client, db, placement):
        response = as_staff.submit(
            f"/staff/placements/{placement.id}/request-verification",
            {"contact_email": "hr@harbor.example"},
        )
        assert response.status_code == 303
        (path,) = _links_to(db, "hr@harbor.example")
        link = db.exec(select(OutcomeLink)).one()
        assert path.split("/")[-1] not in link.token_hash  # stored hashed
        page = client.get(path)
        assert page.status_code == 200 and "Ada Lovelace" in page.text
        assert page.headers["cache-control"] == "no-store"
        answered = _answer(client, path)
        assert answered.status_code == 200 and "Thank you" in answered.text
        db.expire_all()
        placement = db.get(Placement, placement.id)
        assert placement.verification_method == "employer_confirmed"
        assert "Maria Ruiz" in placement.verification_note
        assert placement.reverified_at is None  # asked 10 days after the start
        # Single use: the same link again is the invalid page.
        again = _answer(client, path)
        assert again.status_code == 404 and "no longer works" in again.text

    def test_a_no_flags_the_placement_for_staff(self, as_staff, client, db, placement):
        as_staff.submit(
            f"/staff/placements/{placement.id}/request-verification",
            {"contact_email": "hr@harbor.example"},
        )
        (path,) = _links_to(db, "hr@harbor.example")
        assert _answer(client, path, confirmed="no").status_code == 200
        db.expire_all()
        placement = db.get(Placement, placement.id)
        assert placement.disputed_at is not None and placement.verified_at is None
        assert "Not confirmed" in as_staff.get(f"/staff/placements/{placement.id}").text
        other = Placement(
            graduate_id=placement.graduate_id,
            employer_name="Bay",
            job_title="LMT",
            field="in_field",
        )
        db.add(other)
        db.commit()
        listed = as_staff.get("/staff/placements?verified=disputed")
        assert f'id="placement-{placement.id}"' in listed.text
        assert f'id="placement-{other.id}"' not in listed.text
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "placement.disputed")).one()

    def test_asked_90_days_after_the_start_a_yes_is_a_reverification(
        self, as_staff, client, db, placement
    ):
        placement.start_date = date.today() - timedelta(days=120)
        placement.verified_at = utcnow()
        placement.verification_method = "graduate_attested"
        db.add(placement)
        db.commit()
        as_staff.submit(
            f"/staff/placements/{placement.id}/request-verification",
            {"contact_email": "hr@harbor.example"},
        )
        (path,) = _links_to(db, "hr@harbor.example")
        _answer(client, path)
        db.expire_all()
        placement = db.get(Placement, placement.id)
        assert placement.reverified_at is not None
        assert placement.verification_method == "employer_confirmed"

    def test_without_an_address_the_organisation_members_are_the_contact(
        self, as_staff, client, db, employer_user, placement
    ):
        position = factories.position(db, employer_user.employer.id)
        placement.position_id = position.id
        placement.employer_id = employer_user.employer.id
        db.add(placement)
        db.commit()
        assert (
            as_staff.submit(
                f"/staff/placements/{placement.id}/request-verification", {"contact_email": ""}
            ).status_code
            == 303
        )
        (path,) = _links_to(db, employer_user.user.email)
        assert client.get(path).status_code == 200

    def test_without_an_address_or_position_staff_are_asked_for_one(self, as_staff, db, placement):
        response = as_staff.submit(
            f"/staff/placements/{placement.id}/request-verification", {"contact_email": ""}
        )
        assert response.status_code == 422 and "names no organisation" in response.text
        bad = as_staff.submit(
            f"/staff/placements/{placement.id}/request-verification",
            {"contact_email": "not an address"},
        )
        assert bad.status_code == 422

    def test_a_newer_link_voids_the_older(self, as_staff, client, db, placement):
        for _ in range(2):
            as_staff.submit(
                f"/staff/placements/{placement.id}/request-verification",
                {"contact_email": "hr@harbor.example"},
            )
        first, second = _links_to(db, "hr@harbor.example")
        assert client.get(first).status_code == 404
        assert client.get(second).status_code == 200

    def test_an_expired_link_is_the_invalid_page(self, as_staff, client, db, placement):
        as_staff.submit(
            f"/staff/placements/{placement.id}/request-verification",
            {"contact_email": "hr@harbor.example"},
        )
        (path,) = _links_to(db, "hr@harbor.example")
        link = db.exec(select(OutcomeLink)).one()
        link.expires_at = utcnow() - timedelta(seconds=1)
        db.add(link)
        db.commit()
        assert client.get(path).status_code == 404

    @pytest.mark.parametrize("token", ["nope", "x" * 101, "%00", "é", "..%2e", "A" * 43])
    def test_a_wrong_token_gives_nothing_away(self, client, token):
        for path in (f"/verify/placement/{token}", f"/survey/{token}"):
            response = client.get(path)
            assert response.status_code == 404 and "no longer works" in response.text

    def test_a_bad_answer_is_explained(self, as_staff, client, db, placement):
        as_staff.submit(
            f"/staff/placements/{placement.id}/request-verification",
            {"contact_email": "hr@harbor.example"},
        )
        (path,) = _links_to(db, "hr@harbor.example")
        response = _answer(client, path, confirmed="maybe", confirmer_name="", hours_per_week="900")
        assert response.status_code == 422
        # Nothing used: the link still works.
        assert _answer(client, path).status_code == 200

    def test_the_link_pages_are_rate_limited(self, client, monkeypatch):
        monkeypatch.setattr(outcome_links.common, "LINK_LIMIT", 3)
        answers = [client.get("/verify/placement/nope").status_code for _ in range(4)]
        assert answers == [404, 404, 404, 429]
        limited = client.get("/survey/nope")
        assert limited.status_code == 429 and limited.headers["retry-after"]


class TestSurvey:
    def test_an_employed_answer_is_a_placement_attested_by_the_graduate(
        self, as_staff, client, db, graduate_user
    ):
        graduate = graduate_user.graduate
        response = as_staff.submit(f"/staff/graduates/{graduate.id}/request-survey")
        assert response.status_code == 303
        (path,) = _links_to(db, graduate_user.user.email)
        assert client.get(path).status_code == 200
        answered = client.submit(
            path,
            {
                "status": "employed",
                "employer_name": "Bay Rehab",
                "job_title": "LMT",
                "start_date": "2025-09-01",
                "hours_per_week": "24",
                "field": "related_field",
            },
        )
        assert answered.status_code == 200
        db.expire_all()
        placement = db.exec(select(Placement).where(Placement.graduate_id == graduate.id)).one()
        assert placement.verification_method == "graduate_attested"
        assert placement.field == "related_field" and placement.start_date == date(2025, 9, 1)
        assert db.get(Graduate, graduate.id).outcome_status == "placed"
        survey = as_staff.get("/staff/surveys")
        assert "Employed" in survey.text

    def test_employed_needs_the_job(self, as_staff, client, db, graduate_user):
        as_staff.submit(f"/staff/graduates/{graduate_user.graduate.id}/request-survey")
        (path,) = _links_to(db, graduate_user.user.email)
        response = client.submit(path, {"status": "employed"})
        assert response.status_code == 422
        assert db.exec(select(Placement)).all() == []

    @pytest.mark.parametrize(
        ("status", "outcome", "reason", "seeking"),
        [
            ("military", "unavailable", "military", "seeking"),
            ("continuing_education", "unavailable", "continuing_education", "seeking"),
            ("seeking", "seeking", None, "seeking"),
            ("not_seeking", "seeking", None, "not_seeking"),
        ],
    )
    def test_other_answers_set_the_outcome(
        self, as_staff, client, db, graduate_user, status, outcome, reason, seeking
    ):
        graduate = graduate_user.graduate
        graduate.outcome_status = "unknown"
        db.add(graduate)
        db.commit()
        as_staff.submit(f"/staff/graduates/{graduate.id}/request-survey")
        (path,) = _links_to(db, graduate_user.user.email)
        assert client.submit(path, {"status": status}).status_code == 200
        db.expire_all()
        row = db.get(Graduate, graduate.id)
        assert (row.outcome_status, row.unavailable_reason, row.seeking) == (
            outcome,
            reason,
            seeking,
        )
        assert client.submit(path, {"status": status}).status_code == 404

    def test_a_cohort_survey_skips_the_verified(self, as_staff, db):
        verified = factories.graduate(db, cohort=2024).graduate
        waiting = factories.graduate(db, cohort=2024).graduate
        factories.graduate(db, cohort=2024, student_id=None)  # self-registered: not surveyed
        factories.graduate(db, cohort=2023)
        db.add(
            Placement(
                graduate_id=verified.id,
                employer_name="Harbor",
                job_title="LMT",
                field="in_field",
                verified_at=utcnow(),
                verification_method="pay_stub",
            )
        )
        db.commit()
        response = as_staff.submit("/staff/surveys", {"cohort": "2024"})
        assert response.status_code == 303
        links = db.exec(select(OutcomeLink)).all()
        assert [link.graduate_id for link in links] == [waiting.id]

    @pytest.mark.parametrize("cohort", ["", "abc", "%00", "99999"])
    def test_a_bad_cohort_is_explained(self, as_staff, cohort):
        assert as_staff.submit("/staff/surveys", {"cohort": cohort}).status_code == 422

    def test_only_roster_graduates(self, as_staff, db):
        stranger = factories.graduate(db, student_id=None).graduate
        response = as_staff.submit(f"/staff/graduates/{stranger.id}/request-survey")
        assert response.status_code == 422


class TestSustainedEmploymentOnTheReport:
    HEADER = (
        "cohort,graduates,unavailable,available,placed_in_field,placed_related_field,"
        "placed_out_of_field,not_placed,unknown,placement_rate,verified_rate"
    )

    @pytest.fixture
    def reverified(self, as_staff, client, db, placement):
        placement.start_date = date.today() - timedelta(days=100)
        db.add(placement)
        factories.graduate(db, first_name="Other")
        db.commit()
        as_staff.submit(
            f"/staff/placements/{placement.id}/request-verification",
            {"contact_email": "hr@harbor.example"},
        )
        (path,) = _links_to(db, "hr@harbor.example")
        _answer(client, path)
        return placement

    def test_the_page_counts_the_reverified(self, as_staff, reverified):
        page = as_staff.get("/staff/reports/outcomes?cohort=2025")
        cell = re.search(r'data-column="reverified"><a href="([^"]+)">(\d+)</a>', page.text)
        assert cell.group(2) == "1"
        people = as_staff.get(cell.group(1).replace("&amp;", "&"))
        assert "Ada Lovelace" in people.text and "Other" not in people.text
        nace = as_staff.get("/staff/reports/outcomes?cohort=2025&accreditor=nace")
        assert re.search(r'data-column="reverified"><a href="[^"]+">1</a>', nace.text)

    def test_the_csv_columns_are_unchanged(self, as_staff, reverified):
        lines = as_staff.get("/staff/reports/outcomes?cohort=2025&format=csv").text.splitlines()
        assert lines[0] == self.HEADER
        assert lines[1] == "2025,2,0,2,1,0,0,1,0,0.5000,1.0000"


class TestDeletedAccounts:
    def test_deleting_the_account_erases_the_survey_and_kills_its_links(
        self, as_staff, as_graduate, client, db, graduate_user, placement
    ):
        as_staff.submit(f"/staff/graduates/{graduate_user.graduate.id}/request-survey")
        (survey,) = _links_to(db, graduate_user.user.email)
        placement.graduate_id = graduate_user.graduate.id
        db.add(placement)
        db.commit()
        as_staff.submit(
            f"/staff/placements/{placement.id}/request-verification",
            {"contact_email": "hr@harbor.example"},
        )
        (verification,) = _links_to(db, "hr@harbor.example")

        response = as_graduate.submit("/me/delete", {"password": factories.PASSWORD})

        assert response.status_code == 303
        db.expire_all()
        links = db.exec(select(OutcomeLink)).all()
        assert [link.purpose for link in links] == ["verification"]
        assert client.get(survey).status_code == 404
        assert client.get(verification).status_code == 404


def test_the_work_queues_count_the_disputed(as_staff, db, placement):
    placement.disputed_at = utcnow()
    db.add(placement)
    db.commit()
    page = as_staff.get("/staff")
    assert re.search(
        r'data-queue="placements_disputed">\s*<a href="[^"]*verified=disputed">'
        r'<span class="queue-count">1<',
        page.text,
    )
