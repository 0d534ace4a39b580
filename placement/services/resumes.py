"""Résumés: PDFs checked by their bytes and by a parse, stored under generated names.

A file is accepted only when it starts like a PDF, parses with pypdf, has at least one page,
and carries nothing active: no JavaScript, no launch actions, no embedded files (looked for in
the raw bytes, with `#xx` escapes in names decoded, and in every parsed object, including
those packed into object streams). The graduate's file name is kept only for display; the file
on disk is `<32 hex digits>.pdf` directly inside `settings.upload_dir`.
"""

from __future__ import annotations

import io
import logging
import re
import secrets
import unicodedata
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event
from sqlmodel import Session

from placement.config import Settings
from placement.i18n import gettext
from placement.models import Graduate, utcnow
from placement.services import Actor, DomainError, audit, changes

log = logging.getLogger("placement.resumes")

FIELD = "resume"
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.pdf$")
# Names that make a PDF act on its own: scripts, launching programs, carrying other files.
ACTIVE_NAMES = frozenset(
    {"JS", "JavaScript", "Launch", "EmbeddedFile", "EmbeddedFiles", "RichMedia", "XFA"}
)
RAW_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
MAX_OBJECTS = 200_000


class ResumeRejected(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, FIELD)


# -- checking --------------------------------------------------------------------------------


def check_pdf(data: bytes, *, max_bytes: int) -> None:
    """Raise ResumeRejected with a message a person can act on, or return for a clean PDF.

    Credential scans (services.credentials) go through the same checks, so the messages say
    "the file", never "your résumé".
    """
    if not data:
        raise ResumeRejected(gettext("The file is empty. Choose a PDF file to upload."))
    if len(data) > max_bytes:
        raise ResumeRejected(too_large_message(len(data), max_bytes))
    if not data.startswith(b"%PDF-"):
        raise ResumeRejected(
            gettext(
                "This file is not a PDF (whatever its name says). Save or export it as a PDF "
                "and upload that."
            )
        )
    found = _active_names_in_bytes(data)
    if found:
        raise ResumeRejected(_active_message(found))
    found = _active_names_in_objects(data)
    if found:
        raise ResumeRejected(_active_message(found))


def size_text(count: int) -> str:
    if count >= 1024 * 1024:
        # es_US writes the decimal point as English does.
        megabytes = f"{count / (1024 * 1024):.1f}"
        return gettext("%(size)s MB", size=megabytes)
    return gettext("%(size)s KB", size=max(count // 1024, 1))


def too_large_message(size: int, max_bytes: int) -> str:
    return gettext(
        "The file is too large (%(size)s); the limit is %(limit)s.",
        size=size_text(size),
        limit=size_text(max_bytes),
    )


def _active_message(found: set[str]) -> str:
    """What was found, one whole sentence per kind, then what to do."""
    sentences = []
    if found & {"JS", "JavaScript", "XFA", "RichMedia"}:
        sentences.append(gettext("This PDF contains JavaScript or other active content."))
    if "Launch" in found:
        sentences.append(gettext("This PDF contains an action that launches a program."))
    if found & {"EmbeddedFile", "EmbeddedFiles"}:
        sentences.append(gettext("This PDF contains embedded files."))
    sentences.append(
        gettext(
            "We do not accept that, for safety: export the file again as a plain PDF (for "
            "example with “Print to PDF”) and upload that."
        )
    )
    return " ".join(sentences)


def _decode_name(raw: bytes) -> str:
    """A PDF name with its #xx escapes decoded (so /J#61vaScript reads /JavaScript)."""

    def unescape(match: re.Match[bytes]) -> bytes:
        return bytes([int(match.group(1), 16)])

    return re.sub(rb"#([0-9A-Fa-f]{2})", unescape, raw).decode("latin-1")


def _active_names_in_bytes(data: bytes) -> set[str]:
    return {
        name for name in (_decode_name(m.group(1)) for m in RAW_NAME.finditer(data))
    } & ACTIVE_NAMES


def _active_names_in_objects(data: bytes) -> set[str]:
    """Parse with pypdf and walk every object: keys and name values are both checked."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ResumeRejected(
                gettext("This PDF is protected with a password. Upload a copy without a password.")
            )
        if len(reader.pages) < 1:
            raise ResumeRejected(gettext("This PDF has no pages."))
        roots: list[object] = [reader.trailer]
        for generation, numbers in reader.xref.items():
            roots.extend(IndirectObject(number, generation, reader) for number in numbers)
        roots.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
        found: set[str] = set()
        seen: set[tuple[int, int]] = set()
        stack = roots
        visited = 0
        while stack:
            item = stack.pop()
            visited += 1
            if visited > MAX_OBJECTS:
                raise ResumeRejected(
                    gettext("This PDF is too complex to check. Export a simpler copy.")
                )
            if isinstance(item, IndirectObject):
                key = (item.idnum, item.generation)
                if key in seen:
                    continue
                seen.add(key)
                try:
                    item = item.get_object()
                except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
                    continue
            if isinstance(item, DictionaryObject):
                for name, value in item.items():
                    found.add(str(name).lstrip("/"))
                    stack.append(value)
            elif isinstance(item, ArrayObject):
                stack.extend(item)
            elif isinstance(item, NameObject):
                found.add(str(item).lstrip("/"))
        return found & ACTIVE_NAMES
    except ResumeRejected:
        raise
    except Exception as error:  # pypdf raises many kinds on malformed input
        log.info("résumé refused, unreadable PDF: %s", error)
        raise ResumeRejected(
            gettext("This file could not be read as a PDF. Export it again as a PDF.")
        ) from None


# -- names -----------------------------------------------------------------------------------


def display_name(filename: str | None, *, default: str = "resume", extension: str = ".pdf") -> str:
    """The name shown to people: the last path part, printable, at most 200 characters,
    ending in `extension`.

    Never used on disk, so `../` or unicode in it changes nothing outside the upload folder.
    """
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] not in ("C", "Z") or c == " ")
    name = " ".join(name.split()).strip(". ")
    if not name:
        name = default + extension
    if not name.lower().endswith(extension):
        name += extension
    if len(name) > 200:
        name = name[: 200 - len(extension)] + extension
    return name


def stored_path(settings: Settings, stored_name: str | None) -> Path | None:
    """The file on disk for a stored name, only if the name is one we generate."""
    if not stored_name or not STORED_NAME.match(stored_name):
        return None
    return Path(settings.upload_dir) / stored_name


# -- storing ---------------------------------------------------------------------------------


def after_commit(db: Session, action: Callable[[], None]) -> None:
    _file_actions(db)["commit"].append(action)


def after_rollback(db: Session, action: Callable[[], None]) -> None:
    _file_actions(db)["rollback"].append(action)


def _file_actions(db: Session) -> dict[str, list[Callable[[], None]]]:
    """Files follow the transaction: an old file is removed only once the new row is
    committed, and a new file is removed again if the transaction rolls back."""
    actions = db.info.get("file_actions")
    if actions is None:
        actions = {"commit": [], "rollback": []}
        db.info["file_actions"] = actions

        def committed(session: Session) -> None:
            todo, actions["commit"], actions["rollback"] = list(actions["commit"]), [], []
            for action in todo:
                action()

        def rolled_back(session: Session, previous: object) -> None:
            if getattr(previous, "parent", None) is not None:
                return  # a SAVEPOINT: the outer transaction goes on
            todo, actions["commit"], actions["rollback"] = list(actions["rollback"]), [], []
            for action in todo:
                action()

        event.listen(db, "after_commit", committed)
        event.listen(db, "after_soft_rollback", rolled_back)
    return actions


def remove_file(path: Path | None) -> None:
    if path is None:
        return
    try:
        path.unlink(missing_ok=True)
    except OSError as error:  # pragma: no cover - a disk problem must not fail the request
        log.warning("could not remove %s: %s", path, error)


def store_resume(
    db: Session,
    settings: Settings,
    *,
    graduate: Graduate,
    actor: Actor,
    data: bytes,
    filename: str | None,
) -> Graduate:
    """Check and store a résumé, replacing the previous one (removed after the commit)."""
    check_pdf(data, max_bytes=settings.max_upload_bytes)
    folder = Path(settings.upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stored = secrets.token_hex(16) + ".pdf"
    path = folder / stored
    with open(path, "xb") as handle:
        handle.write(data)
    old_path = stored_path(settings, graduate.resume_file)
    graduate.resume_file = stored
    graduate.resume_name = display_name(filename)
    graduate.resume_uploaded_at = utcnow()
    graduate.updated_at = utcnow()
    db.add(graduate)
    after_commit(db, lambda: remove_file(old_path))
    after_rollback(db, lambda: remove_file(path))
    changes.graduate_changed(db, graduate.id)
    audit.record(
        db,
        "graduate.resume_uploaded",
        actor=actor,
        object_type="graduate",
        object_id=graduate.id,
        detail=f"{len(data)} bytes",
    )
    db.flush()
    return graduate


def forget_resume(db: Session, settings: Settings, graduate: Graduate) -> None:
    """Drop the graduate's résumé; the file goes once the transaction is committed."""
    old_path = stored_path(settings, graduate.resume_file)
    graduate.resume_file = None
    graduate.resume_name = None
    graduate.resume_uploaded_at = None
    db.add(graduate)
    after_commit(db, lambda: remove_file(old_path))


def read_resume(settings: Settings, graduate: Graduate) -> tuple[bytes, str] | None:
    """The graduate's résumé as (bytes, display name), or None when there is none.

    Callers decide who may read it (privacy.employer_may_download_resume for employers).
    """
    path = stored_path(settings, graduate.resume_file)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        log.warning("résumé file missing for graduate %s", graduate.id)
        return None
    return data, graduate.resume_name or "resume.pdf"
