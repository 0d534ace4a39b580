"""Documents on a placement (an offer letter, a pay stub, an employer's letter): the
evidence an accreditor's auditor asks for.

Checked like a credential's scan (services.credentials.check_document: PDF, JPEG or PNG by
content, a pixel limit before decoding, images re-encoded without their metadata) and stored
under a generated name in `<upload_dir>/placements/`, outside static/; read back only
through a staff route, as an attachment.
"""

from __future__ import annotations

import logging
import re
import secrets
from pathlib import Path

from sqlmodel import Session, col, select

from placement.config import Settings
from placement.db import atomic
from placement.models import Placement, PlacementDocument
from placement.services import Actor, NotFound, audit, resumes
from placement.services.credentials import DOCUMENT_TYPES, EXTENSIONS, check_document

log = logging.getLogger("placement.evidence")
STORED = re.compile(r"^[0-9a-f]{32}\.(pdf|jpg|png)$")
FOLDER = "placements"


def evidence_path(settings: Settings, stored_name: str | None) -> Path | None:
    """The file on disk for a stored name, only if the name is one we generate."""
    if not stored_name or not STORED.match(stored_name):
        return None
    return Path(settings.upload_dir) / FOLDER / stored_name


@atomic
def store_evidence(
    db: Session,
    settings: Settings,
    actor: Actor,
    *,
    placement_id: int,
    data: bytes,
    filename: str | None,
) -> PlacementDocument:
    """Check and keep one more document of the placement (the earlier ones stay)."""
    placement = db.get(Placement, placement_id)
    if placement is None:
        raise NotFound
    kind, clean = check_document(data, max_bytes=settings.max_upload_bytes)
    folder = Path(settings.upload_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    stored = secrets.token_hex(16) + EXTENSIONS[kind]
    path = folder / stored
    with open(path, "xb") as handle:
        handle.write(clean)
    resumes.after_rollback(db, lambda: resumes.remove_file(path))
    document = PlacementDocument(
        placement_id=placement_id,
        stored_file=stored,
        name=resumes.display_name(
            filename, default=f"placement-{placement_id}-evidence", extension=EXTENSIONS[kind]
        ),
        content_type=DOCUMENT_TYPES[kind],
        size=len(clean),
        uploaded_by=actor.user_id,
    )
    db.add(document)
    db.flush()
    audit.record(
        db,
        "placement.evidence_uploaded",
        actor=actor,
        object_type="placement",
        object_id=placement_id,
        detail=f"document #{document.id}: {kind}, {len(clean)} bytes",
    )
    return document


def documents_of(db: Session, placement_id: int) -> list[PlacementDocument]:
    return list(
        db.exec(
            select(PlacementDocument)
            .where(PlacementDocument.placement_id == placement_id)
            .order_by(col(PlacementDocument.uploaded_at), col(PlacementDocument.id))
        ).all()
    )


def document_of(db: Session, placement_id: int, document_id: int) -> PlacementDocument:
    """One document, through its placement (another placement's document is NotFound)."""
    document = db.get(PlacementDocument, document_id)
    if document is None or document.placement_id != placement_id:
        raise NotFound
    return document


def read_evidence(settings: Settings, document: PlacementDocument) -> tuple[bytes, str, str] | None:
    """(bytes, display name, media type), or None when the file is missing."""
    path = evidence_path(settings, document.stored_file)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        log.warning("evidence file missing for placement document %s", document.id)
        return None
    return data, document.name, document.content_type
