"""The seed and demo data carry the credential lifecycle: renewals, scans, soon-expiring cards."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from placement.localtime import local_today
from placement.models import CredentialVersion, GraduateCredential
from placement.seed import seed_population


def test_seeded_credentials_have_renewals_scans_and_soon_expiring_cards(app, db, settings):
    counts = seed_population(
        app.state.engine, settings, graduates=120, positions=6, employers=2, seed=7, progress=False
    )
    assert counts["credential_renewals"] > 0
    assert counts["credential_scans"] > 0 and counts["credentials_soon"] > 0
    db.expire_all()
    history = db.exec(select(CredentialVersion)).all()
    assert len(history) == counts["credential_renewals"]
    renewed = db.get(GraduateCredential, history[0].credential_id)
    assert renewed.version == 2 and history[0].expires_on == renewed.issued_on
    scans = db.exec(
        select(GraduateCredential).where(GraduateCredential.document_file.is_not(None))  # type: ignore[union-attr]
    ).all()
    for credential in scans:
        assert (Path(settings.upload_dir) / "credentials" / credential.document_file).exists()
    today = local_today(settings)
    soon = db.exec(
        select(GraduateCredential).where(
            GraduateCredential.expires_on >= today,  # type: ignore[operator]
            GraduateCredential.expires_on <= today + timedelta(days=30),  # type: ignore[operator]
        )
    ).all()
    assert soon
