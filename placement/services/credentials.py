"""Credentials as a lifecycle: edits and renewals with history, one scan per credential,
verification with its method and evidence, and the reminder series before expiry.

Adding and removing a credential, and the rules of its fields (`check_credential`), live in
services.graduates with the rest of the graduate's record; everything that happens to a
credential after it was added lives here. Every change marks the graduate for the matching
index (services.changes) and is written to the audit log — with codes and dates, never the
licence number, so deleting the account leaves no number in the log.
"""

from __future__ import annotations

import io
import logging
import re
import secrets
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from placement import formats, i18n, links, taxonomy
from placement.config import Settings
from placement.db import atomic
from placement.i18n import gettext, ngettext
from placement.localtime import format_date
from placement.models import (
    CredentialReminder,
    CredentialVersion,
    Graduate,
    GraduateCredential,
    User,
    utcnow,
)
from placement.services import Actor, Conflict, DomainError, NotFound, audit, changes, mail, resumes
from placement.services.graduates import (
    CredentialInput,
    check_credential,
    credential_for_graduate,
    delete_credential,
    get_graduate,
)

log = logging.getLogger("placement.credentials")

# A change of any of these is a renewal: a new version, unverified, with a new reminder series.
RENEWAL_FIELDS = ("number", "state", "issued_on", "expires_on")
# Days before expiry at which the graduate is reminded; the 7-day mail is time-critical.
REMINDER_THRESHOLDS = (60, 30, 7)
REMINDER_KINDS = {days: f"credential.reminder_{days}" for days in REMINDER_THRESHOLDS}
MAX_NOTE = 2000
MAX_BULK = 200


def credential_input(credential: GraduateCredential) -> CredentialInput:
    return CredentialInput(
        code=credential.code,
        number=credential.number,
        state=credential.state,
        issued_on=credential.issued_on,
        expires_on=credential.expires_on,
    )


# -- edit and renew ------------------------------------------------------------------------


@dataclass(frozen=True)
class EditResult:
    credential: GraduateCredential
    renewed: bool


@atomic
def edit_credential(
    db: Session,
    *,
    graduate_id: int,
    actor: Actor,
    credential_id: int,
    data: CredentialInput,
    version: int | None = None,
    today: date | None = None,
) -> EditResult:
    """Save the edit form of one of the graduate's credentials.

    The code cannot change (DomainError at `code`: remove it and add the other one). A new
    number, state, issue or expiry date is a renewal: the current version goes to the
    credential's history, the verification is cleared and the reminders start again. An edit
    that changes nothing keeps everything, verification included. `version` is the credential
    version the form was made from; an older one raises Conflict (renewed elsewhere meanwhile).
    """
    credential = credential_for_graduate(db, graduate_id, credential_id)
    if data.code != credential.code:
        raise DomainError(
            gettext(
                "The kind of credential cannot change. Remove this one and add the other instead."
            ),
            "code",
        )
    check_credential(data, today)
    if version is not None and version != credential.version:
        raise Conflict(
            gettext(
                "This credential was changed in another window after you opened this form. "
                "Nothing was saved: the form now shows the current version."
            )
        )
    before = {name: getattr(credential, name) for name in RENEWAL_FIELDS}
    after = {name: getattr(data, name) for name in RENEWAL_FIELDS}
    if before == after:
        return EditResult(credential, renewed=False)
    current = credential.version
    earlier = CredentialVersion(
        credential_id=credential_id,
        version=current,
        **before,
        verified_at=credential.verified_at,
        verified_by=credential.verified_by,
        verification_method=credential.verification_method,
        verification_note=credential.verification_note,
        document_name=credential.document_name,
    )
    # A conditional update, so that two renewals sent at once make one new version each in
    # turn (the second is refused), never two history rows for one version.
    result = db.exec(
        update(GraduateCredential)
        .where(
            col(GraduateCredential.id) == credential_id, col(GraduateCredential.version) == current
        )
        .values(
            **after,
            version=current + 1,
            verified_at=None,
            verified_by=None,
            verification_method=None,
            verification_note="",
            updated_at=utcnow(),
        )
    )
    if result.rowcount != 1:
        raise Conflict(
            gettext(
                "This credential was renewed in another window at the same time. Nothing more "
                "was saved: the form now shows the current version."
            )
        )
    db.add(earlier)
    db.flush()
    db.refresh(credential)
    changes.graduate_changed(db, graduate_id)
    audit.record(
        db,
        "credential.renewed",
        actor=actor,
        object_type="credential",
        object_id=credential_id,
        detail=f"{credential.code} of graduate {graduate_id}: version {current} → {current + 1}",
        before=_coded(before) | {"version": current},
        after=_coded(after) | {"version": current + 1},
    )
    return EditResult(credential, renewed=True)


def _coded(values: dict[str, Any]) -> dict[str, Any]:
    """What the audit log keeps of a version: whether the number changed, not the number."""
    out = {name: values[name] for name in ("state", "issued_on", "expires_on")}
    out["has_number"] = bool(values["number"])
    return out


def history_of(db: Session, credential_ids: Sequence[int]) -> dict[int, list[CredentialVersion]]:
    """The earlier versions of each credential, newest first, in one query."""
    history: dict[int, list[CredentialVersion]] = {}
    if not credential_ids:
        return history
    for row in db.exec(
        select(CredentialVersion)
        .where(col(CredentialVersion.credential_id).in_(list(credential_ids)))
        .order_by(col(CredentialVersion.credential_id), col(CredentialVersion.version).desc())
    ).all():
        history.setdefault(row.credential_id, []).append(row)
    return history


# -- the scan of the card ------------------------------------------------------------------

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


# -- reminders before expiry ---------------------------------------------------------------


def reminder_threshold(days_left: int) -> int | None:
    """The reminder due with `days_left` days before expiry: the tightest threshold reached
    (45 days left: the 60-day one; 5 days: the 7-day one), None for an expired card or one
    with more than 60 days left."""
    if days_left < 0:
        return None
    reached = [days for days in REMINDER_THRESHOLDS if days_left <= days]
    return min(reached) if reached else None


def send_reminders(db: Session, settings: Settings, today: date) -> int:
    """Mail each reminder that is due, once per credential version and threshold.

    The unique CredentialReminder row is written first, in a savepoint, and the mail is queued
    only when this worker's row went in: two workers at once (or a job cut off and run again)
    never send one reminder twice. A renewal raises the version, so its series starts again.
    """
    horizon = today + timedelta(days=max(REMINDER_THRESHOLDS))
    rows: Sequence[Any] = db.execute(
        sa_select(
            col(GraduateCredential.id),
            col(GraduateCredential.code),
            col(GraduateCredential.version),
            col(GraduateCredential.expires_on),
            col(Graduate.first_name),
            col(User.id).label("user_id"),
            col(User.email),
            col(User.language),
        )
        .join(Graduate, col(Graduate.id) == col(GraduateCredential.graduate_id))
        .join(User, col(User.id) == col(Graduate.user_id))
        .where(
            col(GraduateCredential.expires_on) >= today,
            col(GraduateCredential.expires_on) <= horizon,
            col(Graduate.deleted_at).is_(None),
            col(User.active).is_(True),
        )
        .order_by(col(GraduateCredential.expires_on), col(GraduateCredential.id))
    ).all()
    if not rows:
        return 0
    done = {
        (credential_id, version, threshold)
        for credential_id, version, threshold in db.exec(
            select(
                CredentialReminder.credential_id,
                CredentialReminder.version,
                CredentialReminder.threshold,
            ).where(col(CredentialReminder.credential_id).in_([row.id for row in rows]))
        ).all()
    }
    sent = 0
    for row in rows:
        threshold = reminder_threshold((row.expires_on - today).days)
        if threshold is None or (row.id, row.version, threshold) in done:
            continue
        try:
            with db.begin_nested():
                db.add(
                    CredentialReminder(
                        credential_id=row.id, version=row.version, threshold=threshold
                    )
                )
                db.flush()
        except IntegrityError:
            continue  # another worker sent this one
        _queue_reminder(db, settings, row, threshold, today)
        sent += 1
    return sent


def _reminder_text(label: str, days_left: int, expires_on: date) -> tuple[str, str]:
    """The subject and the first sentence of a reminder, each worded whole."""
    day = format_date(expires_on)
    if days_left == 0:
        return (
            gettext("Your %(credential)s expires today", credential=label),
            gettext("Your %(credential)s expires today, %(date)s.", credential=label, date=day),
        )
    if days_left == 1:
        return (
            gettext("Your %(credential)s expires tomorrow", credential=label),
            gettext("Your %(credential)s expires tomorrow, %(date)s.", credential=label, date=day),
        )
    return (
        ngettext(
            "Your %(credential)s expires in %(num)s day",
            "Your %(credential)s expires in %(num)s days",
            days_left,
            credential=label,
        ),
        ngettext(
            "Your %(credential)s expires in %(num)s day, on %(date)s.",
            "Your %(credential)s expires in %(num)s days, on %(date)s.",
            days_left,
            credential=label,
            date=day,
        ),
    )


def _queue_reminder(db: Session, settings: Settings, row: Any, threshold: int, today: date) -> None:
    """One reminder, worded in the graduate's language (the job has no reader of its own)."""
    with i18n.using(row.language):
        label = taxonomy.label(taxonomy.CREDENTIALS, row.code)
        subject, first = _reminder_text(label, (row.expires_on - today).days, row.expires_on)
        link = links.url(settings, "graduate:credential_edit", credential_id=row.id)
        body = gettext(
            "Hello %(name)s,\n\n"
            "%(expiry)s\n\n"
            "Positions that require it stop counting it once it has expired. When you have "
            "renewed it, enter the new number or dates and upload a scan of the new card, so "
            "career services can verify it:\n\n%(link)s\n\n"
            "Career Services\n",
            name=row.first_name,
            expiry=first,
            link=link,
        )
    mail.queue(
        db,
        settings,
        to_email=row.email,
        to_user_id=row.user_id,
        subject=subject,
        body=body,
        kind=REMINDER_KINDS[threshold],
    )


# -- verification by career services -------------------------------------------------------


@dataclass(frozen=True)
class Verified:
    verified: list[GraduateCredential]
    already: list[int]  # ids someone verified first (or in another tab)


@atomic
def verify_credentials(
    db: Session, actor: Actor, credential_ids: Sequence[int], *, method: str, note: str = ""
) -> Verified:
    """Verify each credential with how it was checked and a note; one audit event each.

    Each is a conditional update (`… WHERE verified_at IS NULL`), so two staff verifying at
    once give one verification; the ones already verified are returned in `already`. An id
    that is missing, or whose graduate is gone, raises NotFound and nothing is verified.
    """
    if method not in taxonomy.CREDENTIAL_VERIFICATION_METHODS:
        raise DomainError(gettext("Choose how you checked the credential."), "method")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise DomainError(
            gettext("Keep the note to at most %(max)s characters.", max=formats.number(MAX_NOTE)),
            "note",
        )
    if "\x00" in note:
        raise DomainError(gettext("The note contains a character that cannot be stored."), "note")
    ids = list(dict.fromkeys(credential_ids))
    if not ids:
        raise DomainError(gettext("Choose at least one credential to verify."), "credential_ids")
    if len(ids) > MAX_BULK:
        raise DomainError(
            gettext("Verify at most %(max)s credentials at once.", max=MAX_BULK), "credential_ids"
        )
    credentials = [staff_credential(db, credential_id) for credential_id in ids]
    now = utcnow()
    done: list[GraduateCredential] = []
    already: list[int] = []
    for credential in credentials:
        result = db.exec(
            update(GraduateCredential)
            .where(
                col(GraduateCredential.id) == credential.id,
                col(GraduateCredential.verified_at).is_(None),
            )
            .values(
                verified_at=now,
                verified_by=actor.user_id,
                verification_method=method,
                verification_note=note,
            )
        )
        if result.rowcount != 1:
            already.append(credential.id or 0)
            continue
        db.refresh(credential)
        changes.graduate_changed(db, credential.graduate_id)
        audit.record(
            db,
            "credential.verified",
            actor=actor,
            object_type="credential",
            object_id=credential.id,
            detail=(
                f"{credential.code} ({credential.state or '—'}) version {credential.version} "
                f"of graduate #{credential.graduate_id}: {method}"
            ),
            before={"verified_at": None},
            after={"verified_at": now, "verified_by": actor.user_id, "method": method},
        )
        done.append(credential)
    return Verified(verified=done, already=already)


@atomic
def verify_credential(
    db: Session, actor: Actor, credential_id: int, *, method: str, note: str = ""
) -> GraduateCredential:
    """Verify one credential; Conflict when it is verified already."""
    result = verify_credentials(db, actor, [credential_id], method=method, note=note)
    if not result.verified:
        raise Conflict(gettext("This credential is already verified."))
    return result.verified[0]


def verifier_names(db: Session, credentials: Iterable[Any]) -> dict[int, str]:
    """The names of the staff who verified these credentials (or their earlier versions)."""
    ids = {row.verified_by for row in credentials if row.verified_by is not None}
    if not ids:
        return {}
    return {
        user_id: name or email
        for user_id, name, email in db.exec(
            select(User.id, User.name, User.email).where(col(User.id).in_(ids))
        ).all()
        if user_id is not None
    }
