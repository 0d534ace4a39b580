"""The demo shows evidence of outcomes: employer verification requests (waiting, confirmed
again after 90 days, not confirmed) and graduate surveys (waiting and answered)."""

from __future__ import annotations

from sqlmodel import col, select

from placement.models import LinkPurpose, Message, OutcomeLink, Placement
from placement.seed import seed_population
from placement.services import accreditors


def test_the_demo_has_verification_requests_and_surveys(app, db):
    seed_population(
        app.state.engine, app.state.settings, graduates=60, positions=12, seed=7, progress=False
    )
    links = db.exec(select(OutcomeLink)).all()
    verifications = [link for link in links if link.purpose == LinkPurpose.VERIFICATION]
    surveys = [link for link in links if link.purpose == LinkPurpose.SURVEY]
    assert any(link.used_at is None for link in verifications)  # waiting for the employer
    assert {link.answer for link in verifications} >= {"yes", "no"}
    assert any(link.used_at is None for link in surveys)
    assert {link.answer for link in surveys} >= {"employed", "continuing_education"}
    assert db.exec(select(Placement).where(col(Placement.reverified_at).is_not(None))).first()
    assert db.exec(select(Placement).where(col(Placement.disputed_at).is_not(None))).first()
    kinds = set(db.exec(select(Message.kind)).all())
    assert {"placement.verification_request", "graduate.survey"} <= kinds
    rows = accreditors.outcomes(db, "abhes").rows
    assert sum(getattr(row, "reverified", 0) for row in rows) >= 1
