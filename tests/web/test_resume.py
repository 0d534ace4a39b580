"""POST /me/resume and GET /me/resume: a PDF by its content, stored under a generated name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import select

from placement.models import AuditEvent, Graduate
from tests import factories

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def _tree(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*")}


def _upload(client, data: bytes, name: str = "resume.pdf", content_type="application/pdf"):
    return client.submit("/me/resume", files={"resume": (name, data, content_type)})


def _stored(db, graduate_id: int) -> Graduate:
    db.expire_all()
    return db.get(Graduate, graduate_id)


class TestUpload:
    def test_it_accepts_a_real_pdf_and_stores_it_under_a_generated_name(
        self, as_graduate, db, graduate_user, settings
    ):
        data = factories.pdf_bytes(pages=2)
        response = _upload(as_graduate, data, "Grace Hopper CV.pdf")
        assert response.status_code == 303
        assert response.headers["location"].startswith("/me/profile")
        graduate = _stored(db, graduate_user.graduate.id)
        assert re.fullmatch(r"[0-9a-f]{32}\.pdf", graduate.resume_file)
        assert graduate.resume_name == "Grace Hopper CV.pdf"
        assert graduate.resume_uploaded_at is not None
        stored = Path(settings.upload_dir) / graduate.resume_file
        assert stored.read_bytes() == data
        assert "static" not in str(stored.resolve())
        assert db.exec(
            select(AuditEvent).where(AuditEvent.action == "graduate.resume_uploaded")
        ).one()
        page = as_graduate.get(response.headers["location"]).text
        assert "Your résumé was uploaded" in page and "Grace Hopper CV.pdf" in page

    @pytest.mark.parametrize(
        ("data", "name", "message"),
        [
            (PNG, "resume.pdf", "not a PDF"),
            (b"", "resume.pdf", "The file is empty"),
            (b"%PDF-1.7\n this is not really a PDF at all", "resume.pdf", "could not be read"),
            (factories.pdf_bytes(javascript="app.alert('hi')"), "cv.pdf", "JavaScript"),
            (factories.pdf_bytes(launch="C:\\Windows\\calc.exe"), "cv.pdf", "launches a program"),
            (factories.pdf_bytes(attachment=b"payload"), "cv.pdf", "embedded files"),
        ],
        ids=["png-named-pdf", "empty", "broken-pdf", "javascript", "launch", "embedded-file"],
    )
    def test_it_refuses_what_is_not_a_clean_pdf_with_a_message(
        self, as_graduate, db, graduate_user, settings, data, name, message
    ):
        response = _upload(as_graduate, data, name)
        assert response.status_code == 422
        assert message in response.text
        assert 'id="error-resume"' in response.text
        assert _stored(db, graduate_user.graduate.id).resume_file is None
        upload_dir = Path(settings.upload_dir)
        assert not upload_dir.exists() or list(upload_dir.iterdir()) == []

    def test_it_refuses_javascript_hidden_behind_escaped_names(self, as_graduate, db):
        data = factories.pdf_bytes(javascript="app.alert(1)")
        disguised = data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
        response = _upload(as_graduate, disguised)
        assert response.status_code == 422
        assert "JavaScript" in response.text

    def test_it_refuses_an_oversize_file_with_a_message(
        self, as_graduate, db, graduate_user, settings
    ):
        data = b"%PDF-1.4\n" + b"0" * settings.max_upload_bytes
        response = _upload(as_graduate, data)
        assert response.status_code == 422
        assert "too large" in response.text
        assert _stored(db, graduate_user.graduate.id).resume_file is None

    def test_a_body_far_over_the_cap_is_refused_before_reading(
        self, as_graduate, db, graduate_user, settings
    ):
        data = b"%PDF-1.4\n" + b"0" * (settings.max_upload_bytes + 200_000)
        assert _upload(as_graduate, data).status_code == 413
        assert _stored(db, graduate_user.graduate.id).resume_file is None

    def test_it_asks_for_a_file_when_none_was_chosen(self, as_graduate):
        response = as_graduate.submit("/me/resume", {"resume": ""})
        assert response.status_code == 422
        assert "Choose your résumé" in response.text

    def test_replacing_deletes_the_old_file(self, as_graduate, db, graduate_user, settings):
        assert _upload(as_graduate, factories.pdf_bytes()).status_code == 303
        first = _stored(db, graduate_user.graduate.id).resume_file
        assert _upload(as_graduate, factories.pdf_bytes(pages=3), "new.pdf").status_code == 303
        second = _stored(db, graduate_user.graduate.id)
        assert second.resume_file != first and second.resume_name == "new.pdf"
        assert sorted(p.name for p in Path(settings.upload_dir).iterdir()) == [second.resume_file]

    def test_a_refused_replacement_keeps_the_current_resume(
        self, as_graduate, db, graduate_user, settings
    ):
        assert _upload(as_graduate, factories.pdf_bytes()).status_code == 303
        kept = _stored(db, graduate_user.graduate.id).resume_file
        assert _upload(as_graduate, PNG, "photo.pdf").status_code == 422
        assert _stored(db, graduate_user.graduate.id).resume_file == kept
        assert [p.name for p in Path(settings.upload_dir).iterdir()] == [kept]

    @pytest.mark.parametrize(
        "name",
        [
            "../../../evil.pdf",
            "..\\..\\windows\\evil.pdf",
            "/etc/passwd",
            "résumé 履歴書 🧾.pdf",
            "..",
            "\u202egnp.pdf",
            "a" * 400 + ".pdf",
        ],
    )
    def test_a_hostile_file_name_changes_nothing_outside_the_upload_folder(
        self, as_graduate, db, graduate_user, settings, tmp_path, name
    ):
        upload_dir = Path(settings.upload_dir)
        before = _tree(tmp_path)
        response = _upload(as_graduate, factories.pdf_bytes(), name)
        assert response.status_code == 303
        graduate = _stored(db, graduate_user.graduate.id)
        added = _tree(tmp_path) - before
        outside = {
            path
            for path in added
            if not (tmp_path / path).resolve().is_relative_to(upload_dir.resolve())
            and not path.startswith(("mail", "test.db"))
        }
        assert outside <= {upload_dir.name}
        assert sorted(p.name for p in upload_dir.iterdir()) == [graduate.resume_file]
        assert "/" not in graduate.resume_name and "\\" not in graduate.resume_name
        assert ".." not in graduate.resume_name.replace("...", "")
        assert len(graduate.resume_name) <= 200
        assert "\u202e" not in graduate.resume_name
        assert not Path("/evil.pdf").exists()


class TestDownload:
    def test_it_serves_my_resume_as_an_attachment(self, as_graduate, db, graduate_user):
        data = factories.pdf_bytes()
        _upload(as_graduate, data, "résumé Grace.pdf")
        response = as_graduate.get("/me/resume")
        assert response.status_code == 200
        assert response.content == data
        assert response.headers["content-type"] == "application/pdf"
        disposition = response.headers["content-disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=UTF-8''r%C3%A9sum%C3%A9%20Grace.pdf" in disposition
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"

    def test_it_answers_404_when_i_have_no_resume(self, as_graduate, as_other_graduate):
        _upload(as_other_graduate, factories.pdf_bytes())
        assert as_graduate.get("/me/resume").status_code == 404

    def test_it_is_not_for_employers_or_signed_out_visitors(self, as_employer, client):
        assert as_employer.get("/me/resume").status_code == 403
        response = client.get("/me/resume")
        assert response.status_code == 303 and response.headers["location"].startswith("/login")

    def test_only_an_employer_i_applied_to_can_download_it(
        self, as_graduate, as_employer, as_other_employer, db, graduate_user, employer_user
    ):
        data = factories.pdf_bytes()
        _upload(as_graduate, data)
        position = factories.position(db, employer_user.employer.id)
        application = factories.application(db, position.id, graduate_user.graduate.id)
        url = f"/employer/applications/{application.id}/resume"
        response = as_employer.get(url)
        assert response.status_code == 200 and response.content == data
        assert response.headers["content-disposition"].startswith("attachment")
        assert as_other_employer.get(url).status_code == 404


def test_the_pdf_maker_really_makes_pdfs():
    """The refusals above must be about content: the clean file parses, and the bad ones
    differ from it only by what they carry."""
    from io import BytesIO

    from pypdf import PdfReader

    assert len(PdfReader(BytesIO(factories.pdf_bytes(pages=2))).pages) == 2
    bad = factories.pdf_bytes(javascript="x")
    assert b"/JavaScript" in bad and len(PdfReader(BytesIO(bad)).pages) == 1
