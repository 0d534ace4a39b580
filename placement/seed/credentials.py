"""The credential lifecycle in the seed and demo data: renewed cards with their earlier
version kept, scans of cards, and cards that expire soon (so reminders and the staff's
expiring queue have something to show).

Applied to each credential row as the graduates' rows are made, before they are inserted:
a second pass over hundreds of thousands of ORM objects was a quarter of a large seed.
"""

from __future__ import annotations

import io
import random
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from placement import dates
from placement.config import Settings
from placement.localtime import local_today
from placement.models import utcnow
from placement.services import credentials as credential_service

RENEWED_SHARE = 0.15  # of expiring credentials issued more than a term ago
SCANNED_SHARE = 0.1
SOON_SHARE = 0.06  # cards moved to expire within the next 45 days
MAX_SCANS = 60
VERIFICATION_METHODS = ("document_reviewed", "primary_source", "document_reviewed", "other")


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


class Lifecycle:
    """Renewals, soon-expiring cards, verification methods and a few scans, row by row."""

    def __init__(self, rng: random.Random, settings: Settings, today: date | None = None) -> None:
        self.rng = rng
        self.today = today or local_today(settings)
        self.folder = Path(settings.upload_dir) / "credentials"
        self.renewed = self.scanned = self.soon = 0

    def apply(self, row: dict[str, Any]) -> dict[str, Any] | None:
        """Complete one credential row in place; answer its earlier version's row, if any."""
        rng = self.rng
        earlier: dict[str, Any] | None = None
        issued_on: date | None = row["issued_on"]
        expires_on: date | None = row["expires_on"]
        verified_at: datetime | None = row["verified_at"]
        row["version"] = 1
        if expires_on is not None and issued_on is not None and rng.random() < RENEWED_SHARE:
            term = (expires_on - issued_on).days
            earlier = {
                "version": 1,
                "number": row["number"][:-1] + "0" if row["number"] else "",
                "state": row["state"],
                "issued_on": issued_on - timedelta(days=term),
                "expires_on": issued_on,
                "verified_at": verified_at,
                "verified_by": row["verified_by"],
                "verification_method": "document_reviewed" if verified_at else None,
            }
            row["version"] = 2
            self.renewed += 1
        if expires_on is not None and rng.random() < SOON_SHARE:
            expires_on = row["expires_on"] = self.today + timedelta(days=rng.randint(3, 45))
            if issued_on and issued_on >= expires_on:
                row["issued_on"] = dates.years_after(expires_on, -2)
            self.soon += 1
        row["verification_method"] = (
            rng.choice(VERIFICATION_METHODS) if verified_at is not None else None
        )
        row["document_file"] = row["document_name"] = row["document_type"] = None
        row["document_uploaded_at"] = None
        if self.scanned < MAX_SCANS and rng.random() < SCANNED_SHARE:
            self.folder.mkdir(parents=True, exist_ok=True)
            stored = secrets.token_hex(16) + ".png"
            (self.folder / stored).write_bytes(_scan(row["code"], row["number"]))
            row["document_file"] = stored
            row["document_name"] = f"{row['code'].replace('_', '-')}-card.png"
            row["document_type"] = "image/png"
            row["document_uploaded_at"] = verified_at or utcnow()
            self.scanned += 1
        return earlier

    def counts(self) -> dict[str, int]:
        return {
            "credential_renewals": self.renewed,
            "credential_scans": self.scanned,
            "credentials_soon": self.soon,
        }
