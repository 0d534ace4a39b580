"""One scan per credential: POST, GET /me/credentials/{id}/document and
GET /staff/credentials/{id}/document. PDF, JPEG or PNG by content, images re-encoded from
their pixels, served as attachments to the graduate and staff only."""

from __future__ import annotations

import io
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select

from placement.models import AuditEvent, GraduateCredential
from placement.services import credentials as credential_service
from tests import factories


def jpeg_with_metadata() -> bytes:
    image = Image.new("RGB", (64, 40), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Make"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to show upright
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"secret comment")
    return out.getvalue()


def png_bytes(size=(30, 20), mode="RGB") -> bytes:
    out = io.BytesIO()
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Hidden Author")
    Image.new(mode, size).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A small PNG whose header says width × height one-bit pixels (all black)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


@pytest.fixture
def card(db, graduate_user):
    return factories.credential(db, graduate_user.graduate.id, "bls_cpr", number="B-1")


def _upload(client, credential_id, data, name="card.png", content_type="image/png"):
    return client.submit(
        f"/me/credentials/{credential_id}/document",
        files={"document": (name, data, content_type)},
    )


def _reload(db, credential_id) -> GraduateCredential:
    db.expire_all()
    return db.get(GraduateCredential, credential_id)


def _files(settings) -> list[Path]:
    folder = Path(settings.upload_dir) / "credentials"
    return sorted(folder.iterdir()) if folder.exists() else []


class TestUpload:
    def test_a_jpeg_is_stored_without_its_metadata(self, as_graduate, db, card, settings):
        response = _upload(
            as_graduate, card.id, jpeg_with_metadata(), "IMG 0001.jpeg", "image/jpeg"
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/me/credentials?done=document"
        stored = _reload(db, card.id)
        assert stored.document_type == "image/jpeg"
        assert stored.document_name == "IMG 0001.jpeg.jpg" or stored.document_name.endswith(".jpg")
        (path,) = _files(settings)
        data = path.read_bytes()
        assert b"SpyCam" not in data and b"secret comment" not in data
        with Image.open(path) as image:
            assert image.format == "JPEG"
            assert dict(image.getexif()) == {}
            assert image.size == (40, 64)  # turned upright before the orientation tag went
        assert db.exec(
            select(AuditEvent).where(AuditEvent.action == "credential.document_uploaded")
        ).one()

    def test_a_png_is_re_encoded_without_its_text(self, as_graduate, db, card, settings):
        assert _upload(as_graduate, card.id, png_bytes()).status_code == 303
        (path,) = _files(settings)
        assert b"Hidden Author" not in path.read_bytes()
        assert path.name.endswith(".png")

    def test_a_pdf_is_kept_as_it_is(self, as_graduate, db, card, settings):
        data = factories.pdf_bytes()
        assert _upload(as_graduate, card.id, data, "card.pdf", "application/pdf").status_code == 303
        (path,) = _files(settings)
        assert path.read_bytes() == data and _reload(db, card.id).document_type == "application/pdf"

    def test_a_new_scan_replaces_the_old_file(self, as_graduate, db, card, settings):
        _upload(as_graduate, card.id, png_bytes())
        _upload(as_graduate, card.id, png_bytes((10, 10)))
        (path,) = _files(settings)
        assert _reload(db, card.id).document_file == path.name

    def test_removing_the_credential_removes_its_scan(self, as_graduate, db, card, settings):
        _upload(as_graduate, card.id, png_bytes())
        assert as_graduate.submit(f"/me/credentials/{card.id}/delete").status_code == 303
        assert _files(settings) == []

    def test_another_graduate_cannot_upload_to_my_credential(self, as_other_graduate, card, db):
        assert _upload(as_other_graduate, card.id, png_bytes()).status_code == 404
        assert _reload(db, card.id).document_file is None


class TestRefusals:
    @pytest.mark.parametrize(
        ("data", "name", "message"),
        [
            (b"<!doctype html><script>alert(1)</script>", "card.png", "not a PDF, JPEG or PNG"),
            (b"GIF89a\x01\x00\x01\x00", "card.gif", "not a PDF, JPEG or PNG"),
            (b"", "card.png", "The file is empty"),
            (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "card.png", "could not be read"),
            (b"\xff\xd8\xff\xe0 not really a jpeg", "card.jpg", "could not be read"),
            (factories.pdf_bytes(javascript="app.alert(1)"), "card.pdf", "JavaScript"),
            (b"%PDF-1.7\n garbage", "card.pdf", "could not be read as a PDF"),
            (b"\xff\xd8\xff" + b"\x00" * (1024 * 1024 + 10), "card.jpg", "too large"),
        ],
        ids=[
            "html-named-png",
            "gif",
            "empty",
            "broken-png",
            "broken-jpeg",
            "pdf-js",
            "bad-pdf",
            "over-the-cap",
        ],
    )
    def test_it_refuses_with_a_message_and_changes_nothing(
        self, as_graduate, db, graduate_user, card, settings, data, name, message
    ):
        other = factories.credential(db, graduate_user.graduate.id, "tb_test")
        _upload(as_graduate, other.id, png_bytes())
        before = _reload(db, other.id).document_file
        response = _upload(as_graduate, card.id, data, name)
        assert response.status_code == 422
        assert message in response.text
        assert _reload(db, card.id).document_file is None
        assert _reload(db, other.id).document_file == before
        assert len(_files(settings)) == 1

    def test_an_image_bomb_is_refused_quickly(self, as_graduate, db, card, settings):
        bomb = png_bomb()
        assert len(bomb) < 1024 * 1024  # small on the wire: 900 megapixels once decoded
        started = time.perf_counter()
        response = _upload(as_graduate, card.id, bomb)
        elapsed = time.perf_counter() - started
        assert response.status_code == 422
        assert "too large" in response.text and "megapixels" in response.text
        assert elapsed < 3
        assert _reload(db, card.id).document_file is None and _files(settings) == []

    def test_the_pixel_limit_holds_below_pillows_own(self):
        with pytest.raises(credential_service.DocumentRejected, match="megapixels"):
            credential_service.check_document(png_bomb(7000, 6000), max_bytes=10**7)

    def test_no_file_chosen(self, as_graduate, card):
        response = as_graduate.submit(f"/me/credentials/{card.id}/document", {})
        assert response.status_code == 422 and "Choose the scan" in response.text


class TestDownload:
    def _with_scan(self, as_graduate, card):
        assert _upload(as_graduate, card.id, png_bytes(), "my card.png").status_code == 303

    def test_the_graduate_downloads_it_as_an_attachment(self, as_graduate, card):
        self._with_scan(as_graduate, card)
        response = as_graduate.get(f"/me/credentials/{card.id}/document")
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"
        assert response.headers["content-disposition"].startswith("attachment;")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.content.startswith(b"\x89PNG")

    def test_staff_download_it(self, as_graduate, as_staff, card):
        self._with_scan(as_graduate, card)
        response = as_staff.get(f"/staff/credentials/{card.id}/document")
        assert response.status_code == 200
        assert response.headers["content-disposition"].startswith("attachment;")
        assert response.headers["x-content-type-options"] == "nosniff"

    def test_nobody_else_does(self, as_graduate, as_other_graduate, as_employer, card):
        self._with_scan(as_graduate, card)
        assert as_other_graduate.get(f"/me/credentials/{card.id}/document").status_code == 404
        assert as_employer.get(f"/staff/credentials/{card.id}/document").status_code in (403, 404)
        assert as_other_graduate.get(f"/staff/credentials/{card.id}/document").status_code in (
            403,
            404,
        )

    def test_no_scan_answers_404(self, as_graduate, as_staff, card):
        assert as_graduate.get(f"/me/credentials/{card.id}/document").status_code == 404
        assert as_staff.get(f"/staff/credentials/{card.id}/document").status_code == 404
        assert as_staff.get("/staff/credentials/999999/document").status_code == 404
