"""The scan of the card: checked by its bytes (PDF, JPEG or PNG; images re-encoded without their
metadata, with a pixel limit), stored under a random name, read back, forgotten with the
account; removing a credential and staff's loader."""

from __future__ import annotations

import io
import logging
import re
import secrets
import warnings
from functools import partial
from pathlib import Path

from sqlmodel import Session, col, select

from placement.config import Settings
from placement.db import atomic
from placement.i18n import gettext
from placement.models import (
    GraduateCredential,
    utcnow,
)
from placement.services import Actor, DomainError, NotFound, audit, resumes
from placement.services.graduates import (
    credential_for_graduate,
    delete_credential,
    get_graduate,
)

log = logging.getLogger("placement.credentials")


DOCUMENT_FIELD = "document"
# What a scan may be, told by its first bytes (never by its name or the browser's type).
DOCUMENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}
STORED_DOCUMENT = re.compile(r"^[0-9a-f]{32}\.(pdf|jpg|png)$")
# A phone photo of a card is 12-24 megapixels; more is refused before a pixel is decoded.
MAX_PIXELS = 36_000_000


class DocumentRejected(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, DOCUMENT_FIELD)


def sniff(data: bytes) -> str | None:
    """The scan's kind by its first bytes: pdf, jpeg, png, or None for anything else."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


def check_document(data: bytes, *, max_bytes: int) -> tuple[str, bytes]:
    """The scan as (kind, the bytes to store), or DocumentRejected with a message.

    The messages say "the file" rather than naming it, so that each is one whole sentence to
    translate (a card's scan and a placement's evidence go through the same checks).

    A PDF goes through the résumé checks (services.resumes.check_pdf). An image is opened by
    Pillow with a pixel limit checked on its header before it is decoded, then re-encoded
    from its pixels alone: no EXIF (a phone photo's location), no comments, no profiles.
    """
    if not data:
        raise DocumentRejected(gettext("The file is empty. Choose a scan or photo to upload."))
    if len(data) > max_bytes:
        raise DocumentRejected(resumes.too_large_message(len(data), max_bytes))
    kind = sniff(data)
    if kind is None:
        raise DocumentRejected(
            gettext(
                "This file is not a PDF, JPEG or PNG (whatever its name says). Scan or "
                "photograph the paper again and upload the PDF, JPEG or PNG file."
            )
        )
    if kind == "pdf":
        try:
            resumes.check_pdf(data, max_bytes=max_bytes)
        except DomainError as error:
            raise DocumentRejected(error.message) from None
        return kind, data
    return kind, _clean_image(data, kind)


def _clean_image(data: bytes, kind: str) -> bytes:
    from PIL import Image, ImageOps, UnidentifiedImageError

    unreadable = DocumentRejected(
        gettext(
            "This image could not be read. Save the scan again as a JPEG or PNG and upload that."
        )
    )

    def too_large(megapixels: str) -> DocumentRejected:
        return DocumentRejected(
            gettext(
                "This image is too large (%(megapixels)s megapixels; at most %(most)s). Scan it "
                "at a lower resolution, or take the photo again.",
                megapixels=megapixels,
                most=MAX_PIXELS // 1_000_000,
            )
        )

    try:
        with warnings.catch_warnings():
            # Pillow warns past its own limit and refuses past twice it: both are refusals.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind.upper()]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise too_large(str(width * height // 1_000_000))
                image.load()
                upright = ImageOps.exif_transpose(image)
    except DocumentRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large(gettext("over 100")) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        log.info("scan refused, unreadable image: %s", error)
        raise unreadable from None
    if kind == "jpeg":
        mode = "L" if upright.mode in ("1", "L", "LA") else "RGB"
    else:
        has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
        mode = "RGBA" if has_alpha else ("L" if upright.mode in ("1", "L") else "RGB")
    clean = upright.convert(mode)
    clean.info = {}  # nothing of the original file's metadata is written back
    out = io.BytesIO()
    if kind == "jpeg":
        clean.save(out, "JPEG", quality=90)
    else:
        clean.save(out, "PNG", optimize=True)
    return out.getvalue()


def document_path(settings: Settings, stored_name: str | None) -> Path | None:
    """The file on disk for a stored name, only if the name is one we generate."""
    if not stored_name or not STORED_DOCUMENT.match(stored_name):
        return None
    return Path(settings.upload_dir) / "credentials" / stored_name


@atomic
def store_document(
    db: Session,
    settings: Settings,
    *,
    graduate_id: int,
    actor: Actor,
    credential_id: int,
    data: bytes,
    filename: str | None,
) -> GraduateCredential:
    """Check and store the scan of one of the graduate's credentials, replacing the earlier
    scan (whose file goes once the transaction is committed)."""
    credential = credential_for_graduate(db, graduate_id, credential_id)
    kind, clean = check_document(data, max_bytes=settings.max_upload_bytes)
    folder = Path(settings.upload_dir) / "credentials"
    folder.mkdir(parents=True, exist_ok=True)
    stored = secrets.token_hex(16) + EXTENSIONS[kind]
    path = folder / stored
    with open(path, "xb") as handle:
        handle.write(clean)
    old_path = document_path(settings, credential.document_file)
    credential.document_file = stored
    credential.document_name = resumes.display_name(
        filename, default=f"{credential.code}-scan", extension=EXTENSIONS[kind]
    )
    credential.document_type = DOCUMENT_TYPES[kind]
    credential.document_uploaded_at = utcnow()
    credential.updated_at = utcnow()
    db.add(credential)
    resumes.after_commit(db, lambda: resumes.remove_file(old_path))
    resumes.after_rollback(db, lambda: resumes.remove_file(path))
    audit.record(
        db,
        "credential.document_uploaded",
        actor=actor,
        object_type="credential",
        object_id=credential_id,
        detail=f"{credential.code} of graduate {graduate_id}: {kind}, {len(clean)} bytes",
    )
    db.flush()
    return credential


def read_document(
    settings: Settings, credential: GraduateCredential
) -> tuple[bytes, str, str] | None:
    """The scan as (bytes, display name, media type), or None when there is none. Callers
    decide who may read it: the graduate (through their own credential) and staff."""
    path = document_path(settings, credential.document_file)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        log.warning("scan missing for credential %s", credential.id)
        return None
    return data, credential.document_name or "scan", credential.document_type or ""


def forget_documents(db: Session, settings: Settings, graduate_id: int) -> None:
    """Remove every scan of the graduate's credentials once the transaction is committed
    (the account is being deleted)."""
    rows = db.exec(
        select(GraduateCredential).where(
            GraduateCredential.graduate_id == graduate_id,
            col(GraduateCredential.document_file).is_not(None),
        )
    ).all()
    for credential in rows:
        old_path = document_path(settings, credential.document_file)
        resumes.after_commit(db, partial(resumes.remove_file, old_path))
        credential.document_file = None
        db.add(credential)


def remove_credential(
    db: Session, settings: Settings, *, graduate_id: int, actor: Actor, credential_id: int
) -> None:
    """Remove one of the graduate's credentials with its history and its scan (the file goes
    once the transaction is committed)."""
    credential = credential_for_graduate(db, graduate_id, credential_id)
    old_path = document_path(settings, credential.document_file)
    delete_credential(db, graduate_id=graduate_id, actor=actor, credential_id=credential_id)
    resumes.after_commit(db, lambda: resumes.remove_file(old_path))


def staff_credential(db: Session, credential_id: int) -> GraduateCredential:
    """A credential as staff load it: NotFound when it is missing or its graduate is gone."""
    credential = db.get(GraduateCredential, credential_id)
    if credential is None:
        raise NotFound
    get_graduate(db, credential.graduate_id)
    return credential
