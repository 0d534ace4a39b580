"""The credential lifecycle in the seed and demo data: renewed cards with their earlier
version kept, scans of cards, and cards that expire soon (so reminders and the staff's
expiring queue have something to show)."""

from __future__ import annotations

import io
import random
import secrets
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from placement import dates
from placement.config import Settings
from placement.localtime import local_today
from placement.models import CredentialVersion, GraduateCredential
from placement.services import credentials as credential_service

RENEWED_SHARE = 0.15  # of expiring credentials issued more than a term ago
SCANNED_SHARE = 0.1
SOON_SHARE = 0.06  # cards moved to expire within the next 45 days
MAX_SCANS = 60


def _scan(code: str, number: str) -> bytes:
    """A small PNG standing in for a photo of the card (cleaned like an upload)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), (245, 245, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 311, 191), outline=(40, 70, 120), width=3)
    draw.text((24, 40), code.replace("_", " ").upper(), fill=(20, 20, 20))
    draw.text((24, 90), number or "no number", fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, "PNG")
    _, clean = credential_service.check_document(out.getvalue(), max_bytes=10**6)
    return clean


def seed_credential_lifecycle(
    db: Session, rng: random.Random, settings: Settings
) -> dict[str, int]:
    today = local_today(settings)
    rows = db.exec(select(GraduateCredential).order_by(GraduateCredential.id)).scalars().all()  # type: ignore[call-overload,arg-type]
    renewed = scanned = soon = 0
    folder = Path(settings.upload_dir) / "credentials"
    for credential in rows:
        if (
            credential.expires_on is not None
            and credential.issued_on is not None
            and rng.random() < RENEWED_SHARE
        ):
            term = (credential.expires_on - credential.issued_on).days
            earlier_issue = credential.issued_on - timedelta(days=term)
            db.add(
                CredentialVersion(
                    credential_id=credential.id or 0,
                    version=1,
                    number=credential.number[:-1] + "0" if credential.number else "",
                    state=credential.state,
                    issued_on=earlier_issue,
                    expires_on=credential.issued_on,
                    verified_at=credential.verified_at,
                    verified_by=credential.verified_by,
                    verification_method="document_reviewed" if credential.verified_at else None,
                )
            )
            credential.version = 2
            renewed += 1
        if credential.expires_on is not None and rng.random() < SOON_SHARE:
            credential.expires_on = today + timedelta(days=rng.randint(3, 45))
            if credential.issued_on and credential.issued_on >= credential.expires_on:
                credential.issued_on = dates.years_after(credential.expires_on, -2)
            soon += 1
        if credential.verified_at is not None and credential.verification_method is None:
            credential.verification_method = rng.choice(
                ("document_reviewed", "primary_source", "document_reviewed", "other")
            )
        if scanned < MAX_SCANS and rng.random() < SCANNED_SHARE:
            folder.mkdir(parents=True, exist_ok=True)
            stored = secrets.token_hex(16) + ".png"
            (folder / stored).write_bytes(_scan(credential.code, credential.number))
            credential.document_file = stored
            credential.document_name = f"{credential.code.replace('_', '-')}-card.png"
            credential.document_type = "image/png"
            credential.document_uploaded_at = credential.verified_at or credential.created_at
            scanned += 1
        db.add(credential)
    db.flush()
    return {"credential_renewals": renewed, "credential_scans": scanned, "credentials_soon": soon}
